"""A complaint's decision through the services, to the complainant's credit: a finding of
false materials (94号令 第37条) is a credit record, a lower grade, a place on the public
bad-behaviour list and a refusal of the supplier's next documents and bids; the finance
bureau's approval of a repair lifts all three."""

import pytest
from django.utils import timezone

from complaints.models import BadBehaviourListing, CreditRecord
from complaints.services import complaints as svc
from complaints.services import credit
from complaints.tests.factories_complaints import challenge as make_challenge
from complaints.tests.factories_complaints import pdf_upload
from core.eligibility import check_supplier
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
