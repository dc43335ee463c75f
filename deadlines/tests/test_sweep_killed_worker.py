"""Exactly once when a sweeper dies mid-batch: a real process is killed with SIGKILL while
it holds a batch it has written but not committed; the other sweeper passes its rows by,
and takes them once the dead one's transaction is gone."""

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from accounts.tests.factories import OrganizationFactory
from deadlines import services
from deadlines.models import Reminder
from deadlines.tests.conftest import at
from deadlines.tests.test_sweep import assert_exactly_once

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers"),
]

# The sweeper that dies: it commits its first batch, writes its second and then waits
# (before that batch's commit) until it is killed.
CHILD = """
import datetime as dt, sys, time
import django
django.setup()
from deadlines import services
real, calls = services._apply, [0]

def hold(plans, now, audiences):
    part = real(plans, now, audiences)
    calls[0] += 1
    if calls[0] == 2:
        print("HOLDING", flush=True)
        time.sleep(120)  # killed long before; bounds a hang if the test breaks
    return part

services._apply = hold
services.deadlines_sweep(now=dt.datetime.fromisoformat(sys.argv[1]), batch_size=5)
print("FINISHED", flush=True)
"""


def _child(now, tmp_path):
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                           f"{db['PORT'] or 5432}/{db['NAME']}",
           "CELERY_TASK_ALWAYS_EAGER": "true", "SMS_BACKEND": "file",
           "SMS_FILE_PATH": str(tmp_path / "sms.jsonl")}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, now.isoformat()], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout],
                     daemon=True).start()
    return proc, lines


def _wait_for(lines, word, seconds=60):
    seen = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        seen.append(line)
        if line.strip() == word:
            return
    raise AssertionError(f"the sweeper never said {word}: {''.join(seen)[-3000:]}")


def test_a_sweeper_killed_mid_batch_leaves_nothing_missed_or_doubled(
    purchaser_org, alice, leader, finance_admin, tmp_path
):
    for _ in range(40):
        services.deadline_open(subject=OrganizationFactory(), clock="contract.sign",
                               organization=purchaser_org, start=at(2025, 6, 2, 10, 0),
                               now=at(2025, 6, 2, 10, 0))
    now = at(2025, 6, 5, 1, 0)
    proc, lines = _child(now, tmp_path)
    try:
        _wait_for(lines, "HOLDING")
        # Its first batch is committed; its second is written and locked, not committed.
        assert Reminder.objects.filter(kind="overdue").count() == 5

        # Meanwhile this sweeper passes the locked rows by and does all the others.
        alive = services.deadlines_sweep(now=now, batch_size=5)
        assert alive.overdue == 30
        assert Reminder.objects.filter(kind="overdue").count() == 35
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)

    # The dead sweeper's transaction is rolled back and its locks go: its batch is
    # taken by the next sweep, once.
    end = time.monotonic() + 30
    while Reminder.objects.filter(kind="overdue").count() < 40 and time.monotonic() < end:
        services.deadlines_sweep(now=now, batch_size=5)
        time.sleep(0.2)
    assert_exactly_once(40, alice, finance_admin)
    assert services.deadlines_sweep(now=now).examined == 0
