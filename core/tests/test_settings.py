"""Configuration errors fail at start, naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MASTER = "YnVpbGQtb25seS1ub3QtYS1zZWNyZXQtbm90LXVzZWQ="  # 32 bytes, for these tests only


def _start(**env):
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "DJANGO_DEBUG", "RULE_PROFILE", "DATABASE_URL",
                          "BID_MASTER_KEY", "AUDIT_ANCHOR_KEY"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True, text=True, timeout=60,
    )


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = _start(DJANGO_DEBUG="false", BID_MASTER_KEY=MASTER)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_production_mode_starts_with_its_secrets():
    result = _start(DJANGO_DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.cn",
                    BID_MASTER_KEY=MASTER, AUDIT_ANCHOR_KEY=MASTER)
    assert result.returncode == 0, result.stderr


def test_production_mode_refuses_to_start_without_the_bid_master_key():
    result = _start(DJANGO_DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.cn")
    assert result.returncode != 0 and "BID_MASTER_KEY" in result.stderr


def test_a_master_key_of_the_wrong_length_is_refused():
    result = _start(DJANGO_DEBUG="true", BID_MASTER_KEY="c2hvcnQ=")
    assert result.returncode != 0 and "BID_MASTER_KEY" in result.stderr


@pytest.mark.parametrize(("name", "value"), [
    ("RULE_PROFILE", "beijing"),
    ("DATABASE_URL", "nosuchdb://x"),
    ("AXES_FAILURE_LIMIT", "five"),
])
def test_a_bad_value_names_the_variable(name, value):
    result = _start(DJANGO_DEBUG="true", **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and name in result.stderr
