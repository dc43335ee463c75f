"""``make bench``: seed realistic volumes into PostgreSQL and measure the hot paths.

Separate from the tests on purpose: speed is measured here, never asserted
with timers in the suite. Every figure is printed next to a same-run
baseline (one indexed read) so the ratio survives a noisy machine.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from deadlines.models import Deadline
from demo.bench import harness, sweep


class Command(BaseCommand):
    help = "Seed benchmark volumes (PostgreSQL) and print throughput and latency per path."

    def add_arguments(self, parser):
        parser.add_argument("--deadlines", type=int, default=sweep.TOTAL)
        parser.add_argument("--due", type=int, default=sweep.DUE)

    def handle(self, *args, deadlines, due, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs on PostgreSQL: set DATABASE_URL.")
        out = self.stdout.write
        now = timezone.now()
        out("Seeding (skipped when already there) …")
        sweep.seed(total=deadlines, due=due, now=now, out=out)
        ids = list(Deadline.objects.order_by("?").values_list("pk", flat=True)[:1000]) \
            if deadlines <= 100_000 else \
            list(Deadline.objects.filter(pk__lte=1_000_000).values_list("pk", flat=True)[:1000])
        baseline = harness.baseline_indexed_read(Deadline, ids)
        sweep_m, plan = sweep.run(now=now, out=out)
        out("")
        out(harness.table([sweep_m], baseline))
        out("")
        out(f"sweep: {sweep_m.notes}")
        out("EXPLAIN of one sweep batch (the partial index deadline_next_action_idx must "
            "appear):")
        out(plan)
        if "deadline_next_action_idx" not in plan:
            raise CommandError("The sweep batch does not use its partial index.")
