"""The soak (``make soak``): the bid rush over HTTP and the deadline sweep together.

    locust -f bench/locustfile.py --headless -u 50 -r 10 --run-time 3m \\
        --host http://127.0.0.1:8000

``manage.py soak`` starts the bench gunicorn and runs this; run by hand, point --host at
a server started with bench.settings on the same database.

- ``Supplier`` (HTTP): each user is one seeded supplier with a session, the CSRF cookie
  from the login page, and the tender's documents. It seals a bid through the real
  endpoint, then revises it every few seconds (each revision withdraws the previous one),
  and now and then uploads the same file to the baseline endpoint, the same-run yardstick.
- ``Sweeper`` (in-process, one user): ``deadlines.services.deadlines_sweep(now=…)`` every
  few seconds, one batch in a transaction rolled back so that it sweeps the same due
  clocks each time and leaves the bench database as it found it; its timing is a locust
  request. The sweep has work only where clocks are due (``manage.py bench --only sweep``
  seeds them).

Bounded on purpose: the host must be the loopback, the user count and the run time are
required and capped (MAX_USERS, MAX_RUN_TIME).
"""

import datetime as dt
import itertools
import os
import sys
import time
import uuid
from decimal import Decimal
from urllib.parse import urlparse

import gevent
from locust import HttpUser, User, between, constant, events, task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # after locust: gevent patches the standard library first

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import bids  # noqa: E402
from bench.client import (  # noqa: E402
    BASELINE_PATH,
    LOGIN_PATH,
    Lot,
    baseline_parts,
    bid_parts,
    bid_path,
    csrf_headers,
)
from bench.limits import LOOPBACK, MAX_RUN_TIME, MAX_USERS  # noqa: E402
from deadlines.services import deadlines_sweep  # noqa: E402
from procurement.models import Bid  # noqa: E402

SWEEP_EVERY = 5  # seconds between two sweeps (production: the minute beat)
# One batch (500 clocks) per sweep, rolled back: the transaction then lasts as long as
# one batch's does in production, where each batch commits on its own. Rolling back a
# whole multi-batch sweep instead would hold its locks (the audit chain's among them)
# for every batch at once, a stall production never sees.
SWEEP_MAX_BATCHES = 1

STATE: dict = {}


@events.init_command_line_parser.add_listener
def _options(parser):
    parser.add_argument("--soak-tag", default="", help="Names the soak's seeded data")


@events.init.add_listener
def _refuse_unbounded(environment, **_):
    """Loopback only, a user count and a run time within their caps."""
    options = environment.parsed_options
    host = urlparse(environment.host or options.host or "").hostname
    if host not in LOOPBACK:
        sys.exit(f"bench/locustfile.py drives the loopback only (--host http://127.0.0.1:…), "
                 f"not {host!r}.")
    if not options.num_users or not 0 < options.num_users <= MAX_USERS:
        sys.exit(f"Give -u between 1 and {MAX_USERS}.")
    if not options.run_time or not 0 < options.run_time <= MAX_RUN_TIME:
        sys.exit(f"Give --run-time of at most {MAX_RUN_TIME // 60} minutes.")
    if not options.headless:
        sys.exit("Run headless (--headless): the soak is bounded by its run time.")


@events.test_start.add_listener
def _seed(environment, **_):
    """A tender whose deadline is after the soak, and one supplier per user."""
    options = environment.parsed_options
    tag = options.soak_tag or uuid.uuid4().hex[:6]
    deadline = timezone.now() + dt.timedelta(seconds=options.run_time + 10 * 60)
    project = bids.seed_tender(f"soak{tag}", deadline=deadline)
    STATE["lot"] = Lot.of(project.lots.get())
    STATE["bidders"] = bids.seed_suppliers(options.num_users, f"soak{tag}", projects=[project])
    STATE["next"] = itertools.count()
    STATE["started"] = time.time()


@events.test_stop.add_listener
def _check(environment, **_):
    """Whoever had a bid accepted has exactly one sealed bid: revisions withdrew the rest."""
    lot = STATE.get("lot")
    if lot is None:
        return
    accepted = STATE.get("accepted", set())
    sealed = list(Bid.objects.filter(lot_id=lot.pk, status=Bid.Status.SEALED)
                  .values_list("supplier_id", flat=True))
    STATE["check"] = {"suppliers with an accepted bid": len(accepted),
                      "sealed bids": len(sealed),
                      "suppliers with more than one sealed bid":
                          len(sealed) - len(set(sealed)),
                      "accepted but not sealed": len(accepted - set(sealed))}
    print("soak check:", STATE["check"], flush=True)
    bad = STATE["check"]["suppliers with more than one sealed bid"] or \
        STATE["check"]["accepted but not sealed"]
    if bad:
        environment.process_exit_code = 3


class Supplier(HttpUser):
    wait_time = between(1, 3)
    weight = 100

    def on_start(self):
        self.bidder = STATE["bidders"][next(STATE["next"]) % len(STATE["bidders"])]
        self.revision = 0
        # The CSRF cookie from the login page (anonymous, as a browser first does).
        self.client.get(LOGIN_PATH, name="login page (CSRF cookie)")
        self.client.cookies.set(settings.SESSION_COOKIE_NAME, self.bidder.session_key)

    @task(3)
    def seal(self):
        lot = STATE["lot"]
        data, files = bid_parts(lot, price=Decimal("2000000") - self.revision,
                                file=bids.FILE)
        name = "bid: seal" if self.revision == 0 else "bid: revise"
        headers = csrf_headers(self.client, **{"Idempotency-Key": uuid.uuid4().hex})
        with self.client.post(bid_path(lot.pk), data=data, files=files, headers=headers,
                              name=name, catch_response=True) as r:
            if r.status_code != 201:
                r.failure(f"{r.status_code}: {r.text[:200]}")
                return
            if r.json()["files"][0]["sha256"] != bids.FILE_SHA256:
                r.failure("the receipt's file hash is not the file sent")
                return
        self.revision += 1
        STATE.setdefault("accepted", set()).add(self.bidder.organization_id)

    @task(1)
    def baseline(self):
        with self.client.post(BASELINE_PATH, files=baseline_parts(bids.FILE),
                              headers=csrf_headers(self.client), name="baseline upload",
                              catch_response=True) as r:
            if r.status_code != 201:
                r.failure(f"{r.status_code}: {r.text[:200]}")


def _sweep_rolled_back(now):
    with transaction.atomic():
        result = deadlines_sweep(now=now, max_batches=SWEEP_MAX_BATCHES)
        transaction.set_rollback(True)
    return result


class Sweeper(User):
    """The deadline sweep in this process, beside the HTTP load. It runs on a native
    thread of gevent's pool: psycopg2 blocks, and on the event loop it would stall
    every supplier's request (and their measured latency) for the whole sweep."""

    fixed_count = 1
    wait_time = constant(SWEEP_EVERY)

    @task
    def sweep(self):
        start = time.perf_counter()
        exception, result = None, None
        try:
            result = gevent.get_hub().threadpool.apply(_sweep_rolled_back,
                                                       (timezone.now(),))
        except Exception as exc:  # reported to locust as a failed request
            exception = exc
        self.environment.events.request.fire(
            request_type="sweep", name="deadlines_sweep",
            response_time=(time.perf_counter() - start) * 1000,
            response_length=getattr(result, "examined", 0), exception=exception,
            context={"overdue": getattr(result, "overdue", None),
                     "messages": getattr(result, "messages", None),
                     "batches": getattr(result, "batches", None)})
