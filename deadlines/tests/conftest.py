import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Membership
from accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from workdays import services as workday_services

CST = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CST)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    workday_services.clear_cache()
    yield
    workday_services.clear_cache()


@pytest.fixture
def award(purchaser_org):
    """Stands in for an award notice: any model can be a clock's subject."""
    return OrganizationFactory(name="某某项目中标通知书", kind="supplier", scale="small")


@pytest.fixture
def finance_admin(finance_org):
    user = UserFactory(username="wang", real_name="王建国")
    MembershipFactory(user=user, organization=finance_org, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def leader(purchaser_org):
    user = UserFactory(username="zheng", real_name="郑局长")
    MembershipFactory(user=user, organization=purchaser_org, role=Membership.Role.LEADER)
    return user
