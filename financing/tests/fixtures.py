"""Banks, their offers and the steps of an application, for the financing tests (and the
browser test). The contract itself comes from ``contracts.tests.fixtures`` (``signed``:
500,000 yuan, signed by both)."""

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.models import Membership, Organization
from accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from audit.models import AuditEvent
from conftest import org_of
from contracts.tests.fixtures import AWARDED_AT
from financing import services
from financing.models import FinancingApplication, Repayment
from notifications.models import Message

T0 = AWARDED_AT + dt.timedelta(hours=1)
S = FinancingApplication.Status
ACCOUNT = "9558801702000123456"  # the collection account agreed with the bank
SCHEDULE = [{"due_date": dt.date(2026, 6, 30), "amount": Decimal("100000")},
            {"due_date": dt.date(2026, 9, 30), "amount": Decimal("100000")},
            {"due_date": dt.date(2026, 12, 31), "amount": Decimal("100000")}]


def bank_with_staff(name, username):
    bank = OrganizationFactory(name=name, kind=Organization.Kind.BANK)
    user = UserFactory(username=username)
    MembershipFactory(user=user, organization=bank, role=Membership.Role.OFFICER)
    return bank, user


@pytest.fixture
def icbc(db):
    return bank_with_staff("中国工商银行许昌魏都支行", "icbc")


@pytest.fixture
def ccb(db):
    """Another bank: it must never see what was not applied to it."""
    return bank_with_staff("中国建设银行许昌魏都支行", "ccb")


def save_offer(bank, user, name="政采贷", percent="70", **kw):
    return services.financing_offer_save(bank=bank, actor=user, name=name, rate="3.45%起",
                                         max_percent=Decimal(percent), term_months=12,
                                         description="凭政府采购合同申请", now=T0, **kw)


@pytest.fixture
def offer(icbc):
    return save_offer(*icbc)


@pytest.fixture
def ccb_offer(ccb):
    return save_offer(*ccb, name="建行政采贷", percent="60")


def acting(user) -> Organization:
    """The organisation a test's person acts for (their only one)."""
    return org_of(user)


def apply(contract, offer, user, amount="300000", **kw):
    """The contract's supplier applies through ``user``."""
    return services.financing_apply(supplier=contract.supplier, contract=contract,
                                    offer=offer, amount=Decimal(amount), actor=user, now=T0,
                                    **kw)


def approve(application, user, account=ACCOUNT, **kw):
    """``user`` approves for the bank they act for."""
    kw = {"approved_amount": Decimal("300000"), "rate": Decimal("3.45"),
          "collection_bank": "中国工商银行许昌魏都支行", "now": T0, **kw}
    return services.financing_decide(application=application, bank=acting(user), actor=user,
                                     approved=True, collection_account=account, **kw)


def disburse(application, user, *, amount="300000", schedule=SCHEDULE, at=T0, now=None):
    return services.financing_disburse(application=application, bank=acting(user),
                                       actor=user, amount=Decimal(amount), at=at,
                                       schedule=schedule, now=now or at)


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def state():
    """Everything a refused step must leave as it was (refusals are recorded apart)."""
    return (list(FinancingApplication.objects.values()), Repayment.objects.count(),
            AuditEvent.objects.filter(action__startswith="financing.")
            .exclude(action__endswith="_refused").count(),
            Message.objects.filter(category="contracts.financing").count())
