"""Measure a hot path against a same-run baseline, so the figure is a ratio that
survives a noisy machine (DESIGN.md, Performance)."""

import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection


@dataclass
class Measurement:
    name: str
    seconds: float
    operations: int
    queries: int = 0
    latencies: list[float] = field(default_factory=list)
    notes: dict = field(default_factory=dict)
    errors: int = 0
    # Percentiles computed elsewhere (locust's stats in the soak), in ms, by percentile.
    percentiles: dict = field(default_factory=dict)

    @property
    def per_op_ms(self) -> float:
        return 1000 * self.seconds / max(1, self.operations)

    @property
    def throughput(self) -> float:
        return self.operations / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        if p in self.percentiles:
            return self.percentiles[p]
        if not self.latencies:
            return self.per_op_ms
        data = sorted(self.latencies)
        return 1000 * data[min(len(data) - 1, int(p / 100 * len(data)))]

    def as_dict(self) -> dict:
        """The figures as recorded in bench/results/*.json (milliseconds, per second)."""
        return {"name": self.name, "ops": self.operations, "errors": self.errors,
                "seconds": round(self.seconds, 3), "throughput": round(self.throughput, 2),
                "p50_ms": round(self.pct(50), 2), "p95_ms": round(self.pct(95), 2),
                "p99_ms": round(self.pct(99), 2), "queries": self.queries or None,
                "notes": self.notes}


@contextmanager
def measured(name: str, operations: int = 1):
    """Time a block and count its queries (an execute wrapper: no query log, no cap)."""
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    m = Measurement(name=name, seconds=0.0, operations=operations)
    start = time.perf_counter()
    try:
        with connection.execute_wrapper(counter):
            yield m
    finally:
        m.seconds = time.perf_counter() - start
        m.queries = count[0]


def baseline_indexed_read(model, ids, repeat: int = 2000) -> Measurement:
    """The same-run yardstick: one indexed read by primary key through the ORM."""
    latencies = []
    start = time.perf_counter()
    for i in range(repeat):
        t = time.perf_counter()
        model.objects.filter(pk=ids[i % len(ids)]).values_list("pk", flat=True).first()
        latencies.append(time.perf_counter() - t)
    return Measurement("baseline: one indexed read", time.perf_counter() - start, repeat,
                       repeat, latencies)


def table(rows: list[Measurement], baseline: Measurement) -> str:
    head = (f"{'path':<44}{'ops':>9}{'seconds':>10}{'ops/s':>10}{'p50 ms':>9}{'p99 ms':>9}"
            f"{'queries':>10}{'× baseline':>12}")
    lines = [head, "-" * len(head)]
    base = statistics.median(baseline.latencies) if baseline.latencies else baseline.per_op_ms
    for m in [baseline, *rows]:
        ratio = (m.pct(50) / 1000) / base if base else 0
        lines.append(f"{m.name:<44}{m.operations:>9}{m.seconds:>10.2f}{m.throughput:>10.0f}"
                     f"{m.pct(50):>9.2f}{m.pct(99):>9.2f}{m.queries or '–':>10}{ratio:>12.1f}")
    return "\n".join(lines)
