"""make run's console (issue #12 point 6): one readable line per SMS, e-mail to files,
and one clock — Asia/Shanghai — in web, worker and beat."""

import datetime as dt
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from config.logformat import ShanghaiFormatter

BASE_DIR = Path(__file__).resolve().parent.parent


def _embedded_settings() -> dict:
    """The settings ``make run`` gets: no EMAIL_URL, no broker or database URL."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("EMAIL_URL", "EMAIL_FILE_PATH", "DATABASE_URL", "REDIS_URL",
                        "CELERY_BROKER_URL", "TASK_LOG_LEVEL", "LOG_LEVEL")}
    env.update(DJANGO_DEBUG="true", DJANGO_SETTINGS_MODULE="config.settings", TZ="UTC")
    code = ("import json; from django.conf import settings as s; print(json.dumps({"
            "'email': s.EMAIL_BACKEND, 'email_path': str(s.EMAIL_FILE_PATH), "
            "'broker': s.CELERY_BROKER_URL, 'logging': s.LOGGING}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_embedded_mode_writes_email_to_files_under_var():
    s = _embedded_settings()
    assert s["broker"].startswith("filesystem://")
    assert s["email"] == "django.core.mail.backends.filebased.EmailBackend"
    assert Path(s["email_path"]) == BASE_DIR / "var" / "mail"


def test_every_log_line_has_one_format_in_shanghai_time():
    logging_ = _embedded_settings()["logging"]
    formatter = logging_["formatters"]["shanghai"]
    assert formatter["class"] == "config.logformat.ShanghaiFormatter"
    assert logging_["handlers"]["console"]["formatter"] == "shanghai"
    # The development server's request lines too, not their own date format.
    assert logging_["loggers"]["django.server"]["handlers"] == ["console"]
    # The minute beats' routine lines stay out of the console; failures still show.
    for name in ("celery.worker.strategy", "celery.app.trace", "celery.beat"):
        assert logging_["loggers"][name]["level"] == "WARNING"


def test_the_formatter_prints_shanghai_time_whatever_the_machines_zone():
    record = logging.LogRecord("chunfeng.sms", logging.INFO, __file__, 1, "x", (), None)
    record.created = dt.datetime(2026, 1, 5, 1, 30, tzinfo=dt.UTC).timestamp()
    formatter = ShanghaiFormatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S")
    assert formatter.format(record) == "2026-01-05 09:30:00 x"


def test_celery_logs_with_djangos_configuration_not_its_own():
    from celery.signals import setup_logging

    import config.celery  # noqa: F401 — connects the receiver

    assert any(getattr(r[1](), "__name__", "") == "_django_logging"
               for r in setup_logging.receivers if r[1]() is not None)


def test_a_console_sms_is_one_log_line_with_recipient_and_text(caplog, capsys):
    from notifications.backends import ConsoleSMSBackend

    with caplog.at_level(logging.INFO, logger="chunfeng.sms"):
        ConsoleSMSBackend().send(to="13903742001", text="【春风政采】第1包\n已开标。", key="k1")
    records = [r for r in caplog.records if r.name == "chunfeng.sms"]
    assert len(records) == 1
    assert records[0].getMessage() == "SMS → 13903742001: 【春风政采】第1包 已开标。"
    assert capsys.readouterr().out == ""  # not printed a second time
