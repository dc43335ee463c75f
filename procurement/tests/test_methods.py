"""The method policies (``procurement.methods``) as the services read them."""

import datetime as dt

import pytest

from accounts.models import Membership
from accounts.tests.factories import SupplierFactory
from core.exceptions import RuleViolation
from procurement.methods import POLICIES, policy
from procurement.models import Bid, DocumentDownload, Invitation, Lot, Project
from procurement.services.bidding import documents_obtain
from procurement.services.opening import lot_open
from procurement.tests.factories import (
    DEADLINE,
    NOW,
    BidFactory,
    LotFactory,
    member,
    staff_of,
)
from rules.registry import rule

pytestmark = pytest.mark.django_db
M = Project.Method


def test_every_method_has_a_policy_whose_rules_exist():
    assert set(POLICIES) == set(M.values)
    for p in POLICIES.values():
        for code in (p.min_to_open_rule, p.min_qualified_rule, p.panel_rule,
                     *(p.price_weight_rules or ())):
            if code:
                assert rule(code).basis


def test_tendering_needs_three_to_open_and_single_source_one():
    assert policy(M.OPEN).min_to_open() == 3
    assert policy(M.SINGLE_SOURCE).min_to_open() == 1
    assert policy(M.SINGLE_SOURCE).restricted and policy(M.INVITED).restricted
    assert not policy(M.OPEN).restricted


def _invited_lot(method):
    lot = LotFactory(bidding=True, project__method=method)
    lot.project.documents_from = NOW
    lot.project.save(update_fields=["documents_from"])
    return lot


def test_a_restricted_method_refuses_an_uninvited_supplier_and_saves_nothing():
    lot = _invited_lot(M.INVITED)
    stranger = SupplierFactory()
    user = staff_of(stranger, Membership.Role.ADMIN)
    with pytest.raises(RuleViolation) as refused:
        documents_obtain(project=lot.project, supplier=stranger, user=user,
                         now=NOW + dt.timedelta(hours=1))
    assert refused.value.code == "not_invited"
    assert "法 第31、34条" in refused.value.basis
    assert not DocumentDownload.objects.filter(supplier=stranger).exists()


def test_an_invited_supplier_obtains_the_documents():
    lot = _invited_lot(M.INVITED)
    guest = SupplierFactory()
    user = member(guest, Membership.Role.ADMIN)
    Invitation.objects.create(project=lot.project, supplier=guest,
                              source=Invitation.Source.DRAWN, invited_at=NOW)
    documents_obtain(project=lot.project, supplier=guest, user=user,
                     now=NOW + dt.timedelta(hours=1))
    assert DocumentDownload.objects.filter(supplier=guest).exists()


def test_single_source_opens_with_its_one_response():
    lot = _invited_lot(M.SINGLE_SOURCE)
    BidFactory(lot=lot)
    lot = lot_open(lot=lot, now=DEADLINE + dt.timedelta(minutes=1))
    assert lot.status == Lot.Status.OPENED
    assert Bid.objects.get(lot=lot).status == Bid.Status.OPENED


def test_open_tendering_with_one_bid_still_fails_citing_its_basis():
    lot = _invited_lot(M.OPEN)
    BidFactory(lot=lot)
    lot = lot_open(lot=lot, now=DEADLINE + dt.timedelta(minutes=1))
    assert lot.status == Lot.Status.FAILED
    assert "87号令" in lot.failure_reason
