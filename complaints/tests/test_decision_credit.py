"""A complaint's decision through the services, to the complainant's credit: a finding of
false materials (94号令 第37条) is a credit record, a lower grade, a place on the public
bad-behaviour list and a refusal of the supplier's next documents and bids; the finance
bureau's approval of a repair lifts all three."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import OrganizationFactory
from complaints.models import BadBehaviourListing, CreditRecord, Penalty
from complaints.services import complaints as svc
from complaints.services import credit
from complaints.tests.factories_complaints import challenge as make_challenge
from complaints.tests.factories_complaints import pdf_upload
from core.eligibility import barred_condition, check_supplier
from core.exceptions import RuleViolation

pytestmark = pytest.mark.django_db


def test_false_materials_found_by_the_decision_list_the_complainant_until_repaired(
        opened, supervisor, django_capture_on_commit_callbacks):
    lot, bidders = opened
    complainant = bidders[1]
    user = complainant.memberships.get().user
    challenge = make_challenge(lot.project, complainant)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = svc.complaint_file(
            challenge=challenge, complainant=complainant, user=user,
            matters=[o.pk for o in challenge.objections.all()], request="请求责令重新评审。",
            facts="中标供应商提供虚假业绩材料。", files=[pdf_upload()])
        svc.complaint_accept(complaint=complaint, user=supervisor)
    check_supplier(supplier=complainant, now=timezone.now())  # not listed yet

    with django_capture_on_commit_callbacks(execute=True):
        svc.complaint_decide(complaint=complaint, outcome="dismissed",
                             decision_text="经查，投诉人提交的业绩证明材料系伪造。",
                             decision_basis="《政府采购质疑和投诉办法》第三十七条",
                             false_materials=True, user=supervisor)

    record = CreditRecord.objects.get(organization=complainant)
    assert record.event == CreditRecord.Event.FALSE_MATERIALS
    assert record.source_id == str(complaint.pk)
    assert credit.current_grade(complainant).grade in ("C", "D")
    listing = BadBehaviourListing.objects.get(organization=complainant, lifted_at=None)
    with pytest.raises(RuleViolation) as refused:
        check_supplier(supplier=complainant, now=timezone.now())
    assert refused.value.code == "debarred"

    repair = credit.credit_repair_apply(record=record, user=user, organization=complainant,
                                        statement="已撤回虚假材料，完成整改并处理相关责任人。")
    credit.credit_repair_review(repair=repair, approve=True, user=supervisor, note="整改到位")
    listing.refresh_from_db()
    assert listing.lifted_at is not None
    assert credit.current_grade(complainant).grade == "A"
    check_supplier(supplier=complainant, now=timezone.now())


def _barred_in_sql(supplier, now) -> bool:
    sql, params = barred_condition(supplier=supplier, now=now)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT CASE WHEN {sql} THEN 1 ELSE 0 END", params)
        return cursor.fetchone()[0] == 1


def _barred_by_check(supplier, now) -> bool:
    try:
        check_supplier(supplier=supplier, now=now)
    except RuleViolation:
        return True
    return False


def test_the_bar_in_sql_that_bids_read_agrees_with_the_check_case_by_case(supervisor):
    """The bid reads whether its supplier is barred inside its read of the lot
    (``credit.supplier_barred_sql`` through ``core.eligibility.barred_condition``) and
    runs the check only when it is: the two must agree for every penalty and listing, at
    every moment of their periods."""
    t0 = timezone.now().replace(microsecond=0)
    day = dt.timedelta(days=1)
    penalty = {"decided_by": supervisor, "facts": "事实", "basis": "法 第77条",
               "decided_at": t0 - 40 * day}
    listing = {"reason": "严重违法失信", "basis": "法 第77条"}
    cases = {
        "debarment": ("penalty", {"kind": "debarment", "effective_from": t0 - 10 * day,
                                  "effective_until": t0 + 10 * day}),
        "debarment to come": ("penalty", {"kind": "debarment", "effective_from": t0 + 5 * day,
                                          "effective_until": t0 + 30 * day}),
        "warning": ("penalty", {"kind": "warning", "effective_from": t0 - day,
                                "effective_until": None}),
        "fine": ("penalty", {"kind": "fine", "amount": 1000, "effective_from": t0 - day,
                             "effective_until": t0 + 30 * day}),
        "listing": ("listing", {"listed_from": t0 - 10 * day, "listed_until": t0 + 10 * day}),
        "listing lifted": ("listing", {"listed_from": t0 - 10 * day,
                                       "listed_until": t0 + 10 * day, "lifted_at": t0 - day}),
        "listing to come": ("listing", {"listed_from": t0 + 5 * day,
                                        "listed_until": t0 + 30 * day}),
        "nothing": (None, {}),
    }
    moments = [t0 - 11 * day, t0 - 10 * day, t0, t0 + 5 * day, t0 + 10 * day, t0 + 31 * day]
    seen = set()
    for n, (name, (kind, fields)) in enumerate(cases.items()):
        supplier = OrganizationFactory(kind="supplier", name=f"供应商{n}")
        if kind == "penalty":
            Penalty.objects.create(organization=supplier, decision_number=f"罚{n}",
                                   **penalty, **fields)
        elif kind == "listing":
            BadBehaviourListing.objects.create(organization=supplier, **listing, **fields)
        for now in moments:
            barred = _barred_by_check(supplier, now)
            assert _barred_in_sql(supplier, now) == barred, (name, now - t0)
            seen.add((name, barred))
    # The cases do test both answers: in force and not.
    assert {("debarment", True), ("debarment", False), ("listing", True),
            ("listing lifted", False), ("warning", False)} <= seen
