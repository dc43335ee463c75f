"""Every notice carries the statute's list of fields (87号令 第13条、第69条; 条例 第43条):
each kind is built through its service and checked against ``REQUIRED_FIELDS``."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.tests.factories import OrganizationFactory
from audit.models import AuditEvent
from procurement import services
from procurement.announcements import REQUIRED_FIELDS, missing_fields
from procurement.models import Announcement, Bid, Lot
from procurement.tests import factories as f
from procurement.tests.factories import AWARDED_AT, CST, DEADLINE, NOW
from workdays import services as workday_services

pytestmark = pytest.mark.django_db
K = Announcement.Kind


def complete(notice: Announcement) -> Announcement:
    """The notice has every field of its kind's list, none empty."""
    assert notice.kind in REQUIRED_FIELDS
    assert missing_fields(notice.kind, notice.fields) == []
    return notice


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """The calendar module caches each year's table: a year loaded by another test
    must not leak into this one."""
    workday_services.clear_cache()
    yield
    workday_services.clear_cache()


@pytest.fixture
def agency():
    return OrganizationFactory(name="河南中原招标代理有限公司", kind="agency",
                               address="许昌市魏都区代理路 8 号", contact_name="周代理",
                               contact_phone="0374-5550000")


@pytest.fixture
def entrusted(approved, agency):
    approved.agency = agency
    approved.save(update_fields=["agency"])
    return approved


def announce(project, alice, now=NOW):
    return services.project_announce(
        project=project, actor=alice, documents_from=now,
        documents_until=now + dt.timedelta(days=10),
        bid_deadline=now + dt.timedelta(days=25), now=now)


def awarded_with_lines(project, alice, *, now=AWARDED_AT, lines=True):
    """Three bidders seal brand, model and (``lines``) itemised prices; the lot is opened,
    evaluated, and the first-ranked bid confirmed through ``award_confirm`` at ``now``."""
    f.announce(project)
    lot = project.lots.get()
    for i in range(3):
        extra = {"brand": "联想", "model": f"启天M{90 + i}"}
        if lines:
            extra["lines"] = [{"item": "台式计算机", "quantity": "60",
                               "unit_price": str(Decimal("8000.00") + i)}]
        f.BidFactory(lot=lot, supplier=f.SupplierFactory(name=f"投标人{i}"),
                     amount=Decimal("480000.00") + 60 * i, extra=extra)
    f.open_bids(lot)
    f.evaluate(lot, at=now)
    first = Bid.objects.get(lot=lot, result__rank=1)
    services.award_confirm(lot=lot, bid=first, actor=alice, now=now)
    return Announcement.objects.get(project=project, kind=K.RESULT)


def test_the_statutes_list_covers_every_kind_built_here_and_cites_its_basis():
    for kind in (K.TENDER, K.CLARIFICATION, K.RESULT, K.FAILURE, K.CANCELLATION, K.CONTRACT):
        assert REQUIRED_FIELDS[kind].basis
        assert REQUIRED_FIELDS[kind].fields
    assert "87号令 第13条" in REQUIRED_FIELDS[K.TENDER].basis
    assert "87号令 第69条" in REQUIRED_FIELDS[K.RESULT].basis


def test_a_missing_or_empty_field_is_named():
    assert missing_fields(K.CANCELLATION, {"project_code": "X", "reason": ""}) == [
        "project_name", "purchaser", "original_published_at", "reason"]
    # The agency only when there is one; its parts then all required.
    fields = {"project_code": "X", "project_name": "Y", "reason": "Z",
              "original_published_at": "2026-03-02T09:00:00+08:00",
              "purchaser": {"name": "局", "address": "路", "contact": "李", "phone": "1"}}
    assert missing_fields(K.CANCELLATION, {**fields, "agency": {}}) == []
    assert missing_fields(K.CANCELLATION, {**fields, "agency": {"name": "代理", "address": "",
                                                               "contact": "周", "phone": "2"}}
                          ) == ["agency.address"]


def test_the_tender_announcement_states_every_field_and_its_announcement_period(entrusted,
                                                                               alice):
    notice = complete(announce(entrusted, alice))
    period = notice.fields["announcement_period"]
    # Five working days from Monday 2 March 2026, the publication day not counted.
    assert period["end"] == "2026-03-09" and period["text"] == "5个工作日"
    assert period["basis"] == "87号令 第16条" and not period["provisional"]
    assert not notice.fields["provisional"]
    assert "四、公告期限" in notice.body and "至2026年03月09日止" in notice.body
    assert "河南中原招标代理有限公司" in notice.body and "周代理" in notice.body
    assert "暂定" not in notice.body


def test_a_clarification_names_the_original_notice_and_both_parties(entrusted, alice):
    announce(entrusted, alice)
    notice = complete(services.announcement_clarify(
        project=entrusted, actor=alice, text="交货期更正为合同签订后20日内。", affects_bids=False,
        now=NOW + dt.timedelta(days=1)))
    assert notice.fields["original_published_at"] == NOW.isoformat()
    assert "原公告发布时间：2026年03月02日 09:00" in notice.body


def test_a_cancellation_notice_says_why_and_names_the_original_notice(entrusted, alice):
    announce(entrusted, alice)
    services.project_cancel(project=entrusted, actor=alice, reason="采购需求发生重大变化，终止采购",
                            now=NOW + dt.timedelta(days=2))
    notice = complete(Announcement.objects.get(project=entrusted, kind=K.CANCELLATION))
    assert "终止原因：采购需求发生重大变化" in notice.body


def test_a_failure_notice_says_why_with_its_basis(entrusted, alice):
    f.announce(entrusted)
    lot = entrusted.lots.get()
    f.BidFactory(lot=lot)
    services.lot_open(lot=lot, now=DEADLINE)
    notice = complete(Announcement.objects.get(project=entrusted, kind=K.FAILURE))
    assert notice.fields["basis"] and "废标理由" in notice.body
    assert Lot.objects.get(pk=lot.pk).status == Lot.Status.FAILED


def test_the_result_announcement_carries_items_experts_sme_and_the_challenge_window(
        entrusted, alice):
    notice = complete(awarded_with_lines(entrusted, alice))
    fields = notice.fields
    assert fields["winner"] == "投标人0" and fields["amount"] == "480000.00"
    # Main items from the lot and the winner's itemised price, with the model declared.
    assert fields["items"] == [{
        "name": "台式计算机", "brand": "联想", "model": "启天M90", "specification": "联想 启天M90",
        "quantity": "60", "unit": "台", "unit_price": "8000.00", "unit_price_derived": False}]
    assert len(fields["experts"]) == 5 and all(fields["experts"])
    assert fields["sme_declaration_text"].startswith("投标人0声明其为小型企业")
    # Result period: 1 working day from Tuesday 24 March; a 质疑 within 7 working days
    # after it ends (法 第52条; 条例 第53条).
    assert fields["result_period"]["end"] == "2026-03-25"
    assert fields["challenge"]["end"] == "2026-04-03"
    assert fields["challenge"]["basis"] == "法 第52条; 条例 第53条"
    for text in ("单价8,000.00元", "规格型号：联想 启天M90", "评审专家", "中小企业声明",
                 "至2026年03月25日止", "即2026年04月03日前", "河南中原招标代理有限公司"):
        assert text in notice.body, text


def test_without_itemised_prices_a_single_item_lot_gives_its_unit_price_as_derived(
        entrusted, alice):
    notice = complete(awarded_with_lines(entrusted, alice, lines=False))
    item = notice.fields["items"][0]
    assert item["unit_price"] == "8000.00" and item["unit_price_derived"]
    assert "按中标金额÷数量计" in notice.body


def test_the_contract_announcement_carries_its_fields(alice):
    from contracts import services as contract_services
    from contracts.tests.factories import ContractFactory

    contract = ContractFactory(signed=True)
    notice = contract_services.contract_publish(
        contract=contract, actor=contract.drafted_by, now=contract.signed_at)
    complete(notice)


def test_the_notice_page_lists_the_statutes_fields(entrusted, alice, client):
    notice = awarded_with_lines(entrusted, alice)
    page = client.get(notice.get_absolute_url()).content.decode()
    for label in ("评审专家名单", "主要标的（名称、规格型号、数量、单价）",
                  "质疑的提出方式和截止时间", "中标（成交）供应商地址", "2026年04月03日前"):
        assert label in page, label
    assert 'data-testid="notice-provisional"' not in page


# --- periods in a year whose calendar is not loaded -----------------------------------

YEAR_END = dt.datetime(2026, 12, 28, 9, 0, tzinfo=CST)  # a Monday; 2027 is not loaded


def load_2027(django_capture_on_commit_callbacks):
    from workdays.services import calendar_year_load

    with django_capture_on_commit_callbacks(execute=True):
        calendar_year_load(year=2027, days=[(dt.date(2027, 1, 1), "holiday", "元旦")],
                           source="国务院办公厅通知")


def test_a_tender_period_into_an_unloaded_year_is_provisional_then_recomputed(
        entrusted, alice, eager_celery, django_capture_on_commit_callbacks, client):
    notice = complete(announce(entrusted, alice, now=YEAR_END))
    period = notice.fields["announcement_period"]
    # Counted Monday–Friday: 29, 30, 31 December, Friday 1 and Monday 4 January.
    assert period["provisional"] and period["end"] == "2027-01-04"
    assert notice.fields["provisional"] and "暂定" in notice.body
    page = client.get(notice.get_absolute_url()).content.decode()
    assert 'data-testid="notice-provisional"' in page and "provisional-badge" in page

    load_2027(django_capture_on_commit_callbacks)  # New Year's Day is a holiday

    notice.refresh_from_db()
    period = notice.fields["announcement_period"]
    assert not period["provisional"] and period["end"] == "2027-01-05"
    assert not notice.fields["provisional"] and "暂定" not in notice.body
    assert "至2027年01月05日止" in notice.body and "2027年工作日历已载入" in notice.body
    event = AuditEvent.objects.get(action="announcement.recompute")
    assert event.detail["before"]["announcement_period"] == "2027-01-04"
    assert event.detail["after"]["announcement_period"] == "2027-01-05"


def test_the_challenge_closing_date_into_an_unloaded_year_is_provisional_then_recomputed(
        entrusted, alice, eager_celery, django_capture_on_commit_callbacks):
    notice = awarded_with_lines(entrusted, alice,
                                now=dt.datetime(2026, 12, 30, 10, 0, tzinfo=CST))
    fields = notice.fields
    # The result period ends on Thursday 31 December 2026 (a year the calendar knows);
    # the 7 working days after it run into 2027.
    assert fields["result_period"]["end"] == "2026-12-31"
    assert not fields["result_period"]["provisional"]
    assert fields["challenge"]["provisional"] and fields["challenge"]["end"] == "2027-01-11"
    assert "即2027年01月11日前（暂定" in notice.body

    load_2027(django_capture_on_commit_callbacks)

    notice.refresh_from_db()
    assert notice.fields["challenge"]["end"] == "2027-01-12"
    assert not notice.fields["provisional"] and "即2027年01月12日前，" in notice.body


def test_recomputing_twice_changes_nothing_more(entrusted, alice):
    from procurement.services.notices import notices_recompute_provisional
    from workdays.services import calendar_year_load

    announce(entrusted, alice, now=YEAR_END)
    assert notices_recompute_provisional(year=2027) == 0  # 2027 still unknown: as it was
    calendar_year_load(year=2027, days=[(dt.date(2027, 1, 1), "holiday", "元旦")])
    assert notices_recompute_provisional(year=2027) == 1
    assert notices_recompute_provisional(year=2027) == 0



@pytest.mark.parametrize("state,kind", [("awarded", K.RESULT), ("failed", K.FAILURE),
                                        ("announced", K.TENDER)])
def test_the_factories_notices_are_rendered_as_the_services_render_them(state, kind):
    project = f.ProjectFactory(**{state: True})
    complete(Announcement.objects.get(project=project, kind=kind))
