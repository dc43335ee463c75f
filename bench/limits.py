"""The soak's bounds, shared by bench/locustfile.py and ``manage.py soak`` (which must not
import the locustfile: importing locust patches the standard library with gevent)."""

MAX_USERS = 200
MAX_RUN_TIME = 15 * 60  # seconds
LOOPBACK = ("127.0.0.1", "localhost", "::1")
