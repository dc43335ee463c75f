"""Each run's figures as a record: ``bench/results/<UTC timestamp>-<what>.json``.

The figures mean little without the machine and the code they came from, so every
record carries the core count, the commit and the PostgreSQL version beside the
parameters and the measurements. ``latest-<what>.json`` is a copy of the newest record
of each kind (git-ignored: the timestamped files are the history).
"""

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
from pathlib import Path

from django.db import connection

from .harness import Measurement

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def git_commit() -> str:
    """The checked-out commit, with ``-dirty`` when the tree has uncommitted changes."""
    root = Path(__file__).resolve().parent.parent
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,  # noqa: S607
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
                               cwd=root, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return sha + ("-dirty" if dirty.strip() else "")


def postgres_version() -> str:
    if connection.vendor != "postgresql":
        return connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def machine() -> dict:
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {"cpu_count": os.cpu_count(), "load_average": load,
            "python": platform.python_version(), "platform": platform.platform()}


def write(what: str, *, measurements: list[Measurement], notes: dict | None = None,
          extra: dict | None = None, parameters: dict | None = None,
          directory: Path = RESULTS_DIR, now: dt.datetime | None = None) -> Path:
    """Write one record and its ``latest-<what>.json`` copy; return the record's path.

    ``extra`` is merged in at the top level (ratios, goals, correctness, a query plan):
    whatever a part of the bench wants kept beside its measurements.
    """
    now = now or dt.datetime.now(dt.UTC)
    record = {
        "what": what,
        "at": now.isoformat(timespec="seconds"),
        "commit": git_commit(),
        "machine": machine(),
        "postgresql": postgres_version(),
        "parameters": parameters or {},
        "measurements": [m.as_dict() for m in measurements],
        "notes": notes or {},
        **(extra or {}),
    }
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{now.strftime('%Y%m%dT%H%M%SZ')}-{what}.json"
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False, default=str) + "\n",
                    encoding="utf-8")
    shutil.copyfile(path, directory / f"latest-{what}.json")
    return path
