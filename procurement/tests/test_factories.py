"""The factories leave what the services would have left: a test built on a factory's
lot reads the same rows as one built through the tender. Each comparison runs the
services once beside the factory, so a service that starts leaving something else
fails here, not in a contracts test far away."""

from decimal import Decimal

import pytest

from accounts.models import Membership
from core.exceptions import DomainError
from deadlines.models import Deadline
from procurement import sealing, services
from procurement.models import Announcement, Bid, Lot, Project
from procurement.tests import factories as f
from procurement.tests.factories import AWARDED_AT, DEADLINE, LOT_OF, NOW

pytestmark = pytest.mark.django_db


def shape(lot: Lot) -> dict:
    """What a test reads of an awarded (or opened) lot, without ids, names or times that
    differ between two lots of the same tender."""
    lot = Lot.objects.select_related("project").get(pk=lot.pk)
    bids = list(Bid.objects.filter(lot=lot).order_by("price").select_related("supplier"))
    award = getattr(lot, "award", None)
    clocks = Deadline.objects.filter(subject_id__in=[str(lot.pk)] + (
        [str(award.pk)] if award else []))
    return {
        "lot": lot.status, "project": lot.project.status, "opened_at": lot.opened_at,
        "key": lot.wrapped_key is not None,
        "bids": [(b.status, b.price, b.opened_payload, b.opened_at is not None)
                 for b in bids],
        "results": [(r.rank, r.total, r.price_score, r.other_score, r.candidate)
                    for r in (getattr(b, "result", None) for b in bids) if r],
        "award": award and (award.amount, award.bid.price, len(award.notice_sha256),
                            bool(award.notice_pdf)),
        "clocks": sorted((c.clock, c.status, c.due_at) for c in clocks),
        "notices": sorted(lot.project.announcements.values_list("kind", flat=True)),
        "downloads": lot.project.downloads.count(),
        "files": sorted(Bid.objects.filter(lot=lot).values_list("files__name", flat=True)),
    }


def through_the_services(lot: Lot, alice) -> None:
    """Announce, seal three bids, open, evaluate and confirm: the tender's journey."""
    project = lot.project
    services.project_announce(project=project, actor=alice, documents_from=NOW,
                              documents_until=NOW.replace(day=9), bid_deadline=DEADLINE,
                              now=NOW)
    for i in range(3):
        org = f.SupplierFactory(name=f"走流程投标人{i}")
        user = f.member(org, Membership.Role.ADMIN)
        services.bid_submit(lot=lot, supplier=org, user=user, price=Decimal("500000") + i,
                            sme_scale="small", sme_items_by_smes=True, contact_name="x",
                            contact_phone="1", files=[services.Upload("a.pdf", f.BID_FILE)],
                            now=f.SEALED_AT)
    services.lot_open(lot=lot, now=DEADLINE)
    f.experts(5)
    committee = services.committee_draw(lot=lot, actor=alice, now=AWARDED_AT)
    members = [m.expert for m in committee.members.all()]
    criteria = list(project.demand.criteria.exclude(kind="price"))
    for bid in Bid.objects.filter(lot=lot):
        services.bid_review(bid=bid, stage="qualification", passed=True, actor=alice,
                            now=AWARDED_AT)
        for member in members:
            services.bid_review(bid=bid, stage="compliance", passed=True, actor=member,
                                now=AWARDED_AT)
        for expert in members:
            services.score_submit(bid=bid, expert=expert, now=AWARDED_AT,
                                  points={c.pk: Decimal("10") for c in criteria})
    results = services.evaluation_complete(
        lot=lot, actor=committee.members.get(role="chair").expert, now=AWARDED_AT)
    services.award_confirm(lot=lot, bid=results[0].bid, actor=alice, now=AWARDED_AT)


def test_an_awarded_lot_reads_the_same_built_either_way(approved, alice):
    served = approved.lots.get()
    through_the_services(served, alice)

    built = f.opened_lot(project__purchaser=approved.purchaser)
    f.evaluate(built, at=AWARDED_AT)
    f.AwardFactory(lot=built, confirmed_by=alice, confirmed_at=AWARDED_AT)

    assert shape(built) == shape(served)


def test_an_opened_lot_reads_the_same_built_either_way(approved, alice, opened):
    built, bidders = opened
    served = f.ProjectFactory(approved=True, purchaser=approved.purchaser).lots.get()
    services.project_announce(project=served.project, actor=alice, documents_from=NOW,
                              documents_until=NOW.replace(day=9), bid_deadline=DEADLINE,
                              now=NOW)
    for i in range(3):
        org = f.SupplierFactory(name=f"走流程投标人{i}")
        services.bid_submit(lot=served, supplier=org, user=f.member(org, "admin"),
                            price=Decimal("500000") + i, sme_scale="small",
                            sme_items_by_smes=True, contact_name="x", contact_phone="1",
                            files=[services.Upload("a.pdf", f.BID_FILE)], now=f.SEALED_AT)
    services.lot_open(lot=served, now=DEADLINE)

    assert shape(built) == shape(served)
    assert [b.name for b in bidders] == ["投标人0", "投标人1", "投标人2"]
    table = services.opening_table(built)
    assert [row["price"] for row in table] == [Decimal("500000"), Decimal("500001"),
                                               Decimal("500002")]


def test_a_sealed_bid_is_sealed_for_real(approved):
    lot = f.LotFactory(bidding=True)
    bid = f.BidFactory(lot=lot, amount=Decimal("123456.78"))
    assert bid.price is None and bid.status == "sealed" and len(bid.receipt_sha256) == 64
    with pytest.raises(DomainError):  # not before the opening time
        sealing.unseal(lot.wrapped_key, bid.sealed_payload, bid.aad,
                       opening_at=lot.project.bid_deadline, now=NOW)
    services.lot_open(lot=lot, now=DEADLINE)  # one bid: the lot fails, nothing unsealed
    lot.refresh_from_db()
    assert lot.status == "failed"
    for _ in range(2):
        f.BidFactory(lot=f.LotFactory(project=lot.project))
    other = f.LotFactory(bidding=True)
    for price in ("123456.78", "200000", "300000"):
        f.BidFactory(lot=other, amount=Decimal(price))
    services.lot_open(lot=other, now=DEADLINE)  # the opening service reads what was sealed
    assert sorted(other.bids.values_list("price", flat=True)) == [
        Decimal("123456.78"), Decimal("200000"), Decimal("300000")]


@pytest.mark.parametrize("state", ["submitted", "approved", "announced", "opened",
                                   "evaluating", "awarded", "failed", "cancelled"])
def test_each_project_state_comes_with_its_lot_in_step(state):
    project = f.ProjectFactory(**{state: True})
    lot = project.lots.get()
    assert project.status == state and lot.status == LOT_OF[state]
    if state in ("announced", "opened", "evaluating", "awarded", "failed"):
        assert project.bid_deadline == DEADLINE and lot.wrapped_key is not None
        assert project.announcements.filter(kind=Announcement.Kind.TENDER).count() == 1
    if state in ("opened", "evaluating", "awarded"):
        assert lot.bids.count() == 3 and lot.opened_at == DEADLINE
    if state == "awarded":
        assert lot.award.bid.status == "won" and lot.award.bid.supplier.name == "投标人0"
    if state == "failed":
        assert project.announcements.filter(kind=Announcement.Kind.FAILURE).exists()
    assert Project.objects.filter(code=project.code).count() == 1


def test_a_factory_project_and_a_service_project_never_share_a_number(alice, demand):
    first = f.ProjectFactory(purchaser=demand.purchaser)
    served = services.project_create(
        purchaser=demand.purchaser, actor=alice, demand=demand, title="再次采购", method="open",
        lots=[{"title": "计算机", "budget": Decimal("100000")}], contact_name="李爱丽",
        contact_phone="0374-2961020", now=NOW)
    second = f.ProjectFactory(purchaser=demand.purchaser)
    assert len({first.code, served.code, second.code}) == 3
