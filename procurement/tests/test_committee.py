from decimal import Decimal

import pytest

from accounts.models import Membership
from accounts.tests.factories import (
    ExpertProfileFactory,
    MembershipFactory,
)
from core.exceptions import DomainError
from notifications.models import Message
from procurement import services
from procurement.models import Committee, Lot
from procurement.tests.fixtures import DEADLINE, pool

pytestmark = pytest.mark.django_db


def test_the_draw_excludes_every_conflict(opened, alice, purchaser_org):
    lot, bidders = opened
    clean = pool(6)
    employed = ExpertProfileFactory(employer=purchaser_org).user
    avoiding = ExpertProfileFactory()
    avoiding.avoidances.add(bidders[1])
    insider = ExpertProfileFactory().user
    MembershipFactory(user=insider, organization=bidders[2], role=Membership.Role.OFFICER)

    committee = services.committee_draw(lot=lot, actor=alice, now=DEADLINE)
    members = {m.expert for m in committee.members.all()}
    assert len(members) == 5 and members <= set(clean)
    assert {employed, avoiding.user, insider}.isdisjoint(members)
    assert {e["reason"] for e in committee.excluded} == {
        "employer is a party", "declared avoidance", "works for a party"}
    assert committee.members.filter(role="chair").count() == 1
    invited = set(Message.objects.filter(category="procurement.committee", channel="inapp")
                  .values_list("recipient", flat=True))
    assert invited == {m.pk for m in members}


def test_a_pool_too_small_is_refused_not_shrunk(opened, alice):
    lot, _ = opened
    pool(4)
    with pytest.raises(DomainError) as exc:
        services.committee_draw(lot=lot, actor=alice, now=DEADLINE)
    assert exc.value.code == "pool_too_small" and "87号令 第47条" in exc.value.basis
    assert not Committee.objects.exists()


def test_only_after_opening_and_only_once(approved, alice, opened):
    lot, _ = opened
    pool(5)
    services.committee_draw(lot=lot, actor=alice, now=DEADLINE)
    with pytest.raises(DomainError):
        services.committee_draw(lot=lot, actor=alice, now=DEADLINE)
    Lot.objects.filter(pk=lot.pk).update(status="bidding")
    Committee.objects.all().delete()
    with pytest.raises(DomainError):
        services.committee_draw(lot=lot, actor=alice, now=DEADLINE)


def test_a_large_budget_needs_seven(opened):
    lot, _ = opened
    assert services.committee_size(lot) == 5
    lot.budget = Decimal("10000000")
    assert services.committee_size(lot) == 7


def test_a_bidder_cannot_draw(opened, bob):
    lot, _ = opened
    pool(5)
    with pytest.raises(DomainError):
        services.committee_draw(lot=lot, actor=bob, now=DEADLINE)
