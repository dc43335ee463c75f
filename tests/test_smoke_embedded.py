"""Start the embedded default as a newcomer would: SQLite, filesystem broker, a real
worker and beat. Load / and /healthz, see the worker handle a task, stop everything."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 — loopback only
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def _wait(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except OSError as exc:
            last = exc
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}: {last!r}")


def test_embedded_default_serves_pages_and_runs_a_worker(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL",
                        "DJANGO_SETTINGS_MODULE"}}
    env.update({
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'smoke.sqlite3'}",
        "CELERY_FILESYSTEM_BROKER_DIR": str(tmp_path / "broker"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PATH": f"{BIN}:{env.get('PATH', '')}",
    })
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=300)
    port = _free_port()
    procs = []
    logs = []
    try:
        for name, cmd in [
            ("web", [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"]),
            ("worker", [str(BIN / "celery"), "-A", "config", "worker", "--loglevel=INFO",
                        "--concurrency=1", "--hostname", f"smoke-{port}@%h"]),
            ("beat", [str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO",
                      "--schedule", str(tmp_path / "beat-schedule")]),
        ]:
            log = open(tmp_path / f"{name}.log", "w")
            logs.append(log)
            procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log,
                                          stderr=subprocess.STDOUT, start_new_session=True))
        base = f"http://127.0.0.1:{port}"
        status, body = _wait(lambda: _get(f"{base}/"), 60, "the home page")
        assert status == 200 and "春风政采" in body

        status, body = _get(f"{base}/healthz")
        assert status == 200, body
        health = json.loads(body)
        assert health["checks"]["database"]["vendor"] == "sqlite"
        assert health["checks"]["broker"]["transport"] == "filesystem"

        # Queue the heartbeat task through the filesystem broker; the worker
        # executes it and writes to the same SQLite file the web process reads.
        subprocess.run([str(BIN / "celery"), "-A", "config", "call", "core.tasks.heartbeat"],
                       cwd=ROOT, env=env, check=True, capture_output=True, timeout=60)

        def seen():
            return json.loads(_get(f"{base}/healthz")[1])["checks"]["worker"]["last_seen"]

        assert _wait(seen, 120, "the worker's heartbeat")
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        for log in logs:
            log.close()
    for name in ("web", "worker", "beat"):
        text = (tmp_path / f"{name}.log").read_text()
        assert "Traceback" not in text, f"{name} log:\n{text[-3000:]}"
