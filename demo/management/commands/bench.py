"""``make bench``: seed realistic volumes into PostgreSQL and measure the hot paths.

Separate from the tests on purpose: speed is measured here, never asserted
with timers in the suite. Every figure is printed next to a same-run
baseline (one indexed read) so the ratio survives a noisy machine.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from deadlines.models import Deadline
from demo.bench import bids, harness, sweep


class Command(BaseCommand):
    help = "Seed benchmark volumes (PostgreSQL) and print throughput and latency per path."

    def add_arguments(self, parser):
        parser.add_argument("--deadlines", type=int, default=sweep.TOTAL)
        parser.add_argument("--due", type=int, default=sweep.DUE)
        parser.add_argument("--bidders", type=int, default=300)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--only", choices=["sweep", "bids"], default=None)

    def handle(self, *args, deadlines, due, bidders, threads, only=None, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs on PostgreSQL: set DATABASE_URL.")
        out = self.stdout.write
        if only in (None, "bids"):
            self._bids(bidders, threads, out)
        if only in (None, "sweep"):
            self._sweep(deadlines, due, out)

    def _bids(self, bidders, threads, out):
        out(f"Bid rush: {bidders} suppliers sealing in the last minute …")
        base = bids.baseline_insert()
        rush = bids.run(bidders=bidders, threads=threads, out=out)
        out("")
        out(harness.table([rush], base))
        out(f"bid rush: {rush.notes}")
        out("")
        if rush.notes["lost"] or rush.notes["late accepted"]:
            raise CommandError("Bids were lost or late bids accepted.")

    def _sweep(self, deadlines, due, out):
        now = timezone.now()
        out("Seeding (skipped when already there) …")
        sweep.seed(total=deadlines, due=due, now=now, out=out)
        ids = list(Deadline.objects.filter(pk__lte=1_000_000).values_list("pk", flat=True)
                   [:1000])
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
