"""What the inquiries and challenges tests share: the bidders' people, objections, a
filing at a given moment, and the calendar with a holiday."""

import datetime as dt

import pytest

from accounts.models import Membership
from procurement.services.bidding import Upload
from procurement.tests.factories import CST, simple_pdf
from workdays.services import calendar_year_load, clear_cache

# A one-day holiday in the middle of the documents window (a Thursday), loaded as 2026's
# calendar: every window across it closes one working day later.
HOLIDAY = dt.date(2026, 3, 12)


@pytest.fixture
def holiday():
    """2026's calendar with the holiday, for one test: the calendar module caches each
    year's table, so it is cleared before and after."""
    clear_cache()
    calendar_year_load(year=2026, days=[(HOLIDAY, "holiday", "测试假日")])
    yield HOLIDAY
    clear_cache()


def at(y, m, d, h=10, minute=0):
    return dt.datetime(y, m, d, h, minute, tzinfo=CST)


def user_of(org):
    return Membership.objects.filter(organization=org).select_related("user").first().user


def objection(**overrides):
    return {"relates_to": "documents", "lot": None,
            "legal_ground": "政府采购法第二十二条：不得以不合理的条件对供应商实行差别待遇",
            "facts": "招标文件要求投标人具有本市业绩，限制了外地供应商参加。",
            "remedy_requested": "删除本地业绩要求并修改招标文件", **overrides}


def evidence(name="证据.pdf"):
    return Upload(name, simple_pdf("evidence"))


def file(project, supplier, *, trigger="documents", now, objections=None, **kw):
    from complaints.services.challenges import challenge_file

    return challenge_file(project=project, supplier=supplier, user=user_of(supplier),
                          trigger=trigger, objections=objections or [objection()],
                          contact_name="王经理", contact_phone="13800000000", now=now, **kw)
