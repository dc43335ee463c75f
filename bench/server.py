"""The bench's own gunicorn: the real WSGI application with ``bench.settings``, on the
loopback, started and stopped by ``manage.py bench`` and ``manage.py soak``.

Workers and threads for this 2-core machine (``bench`` and ``soak`` take --workers and
--server-threads): 3 gthread workers × 4 threads. Three processes keep both cores busy
despite the GIL, with one to spare while another waits on PostgreSQL; four threads each
overlap the database round trips and lock waits of the bid transaction. Twelve requests
in service at once is a fraction of the 48 clients, so the rest queue in the listen
backlog as they would in front of a production server, and the same server serves the
bid endpoint and its baseline. PostgreSQL and the clients share the same two cores:
that is why the figures are read as ratios.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests
from django.conf import settings

LOOPBACK = ("127.0.0.1", "localhost")
WORKERS = 3
THREADS = 4
BASE_DIR = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env() -> dict:
    """The environment this process runs with, for bench settings over plain http.

    INSECURE_HTTP: production settings without https (no redirect, no Secure cookies) —
    the loopback has no TLS in front of it; config.settings logs its warning once per
    process.
    """
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    env["INSECURE_HTTP"] = "true"
    return env


@contextmanager
def gunicorn(*, workers: int = WORKERS, threads: int = THREADS, port: int | None = None,
             log: Path | None = None):
    """Run gunicorn for the duration of the block; yield its base URL."""
    port = port or free_port()
    log = log or BASE_DIR / "var" / "bench-gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi:application",
           "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
           "--worker-class", "gthread", "--threads", str(threads),
           "--backlog", "2048", "--timeout", "120", "--graceful-timeout", "10",
           # Each client keeps its connection, as browsers do behind nginx (whose
           # keepalive_timeout is 75 s). With gunicorn's default of 2 s a connection
           # idle between the baseline and the rush was closed as the client reused
           # it: the POST failed in the client, never reaching the server.
           "--keep-alive", "75",
           "--error-logfile", str(log)]
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, cwd=BASE_DIR, env=server_env(), stdout=out,  # noqa: S603
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(proc, url, log)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_ready(proc, url: str, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {log}")
        try:
            # Any answer will do: /healthz says 503 without a Celery worker, which the
            # bench does not start.
            requests.get(f"{url}/healthz", timeout=5)
            return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {log}")
