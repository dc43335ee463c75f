"""The bid rush over HTTP: many suppliers sealing bids in the last minutes before a
deadline, through the real endpoint (``POST /api/lots/<pk>/bids/``) of a real gunicorn,
next to the same-run baseline (``POST /bench/baseline/``) served by the same server.

1. seed: a lawfully announced open tender whose deadline is minutes ahead by the real
   clock, a second one whose deadline passes during the run, N suppliers each with a
   user, a session and the tender's documents obtained;
2. each client takes its CSRF cookie from the login page, then both endpoints are
   driven by the same clients, with the same file, at the same concurrency;
3. late bids are sent to the second tender once its deadline has passed;
4. every receipt is checked against the Bid row and its ``bid.seal`` audit event.
"""

import datetime as dt
import hashlib
import os
import secrets
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import Membership, Organization, User
from accounts.tests.factories import MembershipFactory, OrganizationFactory, make_credit_code
from audit.models import AuditEvent
from procurement import services
from procurement.models import Bid, Project

from .client import BASELINE_PATH, BidClient, Lot, bid_parts, bid_path, prime
from .harness import Measurement

FILE = b"%PDF-1.7\n" + os.urandom(200 * 1024) + b"\n%%EOF\n"  # a 200 KB offer
FILE_SHA256 = hashlib.sha256(FILE).hexdigest()
GOALS = {"throughput": 0.5, "p99": 3.0}  # of the baseline's (issue [scale], point 3)


def _org(**kw) -> Organization:
    # The bench database outlives runs: codes and names must not repeat.
    return OrganizationFactory(credit_code=make_credit_code(secrets.randbelow(10**9)), **kw)


def _user(tag: str) -> User:
    # No password: hashing 300 of them (PBKDF2, a million rounds) would take minutes and
    # nobody logs in with one; the clients' sessions are made as login() makes them.
    return User.objects.create(username=f"bench-{tag}-{uuid.uuid4().hex[:8]}",
                               password=make_password(None))


def seed_tender(tag: str, *, deadline: dt.datetime) -> Project:
    """A lawfully announced open tender whose bid deadline is ``deadline``.

    Announced a little over 20 days ago by the services' own clock (``now=``): the
    minimum period between the documents and the deadline is 20 days (87号令 第16条),
    so the deadline can be minutes ahead by the real clock, which the bid endpoint reads.
    """
    t0 = timezone.now() - dt.timedelta(days=20, hours=1)
    purchaser = _org(name=f"基准采购单位{tag}", kind="purchaser")
    officer, approver = _user(tag), _user(tag)
    MembershipFactory(user=officer, organization=purchaser, role=Membership.Role.OFFICER)
    MembershipFactory(user=approver, organization=purchaser, role=Membership.Role.APPROVER)
    line = services.budget_line_create(purchaser=purchaser, year=t0.year, code=f"B{tag}",
                                       name="基准", amount=Decimal("5000000"), source="fiscal",
                                       actor=officer)
    intention = services.intention_publish(purchaser=purchaser, title="基准", summary="基准",
                                           budget=Decimal("1000000"), expected_month=t0.date(),
                                           actor=officer, now=t0 - dt.timedelta(days=40))
    demand = services.demand_create(
        purchaser=purchaser, actor=officer, budget_line=line, intention=intention,
        title="基准采购", category="goods", technical_requirements="计算机",
        evaluation_method="lowest_price",
        items=[{"name": "计算机", "catalog_code": "A02010105", "quantity": "10", "unit": "台"}],
        criteria=[], now=t0)
    project = services.project_create(
        purchaser=purchaser, actor=officer, demand=demand, title="基准采购", method="open",
        contact_name="x", contact_phone="1", now=t0,
        lots=[{"title": "基准包", "budget": Decimal("3000000"), "sme_reservation": "none",
               "not_reserved_reason": "no_competition",
               "not_reserved_detail": "基准测试：不预留份额（财库〔2020〕46号 第6条）"}])
    services.project_submit(project=project, actor=officer, now=t0)
    services.project_approve(project=project, actor=approver, now=t0)
    services.project_announce(project=project, actor=officer, documents_from=t0,
                              documents_until=t0 + dt.timedelta(days=10),
                              bid_deadline=deadline, now=t0)
    project.refresh_from_db()
    return project


@dataclass(frozen=True)
class Bidder:
    organization_id: int
    user_id: int
    session_key: str


def login_session(user: User) -> str:
    """A session as ``django.contrib.auth.login`` stores it, in the configured engine.

    The bench does not post 300 passwords to the login page: each would cost the server
    a PBKDF2 of a million rounds (~0.3 s of a core), a login burst rather than the bid
    rush. The keys are login()'s own, so the server authenticates these sessions exactly
    as a browser's (including the password-hash check of HASH_SESSION_KEY).
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def seed_suppliers(n: int, tag: str, *, projects=(), obtain: bool = True) -> list[Bidder]:
    """N supplier organisations, each with one user (its administrator) and a session.

    With ``obtain``, each has obtained the documents of ``projects`` during their window
    (as a supplier preparing a bid has, days before the deadline); without it, the bid
    itself records the download (``bid_submit`` calls ``documents_obtain``).
    """
    people = []
    for i in range(n):
        org = _org(name=f"基准供应商{tag}-{i}", kind="supplier", scale="small")
        user = _user(tag)
        MembershipFactory(user=user, organization=org, role=Membership.Role.ADMIN)
        if obtain:
            for project in projects:
                services.documents_obtain(project=project, supplier=org, user=user,
                                          now=project.documents_from + dt.timedelta(days=1))
        people.append(Bidder(org.pk, user.pk, login_session(user)))
    return people


def _drive(n: int, send, concurrency: int) -> tuple[float, list]:
    """Run ``send(i)`` for each of n clients on ``concurrency`` threads: the wall time and
    the results in client order."""
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(send, range(n)))
    return time.perf_counter() - began, results


def _measurement(name: str, seconds: float, results, ok: int) -> Measurement:
    m = Measurement(name, seconds, len(results), latencies=[r.seconds for r in results])
    m.errors = sum(1 for r in results if r.status != ok)
    statuses: dict = {}
    for r in results:
        statuses[str(r.status)] = statuses.get(str(r.status), 0) + 1
    m.notes = {"statuses": statuses}
    failed = sorted({(r.body or {}).get("error") or (r.body or {}).get("code") or str(r.body)[:200]
                     for r in results if r.status != ok})
    if failed:
        m.notes["errors"] = failed[:10]
    return m


def verify_receipts(lot, results) -> dict:
    """Every 201 is a sealed bid whose receipt is the Bid row's and its ``bid.seal``
    audit event's, and whose file hash is the SHA-256 of the file sent."""
    accepted = [r for r in results if r.status == 201]
    ids = [r.body["id"] for r in accepted]
    rows = {b.pk: b for b in Bid.objects.filter(pk__in=ids)}
    events = {e.object_id: e.detail for e in AuditEvent.objects.filter(
        action="bid.seal", object_type=ContentType.objects.get_for_model(Bid),
        object_id__in=[str(i) for i in ids])}
    bad = []
    for r in accepted:
        pk, receipt = r.body["id"], r.body["receipt_sha256"]
        row, event = rows.get(pk), events.get(str(pk))
        problems = []
        if row is None or row.status != Bid.Status.SEALED or row.lot_id != lot.pk:
            problems.append("no sealed bid")
        elif row.receipt_sha256 != receipt:
            problems.append("receipt differs from the Bid row's")
        if event is None or event.get("receipt") != receipt:
            problems.append("receipt differs from the bid.seal audit event's")
        if [f["sha256"] for f in r.body["files"]] != [FILE_SHA256]:
            problems.append("file hash differs from the file sent")
        if problems:
            bad.append({"bid": pk, "problems": problems})
    return {"accepted": len(accepted), "verified": len(accepted) - len(bad),
            "unverifiable": bad}


def run(*, base_url: str, bidders: int, concurrency: int, late: int = 20,
        late_after: float = 45.0, window: float = 15 * 60, obtain: bool = True,
        out=print) -> dict:
    """The whole bid part of ``manage.py bench``: measurements and correctness."""
    tag = uuid.uuid4().hex[:6]
    out(f"  seeding a tender (deadline in {window / 60:.0f} min) and {bidders} suppliers …")
    rush_project = seed_tender(tag, deadline=timezone.now() + dt.timedelta(seconds=window))
    people = seed_suppliers(bidders, tag, projects=[rush_project], obtain=obtain)
    # Seeded last, so that its deadline falls during the run whatever the seeding took.
    late_project = seed_tender(f"{tag}L", deadline=timezone.now()
                               + dt.timedelta(seconds=late_after))
    rush_lot, late_lot = rush_project.lots.get(), late_project.lots.get()
    rush_target, late_target = Lot.of(rush_lot), Lot.of(late_lot)
    if obtain:  # the late bidders obtained these documents too
        for b in people[:late + 1]:
            services.documents_obtain(project=late_project,
                                      supplier=Organization.objects.get(pk=b.organization_id),
                                      user=User.objects.get(pk=b.user_id),
                                      now=late_project.documents_from + dt.timedelta(days=1))

    out(f"  {bidders} clients fetch their CSRF cookie from the login page …")
    clients = prime([BidClient(base_url, b.session_key, FILE) for b in people], concurrency)

    # Before the deadline the late tender takes a bid: what is refused later is refused
    # for being late, not for anything else.
    on_time = clients[0].post_bid(late_target, price=Decimal("1999999"),
                                  key=f"ontime-{tag}")

    # Warm-up: each server thread opens its database connection and its first request
    # runs the lazy imports, for neither path to pay in its measurement.
    _drive(min(concurrency, bidders), lambda i: clients[i].post_baseline(), concurrency)

    # The baseline runs before and after the rush, and counts as one measurement of
    # both passes: a yardstick of a second or two drifts with whatever else the machine
    # does; bracketing the rush measures it under the same conditions on average.
    out(f"  baseline: {bidders} uploads by {concurrency} concurrent clients …")
    before_s, before = _drive(bidders, lambda i: clients[i].post_baseline(), concurrency)

    out(f"  bid rush: {bidders} bids by {concurrency} concurrent clients …")
    seconds, results = _drive(
        bidders, lambda i: clients[i].post_bid(rush_target, price=Decimal("2000000") + i,
                                               key=f"rush-{tag}-{i}"), concurrency)
    rush = _measurement(f"bid rush ({concurrency} clients, 200 KB PDF)", seconds, results, 201)

    out(f"  baseline again: {bidders} uploads …")
    after_s, after = _drive(bidders, lambda i: clients[i].post_baseline(), concurrency)
    baseline = _measurement(f"baseline upload ({concurrency} clients, 2 passes)",
                            before_s + after_s, before + after, 201)
    baseline.notes["passes_per_second"] = [round(len(before) / before_s, 1),
                                           round(len(after) / after_s, 1)]

    wait = (late_project.bid_deadline - timezone.now()).total_seconds() + 1
    if wait > 0:
        out(f"  waiting {wait:.0f} s for the second tender's deadline to pass …")
        time.sleep(wait)
    out(f"  {late} late bids after the deadline …")
    late_results = [c.post_bid(late_target, price=Decimal("1000000"), key=f"late-{tag}-{i}")
                    for i, c in enumerate(clients[1:late + 1])]
    late_accepted = [r for r in late_results if r.status < 400]
    late_not_as_late = [r.status for r in late_results
                        if r.status >= 400 and (r.body or {}).get("code") != "late"]

    sealed = Bid.objects.filter(lot=rush_lot, status=Bid.Status.SEALED).count()
    receipts = verify_receipts(rush_lot, results)
    late_sealed = Bid.objects.filter(lot=late_lot, status=Bid.Status.SEALED).count()
    correctness = {
        "bidders": bidders,
        "accepted (201)": receipts["accepted"],
        "sealed": sealed,
        "lost": bidders - sealed,
        "on-time bid on the second tender": on_time.status,
        "late sent": len(late_results),
        "late accepted": len(late_accepted),
        "late refused not as 'late'": late_not_as_late,
        "second tender's sealed bids": late_sealed,
        "receipts verified": receipts["verified"],
        "receipts unverifiable": receipts["unverifiable"],
    }
    failures = []
    if sealed != bidders or receipts["accepted"] != bidders:
        failures.append(f"{bidders - sealed} bids lost ({receipts['accepted']} answered 201, "
                        f"{sealed} sealed)")
    if on_time.status != 201:
        failures.append(f"the on-time bid on the second tender answered {on_time.status}")
    if late_accepted or late_sealed != 1:
        failures.append(f"{len(late_accepted)} late bids accepted")
    if late_not_as_late:
        failures.append(f"late bids refused for another reason: {late_not_as_late}")
    if receipts["unverifiable"]:
        failures.append(f"{len(receipts['unverifiable'])} receipts do not verify")
    # One more supplier, who has not bid yet: its bid is a first bid, as in the rush.
    queries = queries_per_request(rush_target, seed_suppliers(1, f"{tag}Q",
                                                             projects=[rush_project],
                                                             obtain=obtain)[0])
    baseline.notes["queries_per_request"] = queries["baseline"]
    rush.notes["queries_per_request"] = queries["bid"]
    return {"baseline": baseline, "rush": rush, "correctness": correctness,
            "failures": failures, "lots": {"rush": rush_lot.pk, "late": late_lot.pk}}


def queries_per_request(lot: Lot, bidder: Bidder) -> dict:
    """The SQL statements one bid and one baseline upload execute, counted in this process
    through Django's test client (the HTTP path cannot count the server's): the same
    views, middleware and database, the CSRF check aside (the test client skips it)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = bidder.session_key
    data, files = bid_parts(lot, price=Decimal("2500000"), file=FILE)
    bid_form = {**data, "sme_items": files[1][1][1],
                "files": SimpleUploadedFile("offer.pdf", FILE, "application/pdf")}
    requests = {
        "bid": lambda: client.post(bid_path(lot.pk), bid_form, secure=True,
                                   HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex),
        "baseline": lambda: client.post(BASELINE_PATH, secure=True, data={
            "file": SimpleUploadedFile("offer.pdf", FILE, "application/pdf")}),
    }
    counts = {}
    for name, send in requests.items():
        count = [0]

        def counter(execute, sql, params, many, context, count=count):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = send()
        counts[name] = count[0] if response.status_code == 201 else None
    return counts


def ratios(rush: Measurement, baseline: Measurement) -> dict:
    """The bid rush as a multiple of the baseline, with the goals met or not."""
    throughput = rush.throughput / baseline.throughput if baseline.throughput else 0.0
    p99 = rush.pct(99) / baseline.pct(99) if baseline.pct(99) else float("inf")
    return {
        "throughput": {"ratio": round(throughput, 3), "goal": f">= {GOALS['throughput']}",
                       "met": throughput >= GOALS["throughput"]},
        "p99": {"ratio": round(p99, 3), "goal": f"<= {GOALS['p99']}",
                "met": p99 <= GOALS["p99"]},
    }
