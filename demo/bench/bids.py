"""The bid rush: many suppliers sealing bids in the last minute before a deadline."""

import datetime as dt
import os
import secrets
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from django.db import close_old_connections
from django.utils import timezone

from accounts.models import Membership
from accounts.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    make_credit_code,
)
from core.exceptions import DomainError
from core.models import Heartbeat
from procurement import services
from procurement.models import Bid

from .harness import Measurement


def _org(**kw):
    # The bench database outlives runs: codes and names must not repeat.
    return OrganizationFactory(credit_code=make_credit_code(secrets.randbelow(10**9)),
                               **kw)


def _user(tag):
    return UserFactory(username=f"bench-{tag}-{uuid.uuid4().hex[:8]}")


FILE = b"%PDF-1.7\n" + os.urandom(200 * 1024) + b"\n%%EOF\n"  # a 200 KB offer


def _tender(tag: str):
    """A lawfully announced tender, whose deadline is 11 days from now."""
    t0 = timezone.now() - dt.timedelta(days=10)
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
                              bid_deadline=t0 + dt.timedelta(days=21), now=t0)
    project.refresh_from_db()
    return project


def _suppliers(n: int, tag: str):
    people = []
    for i in range(n):
        org = _org(name=f"基准供应商{tag}-{i}", kind="supplier", scale="small")
        user = _user(tag)
        MembershipFactory(user=user, organization=org, role=Membership.Role.ADMIN)
        people.append((org, user))
    return people


def run(*, bidders: int = 300, threads: int = 8, out=print):
    tag = uuid.uuid4().hex[:6]
    project = _tender(tag)
    lot = project.lots.get()
    people = _suppliers(bidders, tag)
    deadline = project.bid_deadline
    # The server clock as the bids arrive: the last minute before the deadline.
    arrival = [deadline - dt.timedelta(seconds=60) + dt.timedelta(seconds=59 * i / bidders)
               for i in range(bidders)]

    def seal(i):
        close_old_connections()
        org, user = people[i]
        start = time.perf_counter()
        services.bid_submit(lot=lot, supplier=org, user=user, price=Decimal("2000000") + i,
                            sme_scale="small", contact_name="基准", contact_phone="1",
                            files=[services.Upload("offer.pdf", FILE)],
                            idempotency_key=f"rush-{i}", now=arrival[i])
        return time.perf_counter() - start

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        latencies = list(pool.map(seal, range(bidders)))
    rush = Measurement(f"bid rush ({threads} threads, 200 KB file)", time.perf_counter() - began,
                       bidders, 0, latencies)

    late_accepted = 0
    for org, user in people[:20]:
        try:
            services.bid_submit(lot=lot, supplier=org, user=user, price="1", sme_scale="small",
                                contact_name="x", contact_phone="1",
                                files=[services.Upload("a.pdf", FILE)],
                                now=deadline + dt.timedelta(seconds=1))
            late_accepted += 1
        except DomainError:
            pass
    sealed = Bid.objects.filter(lot=lot, status=Bid.Status.SEALED).count()
    rush.notes = {"bids sent": bidders, "sealed": sealed, "lost": bidders - sealed,
                  "late accepted": late_accepted}
    return rush


def baseline_insert(repeat: int = 1000) -> Measurement:
    """The same-run yardstick for writes: one small row inserted through the ORM."""
    latencies = []
    start = time.perf_counter()
    for _ in range(repeat):
        t = time.perf_counter()
        Heartbeat.objects.create(name=uuid.uuid4().hex[:40], at=timezone.now())
        latencies.append(time.perf_counter() - t)
    Heartbeat.objects.exclude(name__in=["worker"]).delete()
    return Measurement("baseline: one indexed insert", time.perf_counter() - start, repeat,
                       repeat, latencies)

