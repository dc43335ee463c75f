"""Settings of the benchmark server and command: production's, plus the bench app.

``make bench`` and ``make soak`` run ``manage.py bench``/``soak`` and the gunicorn they
start with ``DJANGO_SETTINGS_MODULE=bench.settings``. Everything the bid endpoint does
is configured exactly as in ``config.settings``; the differences are listed here, each
with its reason. ``config.settings`` never installs this app, so production has neither
the baseline endpoint nor its table (bench/tests/test_baseline.py).
"""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS, STORAGES

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]

# config.urls plus the same-run baseline (bench/urls.py).
ROOT_URLCONF = "bench.urls"

# The bench server listens on the loopback only (bench.server refuses anything else),
# so these are the only names a request can carry; production reads ALLOWED_HOSTS from
# the environment.
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

# The clients fetch their CSRF cookie from the login page once each. Production renders
# it through WhiteNoise's compressed manifest, which needs a 30-second collectstatic
# before every run; page rendering is not what is measured, so the plain storage serves
# the same page without the manifest. Media and the private (sealed bid) storage are
# production's.
STORAGES = {**STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
