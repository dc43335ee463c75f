"""``make bench``: measure the hot paths on PostgreSQL, each next to a same-run baseline.

Separate from the tests on purpose: speed is measured here, never asserted with timers
in the suite. Every figure is printed next to a same-run baseline so the ratio survives
a noisy machine, and written to bench/results/ as a record (bench.results).

- ``bids``: the bid rush through HTTP — a gunicorn with ``bench.settings``, many
  concurrent suppliers POSTing the real bid endpoint, against the baseline upload endpoint
  on the same server (bench.bids); fails if a bid is lost, a late bid accepted or a
  receipt does not verify. The speed goals are printed, met or not, without failing.
- ``sweep``: the deadline sweep over millions of clocks, in-process (bench.sweep).
- ``portal``: the public portal over 1,000,000 notices through HTTP — the feeds (all, by
  kind, by purchaser), the Chinese search, the list page — against a bare view reading
  one Publication by pk on the same server (bench.portal).
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from deadlines.models import Deadline

from ... import bids, harness, portal, results, server, sweep


class Command(BaseCommand):
    help = "Measure the bid rush (HTTP) and the deadline sweep on PostgreSQL; write the " \
           "figures to bench/results/."

    def add_arguments(self, parser):
        parser.add_argument("--deadlines", type=int, default=sweep.TOTAL)
        parser.add_argument("--due", type=int, default=sweep.DUE)
        parser.add_argument("--bidders", type=int, default=300,
                            help="Supplier organisations, each sealing one bid (default 300)")
        parser.add_argument("--clients", type=int, default=48,
                            help="Concurrent HTTP clients (default 48)")
        parser.add_argument("--workers", type=int, default=server.WORKERS,
                            help=f"gunicorn worker processes (default {server.WORKERS})")
        parser.add_argument("--server-threads", type=int, default=server.THREADS,
                            help=f"threads per gunicorn worker (default {server.THREADS})")
        parser.add_argument("--late-after", type=float, default=45.0,
                            help="Seconds from seeding to the second tender's deadline")
        parser.add_argument("--cold-documents", action="store_true",
                            help="Suppliers have not obtained the documents before bidding: "
                                 "the bid records the download itself")
        parser.add_argument("--portal-rows", type=int, default=portal.TOTAL,
                            help=f"Publications the portal is measured over (default "
                                 f"{portal.TOTAL:,}; seeded once, kept between runs)")
        parser.add_argument("--portal-requests", type=int, default=600,
                            help="Requests per portal path (default 600)")
        parser.add_argument("--only", choices=["sweep", "bids", "portal"], default=None)

    def handle(self, *args, only=None, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs on PostgreSQL: set DATABASE_URL.")
        if "bench" not in settings.INSTALLED_APPS:
            raise CommandError("Run with DJANGO_SETTINGS_MODULE=bench.settings (make bench).")
        if only in (None, "bids"):
            self._bids(**options)
        if only in (None, "sweep"):
            self._sweep(options["deadlines"], options["due"])
        if only in (None, "portal"):
            self._portal(**options)

    def _portal(self, *, portal_rows, portal_requests, clients, workers, server_threads,
                **_):
        out = self.stdout.write
        out(f"Portal over {portal_rows:,} notices: seeding (skipped when already there) …")
        info = portal.seed(total=portal_rows, out=out)
        out(f"Portal over HTTP: {clients} concurrent anonymous clients, gunicorn {workers} "
            f"workers × {server_threads} threads …")
        load_before = [round(x, 2) for x in os.getloadavg()]
        with server.gunicorn(workers=workers, threads=server_threads) as url:
            out(f"  gunicorn (bench.settings) at {url}")
            run = portal.run(base_url=url, info=info, clients=clients,
                             requests_n=portal_requests, out=out)
        rows = [run["baseline"], *run["lists"], *run["searches"], run["search"],
                run["baseline_few"], run["search_few"], run["search_cold"],
                run["search_cold_many"], run["revalidated"]]
        out("")
        out(http_table(rows))
        out("")
        base = run["baseline"].throughput
        for m in rows[1:]:
            out(f"{m.name:<44} {m.throughput / base if base else 0:>6.2f} × baseline req/s")
        out("")
        goals = portal.goals(run)
        for name, g in goals.items():
            out(f"{name:<44} {g['value']:>9}   goal {g['goal']:<22} "
                f"{'reported' if g['met'] is None else 'met' if g['met'] else 'NOT MET'}")
        rare = info["words"][-1][0]
        plan = portal.explain_search(rare)
        common_plan = portal.explain_search(info["words"][0][0])
        out(f"\nEXPLAIN ANALYZE of the search for the rarest word “{rare}” (the GIN index "
            f"{portal.GIN_INDEX} must appear):")
        out(plan)
        out(f"\nEXPLAIN ANALYZE of the search for the most common word "
            f"“{info['words'][0][0]}”:")
        out(common_plan)
        path = results.write(
            "portal", measurements=rows,
            parameters={"rows": portal_rows, "templates": info["templates"],
                        "purchasers": len(info["purchasers"]), "clients": clients,
                        "requests_per_path": portal_requests, "gunicorn_workers": workers,
                        "gunicorn_threads": server_threads,
                        "words": [{"word": w, "share": s} for w, s in info["words"]],
                        "order": "warm-up, baseline, lists, searches, revalidation, baseline"},
            notes={"seed_seconds": info["seed_seconds"], "load_average_before": load_before,
                   "detail": "not measured: the synthetic rows have no source record; the "
                             "feeds by kind and by purchaser stand in",
                   "list page": "/notices/ reads procurement's Announcements until the "
                                "search branch moves it to Publication"},
            extra={"ratios": {m.name: round(m.throughput / base, 3) if base else None
                              for m in rows[1:]},
                   "goals": goals, "plan_rare": plan, "plan_common": common_plan,
                   "uses_gin_index": portal.GIN_INDEX in plan})
        out(f"\nRecorded in {path.relative_to(settings.BASE_DIR)}")
        if portal.GIN_INDEX not in plan:
            raise CommandError("The search for a rare word does not use the GIN index.")

    def _bids(self, *, bidders, clients, workers, server_threads, late_after, cold_documents,
              **_):
        out = self.stdout.write
        if bidders < 21 or clients < 1:
            raise CommandError("--bidders must be at least 21 (20 of them send the late bids) "
                               "and --clients at least 1.")
        load_before = [round(x, 2) for x in os.getloadavg()]
        out(f"Bid rush over HTTP: {bidders} suppliers, {clients} concurrent clients, "
            f"gunicorn {workers} workers × {server_threads} threads …")
        with server.gunicorn(workers=workers, threads=server_threads) as url:
            out(f"  gunicorn (bench.settings) at {url}")
            run = bids.run(base_url=url, bidders=bidders, concurrency=clients,
                           late_after=late_after, obtain=not cold_documents, out=out)
        baseline, rush = run["baseline"], run["rush"]
        ratios = bids.ratios(rush, baseline)
        out("")
        out(http_table([baseline, rush]))
        out("")
        for name, r in ratios.items():
            out(f"bid / baseline {name:<10} {r['ratio']:>7.2f}   goal {r['goal']:<6} "
                f"{'met' if r['met'] else 'NOT MET'}")
        out("")
        for key, value in run["correctness"].items():
            out(f"  {key}: {value}")
        parameters = {"bidders": bidders, "clients": clients, "gunicorn_workers": workers,
                      "gunicorn_threads": server_threads, "file_bytes": len(bids.FILE),
                      "late_after_s": late_after, "documents_obtained_before": not cold_documents,
                      "order": "warm-up, baseline, bid rush, late bids"}
        path = results.write("bids", measurements=[baseline, rush], parameters=parameters,
                             notes={"lots": run["lots"], "load_average_before": load_before},
                             extra={"ratios": ratios, "correctness": run["correctness"],
                                    "failures": run["failures"]})
        out(f"\nRecorded in {path.relative_to(settings.BASE_DIR)}")
        if run["failures"]:
            raise CommandError("Bid rush: " + "; ".join(run["failures"]))

    def _sweep(self, deadlines, due):
        out = self.stdout.write
        now = timezone.now()
        out("Seeding (skipped when already there) …")
        sweep.seed(total=deadlines, due=due, now=now, out=out)
        ids = list(Deadline.objects.filter(pk__lte=1_000_000).values_list("pk", flat=True)
                   [:1000])
        baseline = harness.baseline_indexed_read(Deadline, ids)
        sweep_m, sealing, plan = sweep.run(now=now, out=out)
        out("")
        out(harness.table([sweep_m, sealing], baseline))
        out("")
        out(f"sweep: {sweep_m.notes}")
        per_clock = sweep_m.queries / max(1, sweep_m.operations)
        goals = {"seconds": {"value": round(sweep_m.seconds, 2),
                             "goal": f"<= {sweep.GOAL_SECONDS:g}",
                             "met": sweep_m.seconds <= sweep.GOAL_SECONDS},
                 "queries_per_clock": {"value": round(per_clock, 4),
                                       "goal": f"<= {sweep.GOAL_QUERIES_PER_CLOCK:g}",
                                       "met": per_clock <= sweep.GOAL_QUERIES_PER_CLOCK}}
        for name, g in goals.items():
            out(f"sweep {name:<18} {g['value']:>9}   goal {g['goal']:<6} "
                f"{'met' if g['met'] else 'NOT MET'}")
        out("")
        out("EXPLAIN of the sweep's claim (the partial index deadline_next_action_idx must "
            "appear):")
        out(plan)
        uses_index = "deadline_next_action_idx" in plan
        path = results.write(
            "sweep", measurements=[baseline, sweep_m, sealing],
            parameters={"deadlines": deadlines, "due": due, "batch_size": 500},
            extra={"ratios": {"per_op_p50": round(sweep_m.pct(50) / baseline.pct(50), 3)
                              if baseline.pct(50) else None},
                   "goals": goals, "plan": plan, "uses_partial_index": uses_index})
        out(f"\nRecorded in {path.relative_to(settings.BASE_DIR)}")
        if not uses_index:
            raise CommandError("The sweep's claim does not use its partial index.")
        if sweep_m.notes["failed"]:
            raise CommandError(f"The sweep failed on {sweep_m.notes['failed']} clocks.")


def http_table(rows: list[harness.Measurement]) -> str:
    """Per path; queries/req is one request's count in-process (bids.queries_per_request)."""
    head = (f"{'path':<40}{'requests':>9}{'seconds':>9}{'req/s':>8}{'p50 ms':>9}"
            f"{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}{'queries/req':>13}")
    lines = [head, "-" * len(head)]
    for m in rows:
        queries = m.notes.get("queries_per_request") or "–"
        lines.append(f"{m.name:<40}{m.operations:>9}{m.seconds:>9.2f}{m.throughput:>8.1f}"
                     f"{m.pct(50):>9.1f}{m.pct(95):>9.1f}{m.pct(99):>9.1f}{m.errors:>8}"
                     f"{queries:>13}")
    return "\n".join(lines)
