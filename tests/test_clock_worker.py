"""A real Celery worker on the Redis broker enforces a clock end to end:
reminder → overdue mark → escalation, exactly once, with two sweeps racing."""

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from deadlines import services
from deadlines.models import Deadline
from notifications.models import Message

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.CELERY_BROKER_URL.startswith("redis://"),
                       reason="the worker test runs on the Redis broker (make test)"),
]


def _wait(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def worker(tmp_path):
    from config.celery import app

    app.control.purge()  # tasks queued by earlier runs are not ours
    db = connection.settings_dict
    env = {**os.environ,
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                           f"{db['PORT'] or 5432}/{db['NAME']}",
           "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
           "SMS_BACKEND": "file", "SMS_FILE_PATH": str(tmp_path / "sms.jsonl"),
           "DJANGO_DEBUG": "true", "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}
    log = open(tmp_path / "worker.log", "w")
    proc = subprocess.Popen(
        [str(BIN / "celery"), "-A", "config", "worker", "--loglevel=INFO", "--concurrency=2",
         "--hostname", f"clocktest-{os.getpid()}@%h", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    _wait(lambda: "ready" in (tmp_path / "worker.log").read_text(), 60, "the worker to start")
    yield tmp_path / "sms.jsonl"
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()
    text = (tmp_path / "worker.log").read_text()
    assert "Traceback" not in text, text[-4000:]


def _sms(path, kind):
    if not path.exists():
        return []
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines
            if f":{kind}:" in line["key"] or line["key"].startswith(f"{kind}:")]


def test_worker_sends_one_reminder_then_marks_overdue_and_escalates(
    worker, purchaser_org, alice, supervisor
):
    from deadlines.tasks import sweep

    now = timezone.now()
    # An award notice that must be signed within the next 90 minutes.
    deadline = services.deadline_open(subject=purchaser_org, clock="contract.sign",
                                      organization=purchaser_org,
                                      start=now - dt.timedelta(hours=3),
                                      due_at=now + dt.timedelta(minutes=90))
    sweep.delay()
    sweep.delay()  # a second sweep racing the first
    _wait(lambda: _sms(worker, "before_2h"), 60, "the 2-hour reminder SMS")
    _wait(lambda: Message.objects.filter(status="queued").count() == 0, 30, "the outbox")
    time.sleep(1)
    assert len(_sms(worker, "before_2h")) == 1
    assert _sms(worker, "before_2h")[0]["to"] == alice.mobile
    channels = sorted(Message.objects.filter(idempotency_key__contains=":before_2h:")
                      .values_list("channel", flat=True))
    assert channels == ["inapp", "sms"]  # deadlines.fanout: reminders by SMS and inbox
    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.OPEN

    # Time passes the due time (the worker reads the real clock, so move the clock's
    # due time instead of the world's).
    past = timezone.now() - dt.timedelta(minutes=1)
    Deadline.objects.filter(pk=deadline.pk).update(due_at=past, next_action_at=past)
    for _ in range(3):
        sweep.delay()
    _wait(lambda: _sms(worker, "deadline-digest"), 60, "the digest SMS")
    _wait(lambda: Message.objects.filter(status="queued").count() == 0, 30, "the outbox")
    time.sleep(1)
    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.OVERDUE
    assert len(_sms(worker, "overdue")) == 1
    # The finance bureau hears of it in the sweep's digest: one SMS however many clocks.
    escalations = _sms(worker, "deadline-digest")
    assert [e["to"] for e in escalations] == [supervisor.mobile]
    assert len(_sms(worker, "before_2h")) == 1
