"""``make soak``: the bid rush and the deadline sweep together for a few minutes.

Starts the bench gunicorn (bench.server), runs locust headless with bench/locustfile.py
against it, stops it, prints locust's figures per request name and writes them — with
locust's own CSV and JSON — under bench/results/.
"""

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ... import results, server
from ...harness import Measurement
from ...limits import MAX_RUN_TIME, MAX_USERS

LOCUSTFILE = Path(__file__).resolve().parents[2] / "locustfile.py"


class Command(BaseCommand):
    help = "Soak: bids over HTTP and the deadline sweep together, driven by locust."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--spawn-rate", type=float, default=10)
        parser.add_argument("--run-time", type=int, default=180, help="Seconds (default 180)")
        parser.add_argument("--workers", type=int, default=server.WORKERS)
        parser.add_argument("--server-threads", type=int, default=server.THREADS)

    def handle(self, *args, users, spawn_rate, run_time, workers, server_threads, **_):
        if connection.vendor != "postgresql":
            raise CommandError("The soak runs on PostgreSQL: set DATABASE_URL.")
        if "bench" not in settings.INSTALLED_APPS:
            raise CommandError("Run with DJANGO_SETTINGS_MODULE=bench.settings (make soak).")
        if not (0 < users <= MAX_USERS and 0 < run_time <= MAX_RUN_TIME):
            raise CommandError(f"--users 1–{MAX_USERS}, --run-time 1–{MAX_RUN_TIME} s.")
        out = self.stdout.write
        now = dt.datetime.now(dt.UTC)
        prefix = results.RESULTS_DIR / f"{now.strftime('%Y%m%dT%H%M%SZ')}-soak-locust"
        results.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        out(f"Soak: {users} users for {run_time} s, gunicorn {workers} workers × "
            f"{server_threads} threads …")
        with server.gunicorn(workers=workers, threads=server_threads) as url:
            cmd = [str(Path(sys.executable).with_name("locust")), "-f", str(LOCUSTFILE),
                   "--headless", "-u", str(users), "-r", str(spawn_rate),
                   "--run-time", f"{run_time}s", "--host", url, "--stop-timeout", "30",
                   "--only-summary", "--csv", str(prefix), "--json-file", str(prefix)]
            proc = subprocess.run(cmd, cwd=settings.BASE_DIR, env=server.server_env(),  # noqa: S603
                                  check=False)
        stats = _stats(Path(f"{prefix}_stats.csv"))
        if not stats:
            raise CommandError(f"locust wrote no statistics (exit {proc.returncode}).")
        measurements = [m for m in stats if m.name != "Aggregated"]
        out("")
        out(_table(stats))
        path = results.write(
            "soak", measurements=measurements,
            parameters={"users": users, "spawn_rate": spawn_rate, "run_time_s": run_time,
                        "gunicorn_workers": workers, "gunicorn_threads": server_threads},
            notes={"locust_exit_code": proc.returncode},
            extra={"locust_files": sorted(p.name for p in prefix.parent.glob(
                f"{prefix.name}*"))},
            now=now)
        out(f"\nRecorded in {path.relative_to(settings.BASE_DIR)} (locust's own files: "
            f"{prefix.relative_to(settings.BASE_DIR)}_*)")
        if proc.returncode:
            raise CommandError(f"locust exited with {proc.returncode}: failed requests or a "
                               "failed soak check (see above).")


def _stats(path: Path) -> list[Measurement]:
    if not path.exists():
        return []
    rows = []
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            count = int(row["Request Count"])
            rps = float(row["Requests/s"])
            m = Measurement(f"{row['Type']} {row['Name']}".strip(),
                            seconds=count / rps if rps else 0.0, operations=count)
            m.errors = int(row["Failure Count"])
            m.percentiles = {p: float(row[f"{p}%"] or 0) for p in (50, 95, 99)}
            rows.append(m)
    return rows


def _table(rows: list[Measurement]) -> str:
    head = (f"{'request':<40}{'count':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
            f"{'p99 ms':>9}{'failures':>10}")
    lines = [head, "-" * len(head)]
    for m in rows:
        lines.append(f"{m.name:<40}{m.operations:>8}{m.throughput:>8.1f}{m.pct(50):>9.0f}"
                     f"{m.pct(95):>9.0f}{m.pct(99):>9.0f}{m.errors:>10}")
    return "\n".join(lines)
