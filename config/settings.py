"""Settings for 春风政采, read from the environment (django-environ).

Every value has a safe embedded default (SQLite in ``var/``, kombu's
filesystem broker) except the secrets, which production mode (DEBUG off)
refuses to start without. A malformed value raises ImproperlyConfigured
naming the variable, at start rather than as an odd error later.
"""

import base64
import logging
import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# Warnings at start. LOGGING is not configured yet while settings load, so Python's
# last-resort handler prints them to stderr of every process (web, worker, beat, manage.py).
_log = logging.getLogger("config.settings")


def _env(name, cast, default):
    """Read one variable; a value that does not parse names the variable."""
    try:
        return cast(name, default=default)
    except (ValueError, TypeError) as exc:  # environ raises these for bad casts
        raise ImproperlyConfigured(f"{name}: {exc}") from exc


DEBUG = _env("DJANGO_DEBUG", env.bool, False)


def _key32(name, *, purpose, dev_key):
    """A secret of 32 random bytes, base64 in the environment. Production mode refuses to
    start without it; debug mode uses a fixed development key."""
    value = env.str(name, default="")
    if not value:
        if not DEBUG:
            raise ImproperlyConfigured(
                f"{name} is not set. Production mode needs {purpose}: base64 of 32 random "
                "bytes (see .env.example).")
        value = dev_key
    try:
        if len(base64.b64decode(value, validate=True)) != 32:
            raise ValueError("must decode to 32 bytes")
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from exc
    return value


SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production mode (DJANGO_DEBUG off) needs a secret key: "
            "set SECRET_KEY in the environment or in .env (see .env.example)."
        )
    SECRET_KEY = "insecure-development-only-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = _env(
    "ALLOWED_HOSTS", env.list, ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = _env("CSRF_TRUSTED_ORIGINS", env.list, [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    # foundation
    "core",
    "rules",
    "accounts",
    "audit",
    "workdays",
    "notifications",
    # clocks
    "deadlines",
    # lifecycle
    "procurement",
    "contracts",
    "financing",
    "complaints",
    # read side
    "disclosure",
    "supervision",
    "workspaces",
    # top: demo data spans every layer
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Under /api/, Django's own HTML error pages become the API's JSON (in the language
    # LocaleMiddleware chose).
    "core.middleware.ApiJsonErrorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.ActiveOrganizationMiddleware",
    # axes must be last: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.inbox",
                "workspaces.context_processors.navigation",
                # Last: a page kept for anonymous readers prints a placeholder for the
                # CSRF token (disclosure.caching.cached_page).
                "disclosure.caching.page_csrf",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": _env("DATABASE_URL", env.db_url, f"sqlite:///{VAR_DIR / 'chunfeng.sqlite3'}")
}
_SUPPORTED_ENGINES = ("django.db.backends.sqlite3", "django.db.backends.postgresql")
if DATABASES["default"].get("ENGINE") not in _SUPPORTED_ENGINES:
    raise ImproperlyConfigured(
        "DATABASE_URL: use postgres://user:password@host:5432/name or sqlite:///path "
        f"(got engine {DATABASES['default'].get('ENGINE')!r})."
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the Celery worker writes; IMMEDIATE
    # takes the write lock at BEGIN so two writers queue instead of failing
    # half-way with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", _env("CONN_MAX_AGE", env.int, 60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    # Embedded mode: a cache on disk is shared by web and worker processes.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery ---------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = Path(env.str("CELERY_FILESYSTEM_BROKER_DIR", default=str(VAR_DIR / "broker")))
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_TASK_ALWAYS_EAGER = _env("CELERY_TASK_ALWAYS_EAGER", env.bool, False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Auth -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspaces:home"
LOGOUT_REDIRECT_URL = "disclosure:home"

# Login throttling (django-axes): lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = _env("AXES_FAILURE_LIMIT", env.int, 5)
AXES_COOLOFF_TIME = _env("AXES_COOLOFF_MINUTES", env.int, 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "core.http.axes_client_ip"
AXES_ENABLED = _env("AXES_ENABLED", env.bool, True)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Transport security ---------------------------------------------------------
# Production is https as the browser sees it: plain http is redirected, HSTS tells the
# browser never to try http again, cookies are Secure. Debug mode (make run, make test)
# is plain http on 127.0.0.1. INSECURE_HTTP=true is the one way to run production
# settings over plain http (docker compose on http://localhost:8000, a local test):
# every start says so, and `manage.py check --deploy` fails.
INSECURE_HTTP = _env("INSECURE_HTTP", env.bool, False)
_HTTPS = not (DEBUG or INSECURE_HTTP)
if INSECURE_HTTP and not DEBUG:
    _log.warning("SECURITY WARNING: INSECURE_HTTP=true: no redirect to https, no HSTS, "
                 "session and CSRF cookies sent over plain http. For a local test only, "
                 "never in production.")
if _env("SESSION_COOKIE_SECURE", env.bool, None) is False and _HTTPS:
    # The knob this replaced, set the insecure way: say so rather than ignore it.
    raise ImproperlyConfigured(
        "SESSION_COOKIE_SECURE is no longer read: cookies are Secure in production. "
        "For a local test over plain http set INSECURE_HTTP=true instead.")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _HTTPS
SECURE_SSL_REDIRECT = _HTTPS
# Load balancers probe /healthz over plain http inside the network. (Patterns match
# the path without its leading slash.)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = _env("SECURE_HSTS_SECONDS", env.int, 365 * 24 * 60 * 60) if _HTTPS else 0
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured(f"SECURE_HSTS_SECONDS: {SECURE_HSTS_SECONDS} is negative.")
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preload would have browsers ship the registered domain (e.g. weidu.gov.cn, with every
# other service under it) as https-only for months, beyond this setting's reach: the
# domain owner's decision, not this application's. Hence the one silenced check.
SECURE_HSTS_PRELOAD = False
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # "SECURE_HSTS_PRELOAD is not True"

# Reverse proxies in front of gunicorn (nginx, the intranet gateway), each appending
# the address it received the request from to X-Forwarded-For: core.http.client_ip
# takes the client from there for audit records, lock-outs and throttles. 0 (gunicorn
# reached directly): the header is ignored. X-Forwarded-Proto is believed only behind
# a trusted proxy, which must set it (overwrite, not pass on the client's).
TRUSTED_PROXY_COUNT = _env("TRUSTED_PROXY_COUNT", env.int, None)
_use_x_forwarded_for = _env("USE_X_FORWARDED_FOR", env.bool, None)  # deprecated: 1 proxy
if _use_x_forwarded_for is not None:
    if TRUSTED_PROXY_COUNT is not None:
        raise ImproperlyConfigured(
            "USE_X_FORWARDED_FOR: replaced by TRUSTED_PROXY_COUNT; set only the latter.")
    TRUSTED_PROXY_COUNT = int(_use_x_forwarded_for)
    _log.warning("USE_X_FORWARDED_FOR is deprecated: set TRUSTED_PROXY_COUNT=%d instead.",
                 TRUSTED_PROXY_COUNT)
TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT or 0
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        f"TRUSTED_PROXY_COUNT: {TRUSTED_PROXY_COUNT}; the number of proxies, 0 or more.")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: every script and style is served from our own
# static files (no CDN: government intranets are often offline).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request otherwise
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Sealed bid files and other private documents: never served by URL, only
# through permission-checked views.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
STORAGES["private"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
}
BID_FILE_MAX_MB = _env("BID_FILE_MAX_MB", env.int, 50)
# Archives (ZIP, Word, Excel) are judged by core.uploads from their directory before
# anything is inflated: entries, total size once unpacked (nested archives included),
# each entry's compression ratio (a zip bomb's is ~1000:1), nesting depth.
UPLOAD_ZIP_MAX_ENTRIES = _env("UPLOAD_ZIP_MAX_ENTRIES", env.int, 1000)
UPLOAD_ZIP_MAX_UNCOMPRESSED_MB = _env("UPLOAD_ZIP_MAX_UNCOMPRESSED_MB", env.int, 200)
UPLOAD_ZIP_MAX_RATIO = _env("UPLOAD_ZIP_MAX_RATIO", env.int, 100)
UPLOAD_ZIP_MAX_DEPTH = _env("UPLOAD_ZIP_MAX_DEPTH", env.int, 3)
for _name in ("UPLOAD_ZIP_MAX_ENTRIES", "UPLOAD_ZIP_MAX_UNCOMPRESSED_MB",
              "UPLOAD_ZIP_MAX_RATIO", "UPLOAD_ZIP_MAX_DEPTH"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name}: {globals()[_name]} is less than 1.")

# --- REST framework -------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.apis.exception_handler",
    # DRF's own throttles find the client as core.http.client_ip does.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "春风政采 Chunfeng e-procurement API",
    "DESCRIPTION": "Every step of the procurement life, scoped to the caller's organisation.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from our own static files: intranets are often offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Requests get their own components: without them a required text field was documented
    # without its minLength and read-only fields as required input (tests/test_api_schema_fuzz).
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for the enterprise scale, whether of a bidder or of an item's maker.
    "ENUM_NAME_OVERRIDES": {"EnterpriseScaleEnum": "procurement.apis.bidding.SCALES",
                            "PenaltyKindEnum": "complaints.models.Penalty.Kind",
                            # upheld / partly / dismissed: a challenge's and a complaint's
                            # outcome and each objection's decision are the same set.
                            "FindingEnum": "complaints.models.Challenge.Outcome",
                            "ApprovalDecisionEnum": ["approve", "refuse"]},
}

# --- Platform -------------------------------------------------------------
RULE_PROFILE = env.str("RULE_PROFILE", default="xuchang")
if RULE_PROFILE not in ("xuchang", "national"):
    raise ImproperlyConfigured(
        f"RULE_PROFILE: {RULE_PROFILE!r} is not a rule profile; use 'xuchang' or 'national'."
    )
# Single values overriding the profile, e.g. RULE_OVERRIDES='{"contract.sign": 3}'.
RULE_OVERRIDES = _env("RULE_OVERRIDES", env.json, {})
if not isinstance(RULE_OVERRIDES, dict):
    raise ImproperlyConfigured("RULE_OVERRIDES: a JSON object of rule code → value.")
PLATFORM_NAME = _("Chunfeng e-Procurement")

# --- Sealed bids --------------------------------------------------------------
# The master key that wraps each lot's data key (base64 of 32 random bytes:
# `python -c "import os,base64;print(base64.b64encode(os.urandom(32)).decode())"`).
# Kept in the environment, never in the database: a database dump alone
# cannot open a sealed bid. Losing it loses every bid not yet opened.
BID_MASTER_KEY = _key32("BID_MASTER_KEY", purpose="the key that seals bids",
                        dev_key="ZGV2ZWxvcG1lbnQtb25seS1iaWQtbWFzdGVyLWtleSE=")

# --- Notifications ----------------------------------------------------------
SMS_BACKEND = env.str("SMS_BACKEND", default="console")
if SMS_BACKEND not in ("console", "file", "http"):
    raise ImproperlyConfigured(f"SMS_BACKEND: {SMS_BACKEND!r}; use console, file or http.")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(VAR_DIR / "sms.log"))
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
if SMS_BACKEND == "http" and not SMS_GATEWAY_URL:
    raise ImproperlyConfigured("SMS_GATEWAY_URL: required when SMS_BACKEND=http.")
NOTIFY_MAX_ATTEMPTS = _env("NOTIFY_MAX_ATTEMPTS", env.int, 6)
# Without EMAIL_URL (make run), each e-mail is a file in var/mail/ rather than a whole
# MIME message on the console next to its SMS line.
EMAIL_CONFIG = _env("EMAIL_URL", env.email_url, "filemail://")
globals().update(EMAIL_CONFIG)  # EMAIL_BACKEND, EMAIL_HOST, … from one URL
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH",
                          default=EMAIL_CONFIG.get("EMAIL_FILE_PATH") or str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="春风政采 <noreply@chunfeng.local>")

# --- Clocks -------------------------------------------------------------------
# Reminders before a statutory deadline: <n>wd (working days) or <n>h (hours).
# The clock's opening and the overdue mark always notify.
DEADLINE_REMINDERS = _env("DEADLINE_REMINDERS", env.list, ["1wd", "2h"])
for _spec in DEADLINE_REMINDERS:
    _s = _spec.strip().lower()
    if not ((_s.endswith("wd") and _s[:-2].isdigit()) or (_s.endswith("h") and _s[:-1].isdigit())):
        raise ImproperlyConfigured(
            f"DEADLINE_REMINDERS: {_spec!r}; use <n>wd or <n>h, e.g. 1wd,2h.")

# --- Audit anchor ---------------------------------------------------------------
# The Ed25519 key that signs the periodic checkpoints of the audit chain's head
# (audit.anchor): base64 of 32 random bytes, generated like BID_MASTER_KEY. Kept
# out of the database, so whoever can rewrite the table cannot sign a checkpoint.
# The checkpoints are files in AUDIT_ANCHOR_DIR, backed up apart from the
# database and published at /audit/anchors/; verify_audit compares the chain
# with every one of them.
AUDIT_ANCHOR_KEY = _key32("AUDIT_ANCHOR_KEY",
                          purpose="the key that signs the audit trail's checkpoints",
                          dev_key="ZGV2ZWxvcG1lbnQtb25seS1hdWRpdC1hbmNob3ItayE=")
AUDIT_ANCHOR_DIR = Path(env.str("AUDIT_ANCHOR_DIR", default=str(VAR_DIR / "anchors")))
# Requests append audit events without a lock; the beat's audit-seal task links them
# into the hash chain every few seconds (audit.services.audit_seal). An event still
# unsealed after this many seconds makes verify_audit fail: the sealer is not running.
AUDIT_SEAL_GRACE_SECONDS = _env("AUDIT_SEAL_GRACE_SECONDS", env.int, 600)
if AUDIT_SEAL_GRACE_SECONDS < 1:
    raise ImproperlyConfigured(
        f"AUDIT_SEAL_GRACE_SECONDS: {AUDIT_SEAL_GRACE_SECONDS}; use a positive number of "
        "seconds (default 600).")

# --- Open Contracting (disclosure.ocds) -----------------------------------------
# Every contracting process's ocid is OCDS_OCID_PREFIX + "-" + the project number. A real
# prefix ("ocds-" and six characters) is registered with the Open Contracting
# Partnership for each publisher; the default is a placeholder, to be replaced by the
# registered one before the data is published (disclosure/ocds/__init__.py).
OCDS_OCID_PREFIX = env.str("OCDS_OCID_PREFIX", default="ocds-chunfeng")
if not re.fullmatch(r"ocds-[0-9a-z]{6,}", OCDS_OCID_PREFIX):
    raise ImproperlyConfigured(
        f"OCDS_OCID_PREFIX: {OCDS_OCID_PREFIX!r}; use the prefix registered with the Open "
        "Contracting Partnership, e.g. ocds-213czf.")
# The public address of the site: OCDS packages carry absolute URLs (documents, package
# URIs) and the daily export is written without a request to take the host from.
OCDS_BASE_URL = env.str("OCDS_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The daily bulk export (disclosure.tasks_ocds), served publicly under MEDIA_URL.
OCDS_EXPORT_DIR = Path(env.str("OCDS_EXPORT_DIR", default=str(MEDIA_ROOT / "ocds")))
# The OCDS 1.1 schema as a zip, built from PyPI packages by `make ocds-standard`
# (disclosure.ocds.standard); read by the validation.
OCDS_STANDARD_ZIP = Path(env.str("OCDS_STANDARD_ZIP",
                                 default=str(VAR_DIR / "ocds-standard-1__1__5.zip")))

_TASK_LOG_LEVEL = env.str("TASK_LOG_LEVEL", default="WARNING")
# One line format and one clock (Asia/Shanghai) for web, worker and beat: Celery applies
# this same dict instead of its own (config.celery), and the development server's request
# lines use it too instead of their own date format.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"shanghai": {"class": "config.logformat.ShanghaiFormatter",
                                "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
                                "datefmt": "%Y-%m-%d %H:%M:%S"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "shanghai"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint narrates every PDF step at INFO.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"},
                "fontTools": {"level": "WARNING"},
                "django.server": {"handlers": ["console"], "level": "INFO",
                                  "propagate": False},
                # Each minute beat's "received"/"succeeded" and "sending due task" lines
                # would be sixteen a minute; a failing task still logs at ERROR.
                **{name: {"level": _TASK_LOG_LEVEL} for name in (
                    "celery.worker.strategy", "celery.app.trace", "celery.beat")}},
}
