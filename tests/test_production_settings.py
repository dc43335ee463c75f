"""Production settings are secure by default: `check --deploy` passes with nothing
silenced but HSTS preload, plain http is redirected to https (except /healthz, which
load balancers probe over http), HSTS is sent on https. The one way to relax it for a
local plain-http test is INSECURE_HTTP=true, and the start says so.

The settings are loaded in a subprocess with production variables (DJANGO_DEBUG off);
the request tests then apply those exact values to this process's settings."""

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

# Everything that could make the outcome depend on the developer's shell (and `make
# test`'s DJANGO_ALLOW_ASYNC_UNSAFE, which production never sets: async.E001).
_STRIP = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_DEBUG",
          "SECRET_KEY", "BID_MASTER_KEY", "AUDIT_ANCHOR_KEY", "ALLOWED_HOSTS",
          "CSRF_TRUSTED_ORIGINS", "DATABASE_URL", "INSECURE_HTTP", "TRUSTED_PROXY_COUNT",
          "USE_X_FORWARDED_FOR", "SESSION_COOKIE_SECURE", "SECURE_HSTS_SECONDS"}

SECURITY_SETTINGS = [
    "SECURE_SSL_REDIRECT", "SECURE_REDIRECT_EXEMPT", "SECURE_SSL_HOST", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_REFERRER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_CROSS_ORIGIN_OPENER_POLICY",
]

_DUMP = f"""
import json, django
django.setup()
from django.conf import settings as s
values = {{name: getattr(s, name) for name in {[*SECURITY_SETTINGS, "TRUSTED_PROXY_COUNT"]!r}}}
values["NUM_PROXIES"] = s.REST_FRAMEWORK.get("NUM_PROXIES", "unset")
print(json.dumps(values))
"""


def _key32() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _run(args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in _STRIP}
    clean.update(env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings"},
                          timeout=120)


def production(**env):
    """The variables a production start needs (docs/operations.md §3), and `env`."""
    return {"DJANGO_DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50),
            "BID_MASTER_KEY": _key32(),
            # Required in production once the audit anchor lands; harmless before.
            "AUDIT_ANCHOR_KEY": _key32(),
            "ALLOWED_HOSTS": "zfcg.weidu.gov.cn", **env}


def loaded_settings(**env):
    result = _run(["-c", _DUMP], **env)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    if values["SECURE_PROXY_SSL_HEADER"] is not None:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values, result.stderr


def _apply(settings, values):
    for name in SECURITY_SETTINGS:
        setattr(settings, name, values[name])


# --- manage.py check --deploy ------------------------------------------------------

def test_check_deploy_passes_in_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout


def test_check_deploy_passes_behind_a_proxy():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                  **production(TRUSTED_PROXY_COUNT="1"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_insecure_http_is_loud_and_fails_check_deploy():
    values, stderr = loaded_settings(**production(INSECURE_HTTP="true"))
    assert "INSECURE_HTTP" in stderr  # said at every start
    assert not values["SECURE_SSL_REDIRECT"] and values["SECURE_HSTS_SECONDS"] == 0
    assert not values["SESSION_COOKIE_SECURE"] and not values["CSRF_COOKIE_SECURE"]
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                  **production(INSECURE_HTTP="true"))
    assert result.returncode != 0
    assert "security.W008" in result.stderr and "security.W012" in result.stderr


def test_production_is_secure_without_any_setting():
    values, stderr = loaded_settings(**production())
    assert "INSECURE_HTTP" not in stderr
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    # No trusted proxy: neither X-Forwarded-Proto nor X-Forwarded-For is believed.
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["TRUSTED_PROXY_COUNT"] == 0 and values["NUM_PROXIES"] == 0


def test_the_proxy_count_drives_the_ssl_header_and_drf():
    values, _ = loaded_settings(**production(TRUSTED_PROXY_COUNT="2"))
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert values["TRUSTED_PROXY_COUNT"] == 2 and values["NUM_PROXIES"] == 2


def test_debug_mode_serves_plain_http_without_any_setting():
    """`make run` and `make test`: plain http on 127.0.0.1, no warning."""
    values, stderr = loaded_settings(DJANGO_DEBUG="true")
    assert "INSECURE_HTTP" not in stderr
    assert not values["SECURE_SSL_REDIRECT"] and values["SECURE_HSTS_SECONDS"] == 0
    assert not values["SESSION_COOKIE_SECURE"]


@pytest.mark.parametrize(("name", "value", "says"), [
    ("TRUSTED_PROXY_COUNT", "-1", "TRUSTED_PROXY_COUNT"),
    ("TRUSTED_PROXY_COUNT", "one", "TRUSTED_PROXY_COUNT"),
    # The old knob, set the insecure way, must not be silently ignored.
    ("SESSION_COOKIE_SECURE", "false", "INSECURE_HTTP"),
])
def test_a_bad_security_value_stops_the_start(name, value, says):
    result = _run(["-c", "import django; django.setup()"], **production(**{name: value}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and says in result.stderr


def test_use_x_forwarded_for_still_means_one_proxy_and_says_it_is_deprecated():
    values, stderr = loaded_settings(**production(USE_X_FORWARDED_FOR="true"))
    assert values["TRUSTED_PROXY_COUNT"] == 1 and "TRUSTED_PROXY_COUNT" in stderr


# --- requests under the production values ---------------------------------------------

@pytest.fixture(scope="module")
def prod_values():
    return loaded_settings(**production())[0]


@pytest.fixture(scope="module")
def proxied_values():
    return loaded_settings(**production(TRUSTED_PROXY_COUNT="1"))[0]


def test_plain_http_is_redirected_to_https(client, settings, prod_values):
    _apply(settings, prod_values)
    response = client.get("/rules/?x=1")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/rules/?x=1"
    assert "Strict-Transport-Security" not in response  # never sent over http (RFC 6797)


@pytest.mark.django_db
def test_https_carries_hsts(client, settings, prod_values):
    _apply(settings, prod_values)
    response = client.get("/rules/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_healthz_answers_plain_http_for_load_balancers(client, settings, prod_values):
    _apply(settings, prod_values)
    assert client.get("/healthz").status_code in (200, 503)  # not 301


def test_a_forged_forwarded_proto_is_ignored_without_a_proxy(client, settings, prod_values):
    _apply(settings, prod_values)
    response = client.get("/rules/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301


@pytest.mark.django_db
def test_behind_a_proxy_its_forwarded_proto_counts(client, settings, proxied_values):
    _apply(settings, proxied_values)
    assert client.get("/rules/", HTTP_X_FORWARDED_PROTO="http").status_code == 301
    response = client.get("/rules/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200 and "Strict-Transport-Security" in response


# --- docker-compose.yml ------------------------------------------------------------------

def test_compose_is_production_by_default():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    environment = compose["x-app-environment"]
    assert environment["DJANGO_DEBUG"] == "false"
    # No insecure default: cookies follow INSECURE_HTTP, which .env may set for a local test.
    assert "SESSION_COOKIE_SECURE" not in environment
    assert ":-true}" not in str(environment.get("INSECURE_HTTP", ""))
    # web is reached directly on port 8000: no proxy is trusted unless .env says so.
    assert environment["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-0}"
