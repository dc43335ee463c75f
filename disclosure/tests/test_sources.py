"""Each source publishes its record only while it is public, and takes it off the portal
when it is not: opening results after the opening only, challenge answers and complaint
decisions once published, penalties once published, listings while in force, acceptance
results of public services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import Membership
from accounts.tests.factories import SupplierFactory
from complaints.models import BadBehaviourListing, Penalty
from complaints.tests.factories_complaints import challenge
from complaints.tests.factories_credit import decided_complaint
from contracts.models import Acceptance
from contracts.tests.factories import ContractFactory
from disclosure.indexing import index
from disclosure.models import Publication
from disclosure.source_complaints import listings_refresh
from procurement.tests.factories import (
    LotFactory,
    ProjectFactory,
    bidders,
    member,
    open_bids,
    staff_of,
)

pytestmark = pytest.mark.django_db


def published(record) -> Publication | None:
    return Publication.objects.filter(
        source_type=ContentType.objects.get_for_model(type(record)),
        source_id=record.pk).first()


def supplier(name="质疑供应商"):
    org = SupplierFactory(name=name)
    member(org, Membership.Role.ADMIN)
    return org


# --------------------------------------------------------------- opening results


def test_opening_result_is_absent_before_the_opening_and_present_after(
        django_capture_on_commit_callbacks):
    lot = LotFactory(bidding=True, bids=0)
    bidders(lot, 3, opened=False, name="开标人")
    assert index(lot) is None
    assert published(lot) is None
    with django_capture_on_commit_callbacks(execute=True):  # the lot's post_save
        open_bids(lot)
    row = published(lot)
    assert row is not None and row.kind == "opening"
    assert row.url == f"/notices/openings/{lot.pk}/"
    assert "开标人0" in row.body and "500,000.00" in row.body
    assert "小型企业" in row.body  # the official record is in Chinese, whoever opened it
    assert "开标人2" in row.parties
    assert row.published_at == lot.opened_at


def test_a_lot_that_failed_at_the_opening_publishes_no_opening_result():
    lot = LotFactory(failed=True)
    assert lot.opened_at is not None
    assert index(lot) is None


# --------------------------------------------------------------- challenge answers


def test_challenge_answer_is_published_once_its_answer_is_and_without_the_facts():
    project = ProjectFactory(announced=True)
    item = challenge(project, supplier(), answered=False)
    assert index(item) is None
    item = challenge(project, supplier("另一供应商"))  # answered, not yet published
    assert index(item) is None
    item.answer_published_at = timezone.now()
    item.save(update_fields=["answer_published_at"])
    row = index(item)
    assert row.kind == "challenge-answer" and row.project_id == project.pk
    assert row.url == f"/notices/challenge-answers/{item.pk}/"
    assert "业绩证明真实有效" in row.body           # the answer
    assert "业绩证明不实" not in row.body           # never the facts argued
    assert "13800000000" not in row.body and "王质疑" not in row.body  # nor the contacts


# --------------------------------------------------------------- complaint decisions


def test_complaint_decision_is_published_once_published_and_unpublished_if_not():
    project = ProjectFactory(announced=True)
    org = supplier("投诉供应商")
    complaint = decided_complaint(project=project, complainant=org,
                                  user=org.memberships.first().user)
    assert index(complaint) is None
    complaint.published_at = timezone.now()
    complaint.save(update_fields=["published_at"])
    row = index(complaint)
    assert row.kind == "complaint-decision"
    assert "投诉供应商" in row.parties and "证明材料系伪造" in row.body
    complaint.published_at = None
    complaint.save(update_fields=["published_at"])
    assert index(complaint) is None and published(complaint) is None


# --------------------------------------------------------------- penalties and listings


def _penalty(org, *, published=True) -> Penalty:
    now = timezone.now()
    return Penalty.objects.create(
        organization=org, kind=Penalty.Kind.FINE, decision_number=f"许财罚〔2026〕{org.pk}号",
        facts="提供虚假材料谋取中标。", basis="政府采购法 第七十七条",
        amount=Decimal("5000.00"), decided_at=now, effective_from=now,
        decided_by=staff_of(org), published_at=now if published else None)


def test_penalty_is_published_once_published():
    org = supplier("受罚供应商")
    unpublished = _penalty(org, published=False)
    assert index(unpublished) is None
    penalty = _penalty(supplier("另一受罚供应商"))
    row = index(penalty)
    assert row.kind == "penalty" and row.url == f"/notices/penalties/{penalty.pk}/"
    assert "另一受罚供应商" in row.title and "5,000.00" in row.body
    assert str(row.amount) == "5000.00"


def _listing(org, *, start, end) -> BadBehaviourListing:
    return BadBehaviourListing.objects.create(
        organization=org, reason="提供虚假材料", basis="政府采购法 第七十七条",
        listed_from=start, listed_until=end)


def test_listing_is_public_while_in_force_and_leaves_when_lifted_or_ended():
    now = timezone.now()
    lifted = _listing(supplier("修复供应商"), start=now - dt.timedelta(days=10),
                      end=now + dt.timedelta(days=300))
    ending = _listing(supplier("到期供应商"), start=now - dt.timedelta(days=10),
                      end=now + dt.timedelta(days=1))
    future = _listing(supplier("将列入供应商"), start=now + dt.timedelta(days=5),
                      end=now + dt.timedelta(days=300))
    assert index(lifted).kind == "bad-behaviour"
    assert index(ending) is not None
    assert index(future) is None
    # Lifted by credit repair: a queryset update, no post_save; the refresh takes it off.
    BadBehaviourListing.objects.filter(pk=lifted.pk).update(lifted_at=now,
                                                            lifted_reason="信用修复")
    assert listings_refresh(now=now) == (0, 1)
    assert published(lifted) is None and published(ending) is not None
    # The period ends by the clock alone.
    assert listings_refresh(now=now + dt.timedelta(days=2)) == (0, 1)
    assert published(ending) is None
    # A listing in force without its row (its period began) is put on: at ``now``
    # (before its end) the ending listing is in force again, and so is the new one.
    shown = _listing(supplier("在列供应商"), start=now - dt.timedelta(days=1),
                     end=now + dt.timedelta(days=30))
    assert published(shown) is None  # (the test's transaction never commits: no signal)
    assert listings_refresh(now=now) == (2, 0)
    assert published(shown) is not None and published(ending) is not None
    assert published(future) is None and published(lifted) is None
    assert listings_refresh(now=now) == (0, 0)  # safe to run twice


# --------------------------------------------------------------- acceptance results


def test_acceptance_of_a_public_service_is_published_and_others_are_not():
    contract = ContractFactory(accepted=True)
    acceptance = contract.acceptances.get()
    assert index(acceptance) is None  # not a public service
    acceptance.public_service = acceptance.service_users_invited = True
    acceptance.save(update_fields=["public_service", "service_users_invited"])
    row = index(acceptance)
    assert row.kind == "acceptance" and row.url == f"/notices/acceptances/{acceptance.pk}/"
    assert contract.number in row.body and "验收合格" in row.body
    assert "李爱丽" not in row.body  # the team's names are not published
    assert row.amount == contract.amount
    pending = Acceptance(contract=contract, requested_by=acceptance.requested_by,
                         requested_at=timezone.now(), public_service=True)
    from disclosure.source_contracts import acceptance as source

    assert source(pending) is None
