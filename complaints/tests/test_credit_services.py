"""Credit: records from other apps' events, the grade, the public list, the refusal of a
listed supplier's bids, repair, penalties and spot checks."""

import datetime as dt

import pytest
from django.utils import timezone

from complaints.models import (
    BadBehaviourListing,
    Complaint,
    CreditGrade,
    CreditRecord,
    CreditRepair,
    Penalty,
    SpotCheck,
    SpotCheckDraw,
)
from complaints.services import credit as services
from complaints.signals import complaint_decided
from complaints.tests.factories_credit import decided_complaint
from conftest import org_of
from core.events import send_on_commit
from core.exceptions import DomainError, PermissionDenied, RuleViolation
from procurement import services as proc
from procurement.tests.factories import CST
from procurement.tests.fixtures import PDF

pytestmark = pytest.mark.django_db


def bid(lot, user):
    return proc.bid_submit(lot=lot, supplier=org_of(user), user=user, price="500000",
                           sme_scale="small", sme_items_by_smes=True, contact_name="张博",
                           contact_phone="13800000001", files=[proc.Upload("offer.pdf", PDF)])


def decide(complaint, capture):
    with capture(execute=True):
        send_on_commit(complaint_decided, sender=Complaint, complaint=complaint)


def test_false_materials_lower_the_grade_list_the_supplier_and_refuse_its_bid_until_repaired(
        live_tender, bob, supervisor, django_capture_on_commit_callbacks):
    supplier = org_of(bob)
    lot = live_tender.lots.get()
    complaint = decided_complaint(project=live_tender, complainant=supplier, user=bob,
                                  false_materials=True)
    decide(complaint, django_capture_on_commit_callbacks)

    record = CreditRecord.objects.get(organization=supplier)
    assert (record.event, record.points, record.basis) == ("false_materials", -40, "法 第77条")
    grade = services.current_grade(supplier)
    assert (grade.score, grade.grade) == (60, "C")
    listing = BadBehaviourListing.objects.get(organization=supplier)
    assert listing.record == record and listing.lifted_at is None
    assert listing.listed_until.year == listing.listed_from.year + 1  # credit.debarment

    with pytest.raises(RuleViolation) as refused:
        bid(lot, bob)
    assert refused.value.code == "debarred" and "法 第77条" in refused.value.basis
    assert not lot.bids.exists()

    repair = services.credit_repair_apply(record=record, user=bob, organization=supplier,
                                          statement="已撤回虚假材料并完成内部整改，相关人员已处理。")
    from notifications.models import Message

    assert Message.objects.filter(recipient=supervisor, subject="信用修复申请待审核").exists()
    services.credit_repair_review(repair=repair, approve=True, user=supervisor,
                                  note="整改到位")
    listing.refresh_from_db()
    record.refresh_from_db()
    assert listing.lifted_at is not None and record.repaired_at is not None
    grade = services.current_grade(supplier)
    assert (grade.score, grade.grade) == (100, "A")
    assert CreditGrade.objects.filter(organization=supplier).count() == 2  # the history
    assert bid(lot, bob).status == "sealed"


def test_a_complaint_decided_twice_writes_one_record_each(live_tender, bob,
                                                         django_capture_on_commit_callbacks):
    supplier = org_of(bob)
    complaint = decided_complaint(project=live_tender, complainant=supplier, user=bob,
                                  false_materials=True, malicious=True)
    decide(complaint, django_capture_on_commit_callbacks)
    decide(complaint, django_capture_on_commit_callbacks)
    assert sorted(CreditRecord.objects.filter(organization=supplier)
                  .values_list("event", flat=True)) == ["false_materials", "malicious_complaint"]
    assert BadBehaviourListing.objects.filter(organization=supplier).count() == 2
    assert services.current_grade(supplier).score == 40
    assert CreditGrade.objects.filter(organization=supplier).count() == 2


def test_a_complaint_without_findings_writes_nothing(live_tender, bob,
                                                     django_capture_on_commit_callbacks):
    complaint = decided_complaint(project=live_tender, complainant=org_of(bob), user=bob)
    decide(complaint, django_capture_on_commit_callbacks)
    assert not CreditRecord.objects.exists()


def test_documents_are_refused_to_a_debarred_supplier(live_tender, bob, supervisor,
                                                      django_capture_on_commit_callbacks):
    supplier = org_of(bob)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        penalty = services.penalty_record(
            subject=supplier, kind="debarment", decision_number="许财罚〔2026〕1号",
            facts="提供虚假材料谋取中标。", basis="法 第77条", amount=None, decided_at=now,
            effective_from=now, effective_until=now + dt.timedelta(days=400), user=supervisor)
    assert penalty.published_at is not None
    record = CreditRecord.objects.get(organization=supplier, event="penalty")
    assert record.points == services.DEBARMENT_POINTS
    listing = BadBehaviourListing.objects.get(organization=supplier)
    assert listing.penalty == penalty and listing.listed_until == penalty.effective_until
    with pytest.raises(RuleViolation) as refused:
        proc.documents_obtain(project=live_tender, supplier=supplier, user=bob)
    assert refused.value.code == "debarred"
    assert "许财罚〔2026〕1号" in str(refused.value)
    # A repair cannot end a debarment in force.
    with pytest.raises(RuleViolation) as repair:
        services.credit_repair_apply(record=record, user=bob, organization=supplier,
                                     statement="已整改完毕，请予修复信用记录。")
    assert repair.value.code == "debarment_in_force"


@pytest.mark.parametrize(("days", "ok"), [(364, False), (365, True), (3 * 365, True),
                                          (3 * 365 + 2, False)])
def test_a_debarment_lasts_one_to_three_years(bob, supervisor, days, ok):
    start = dt.datetime(2026, 3, 1, 9, 0, tzinfo=CST)  # a fixed year: 365 days is 1 year
    kwargs = dict(subject=org_of(bob), kind="debarment", decision_number=f"罚{days}",
                  facts="串通投标。", basis="法 第77条", amount=None, decided_at=start,
                  effective_from=start, effective_until=start + dt.timedelta(days=days),
                  user=supervisor)
    if ok:
        assert services.penalty_record(**kwargs).kind == "debarment"
    else:
        with pytest.raises(RuleViolation) as refused:
            services.penalty_record(**kwargs)
        assert refused.value.code == "debarment_period"
        assert not Penalty.objects.exists()


def test_only_the_finance_bureau_records_penalties(bob, alice):
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        services.penalty_record(subject=org_of(bob), kind="warning", decision_number="X1",
                                facts="迟延。", basis="法 第77条", amount=None, decided_at=now,
                                effective_from=now, effective_until=None, user=alice)
    assert not Penalty.objects.exists()


def test_a_fine_needs_its_amount(bob, supervisor):
    now = timezone.now()
    with pytest.raises(DomainError) as refused:
        services.penalty_record(subject=org_of(bob), kind="fine", decision_number="X2",
                                facts="迟延。", basis="法 第77条", amount=None, decided_at=now,
                                effective_from=now, effective_until=None, user=supervisor)
    assert refused.value.field == "amount"


def test_a_repair_is_applied_for_by_the_subjects_administrator_once(
        live_tender, bob, charlie, supervisor, django_capture_on_commit_callbacks):
    supplier = org_of(bob)
    complaint = decided_complaint(project=live_tender, complainant=supplier, user=bob,
                                  malicious=True)
    decide(complaint, django_capture_on_commit_callbacks)
    record = CreditRecord.objects.get()
    with pytest.raises(PermissionDenied):
        services.credit_repair_apply(record=record, user=charlie, organization=org_of(charlie),
                                     statement="我们不是当事人，但想修复它。")
    statement = "已向被投诉人致歉并撤回投诉，建立投诉内部审核制度。"
    repair = services.credit_repair_apply(record=record, user=bob, organization=supplier,
                                          statement=statement)
    with pytest.raises(DomainError) as twice:
        services.credit_repair_apply(record=record, user=bob, organization=supplier,
                                     statement=statement)
    assert twice.value.code == "repair_pending"
    with pytest.raises(DomainError):
        services.credit_repair_review(repair=repair, approve=False, user=supervisor, note="")
    services.credit_repair_review(repair=repair, approve=False, user=supervisor,
                                  note="整改材料不足，请补充。")
    repair.refresh_from_db()
    assert repair.status == CreditRepair.Status.REFUSED
    assert BadBehaviourListing.objects.get().lifted_at is None
    assert services.current_grade(supplier).grade == "B"  # 80


def test_spot_checks_are_drawn_once_per_period_reproducibly(supervisor, bob, charlie):
    from accounts.tests.factories import SupplierFactory

    for n in range(40):
        SupplierFactory(name=f"抽查供应商{n}有限公司")
    low = org_of(charlie)
    CreditGrade.objects.create(organization=low, score=40, grade="D", at=timezone.now(),
                               reason="test")
    checks = services.spot_checks_draw(period="2026-Q4", user=supervisor)
    assert low.pk in {c.organization_id for c in checks}  # grade D: 100 per cent
    draw = SpotCheckDraw.objects.get(period="2026-Q4")
    assert {c.seed for c in checks} == {draw.seed}
    again = services.spot_check_sample(draw.seed, [tuple(p) for p in draw.population],
                                       draw.rates)
    assert sorted((c.organization_id, c.grade) for c in checks) == again
    with pytest.raises(DomainError) as twice:
        services.spot_checks_draw(period="2026-Q4", user=supervisor)
    assert twice.value.code == "already_drawn"
    with pytest.raises(DomainError):
        services.spot_checks_draw(period="Q4", user=supervisor)
    check = SpotCheck.objects.get(organization=low)
    services.spot_check_record(check=check, findings="资质材料齐全，未见异常。", user=supervisor)
    check.refresh_from_db()
    assert check.status == "done"


def test_the_sample_depends_only_on_seed_population_and_rates():
    population = [(pk, "ABCD"[pk % 4]) for pk in range(1, 200)]
    rates = {"A": 5, "B": 10, "C": 30, "D": 100}
    first = services.spot_check_sample("abc", list(reversed(population)), rates)
    assert first == services.spot_check_sample("abc", population, rates)
    assert {pk for pk, grade in population if grade == "D"} <= {pk for pk, _g in first}
    assert first != services.spot_check_sample("abd", population, rates)


def test_a_draw_that_drew_nobody_is_still_once_per_period(supervisor):
    assert services.spot_checks_draw(period="2027-Q1", user=supervisor) == []
    assert SpotCheckDraw.objects.get(period="2027-Q1").population == []
    with pytest.raises(DomainError) as twice:
        services.spot_checks_draw(period="2027-Q1", user=supervisor)
    assert twice.value.code == "already_drawn"


def test_every_service_has_its_refusal_label():
    from core.refusals import refusal_action

    for name in ("credit_record", "credit_repair_apply", "credit_repair_review",
                 "penalty_record", "spot_checks_draw", "spot_check_record",
                 "credit_grades_refresh"):
        assert refusal_action(name) in services.ACTIONS, name


def test_a_record_stops_counting_after_its_period_and_the_grade_comes_back(bob, finance_org):
    supplier = org_of(bob)
    start = timezone.now() - dt.timedelta(days=4 * 365)
    services.credit_record(subject=supplier, event="late_payment", source=finance_org,
                           detail="逾期付款。", now=start)
    assert services.current_grade(supplier).score == 95
    assert services.credit_grades_refresh(now=start + dt.timedelta(days=365)) == 0
    assert services.credit_grades_refresh() == 1
    assert services.current_grade(supplier).score == 100
    assert services.credit_grades_refresh() == 0  # once
