# syntax=docker/dockerfile:1
# 春风政采 — one image for every production process: gunicorn (default CMD),
# the Celery worker and the Celery beat (docker-compose.yml sets their commands).
# Build:  docker build -t chunfeng .
# See docs/operations.md.

# --- Stage 1: the source tree, without what must never reach the image -------
# The checkout holds a local virtualenv, the embedded SQLite database, test
# screenshots and possibly a .env with secrets. Dropping them here (rather
# than in the final stage) keeps them out of every layer of the final image.
FROM python:3.11-slim-bookworm AS source
COPY . /src
RUN cd /src \
    && rm -rf .git .venv var control .env .pytest_cache .ruff_cache build \
              bench-results node_modules staticfiles ./*.egg-info \
    && find . -name __pycache__ -type d -prune -exec rm -rf {} + \
    && find . -name '*.mo' -delete

# --- Stage 2: the runtime image ----------------------------------------------
FROM python:3.11-slim-bookworm

# STATIC_ROOT: collected static files live outside var/, so a volume mounted
#   on var/ can never hide them or pin an old copy.
# MEDIA_ROOT: uploaded files; mount a volume here (docker-compose.yml does).
# PRIVATE_MEDIA_ROOT: sealed bids, contracts, invoices; a volume here too.
# WEB_CONCURRENCY: gunicorn reads it as its default number of --workers.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media \
    PRIVATE_MEDIA_ROOT=/data/private \
    WEB_CONCURRENCY=3

# WeasyPrint needs pango (and harfbuzz's subsetter); Chinese PDFs need a CJK font.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        fonts-noto-cjk \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, in their own layer: pyproject.toml packages nothing
# (`packages = []`), so installing "." needs only it and the README it names,
# and this layer is rebuilt only when the dependencies change.
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir . \
    && rm -rf build ./*.egg-info

# The application runs from its source tree (manage.py, config/, the apps).
COPY --from=source /src/ /app/

# Build-time steps:
# - compiletranslations (pure Python, no gettext) only needs settings to load;
#   DJANGO_DEBUG=true lets them load without a SECRET_KEY.
# - collectstatic must run in production mode (DJANGO_DEBUG=false): only then
#   do settings select WhiteNoise's CompressedManifestStaticFilesStorage, which
#   writes the staticfiles.json manifest that production pages need. The
#   SECRET_KEY given here is a throw-away for this one command; it is not kept
#   in the image's environment and signs nothing.
RUN DJANGO_DEBUG=true python manage.py compiletranslations \
    && DJANGO_DEBUG=false SECRET_KEY=collectstatic-build-only-not-a-secret \
       BID_MASTER_KEY=YnVpbGQtb25seS1ub3QtYS1zZWNyZXQtbm90LXVzZWQ= \
       AUDIT_ANCHOR_KEY=YnVpbGQtb25seS1ub3QtYS1zZWNyZXQtbm90LXVzZWQ= \
       python manage.py collectstatic --noinput -v 0 \
    && rm -rf /app/var \
    && find /app -name __pycache__ -type d -prune -exec rm -rf {} +

# Run as an unprivileged user. It may write only var/ (celerybeat schedule,
# embedded-mode leftovers) and the media directory; the code stays root-owned.
RUN groupadd --system --gid 10001 chunfeng \
    && useradd --system --uid 10001 --gid chunfeng --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin chunfeng \
    && mkdir -p /app/var /data/media /data/private /data/anchors \
    && chown -R chunfeng:chunfeng /app/var /data/media /data/private /data/anchors
USER chunfeng

EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
