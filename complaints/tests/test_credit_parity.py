"""Every keyword a credit service takes from a person is reachable from its page's form
and from its API's input serializer."""

import inspect

import pytest

from complaints import forms_credit as forms
from complaints.apis import credit as apis
from complaints.services import credit as services

# Given by the request, the URL or the row acted on, never typed.
CONTEXT = {"record", "repair", "check", "user", "actor", "organization", "now", "ip"}

STEPS = [
    (services.credit_repair_apply, forms.RepairApplyForm, apis.CreditRepairApplyApi, set()),
    (services.credit_repair_review, forms.RepairReviewForm, apis.CreditRepairReviewApi,
     set()),
    (services.penalty_record, forms.PenaltyForm, apis.PenaltyRecordApi, set()),
    (services.spot_checks_draw, forms.SpotCheckDrawForm, apis.SpotCheckDrawApi, set()),
    (services.spot_check_record, forms.SpotCheckRecordForm, apis.SpotCheckRecordApi, set()),
    # Collusion: the event, points and basis come from the table (services.credit.EVENTS);
    # the source is the project.
    (services.credit_record, forms.CollusionForm, apis.CreditRecordListApi,
     {"event", "points", "basis", "source"}),
]


def typed(service) -> set[str]:
    parameters = inspect.signature(service).parameters
    return {name for name, p in parameters.items() if p.kind is p.KEYWORD_ONLY} - CONTEXT


@pytest.mark.parametrize(("service", "form", "api", "fixed"), STEPS,
                         ids=[s[0].__name__ for s in STEPS])
def test_every_keyword_is_reachable_from_the_page_and_the_api(service, form, api, fixed):
    wanted = typed(service) - fixed
    assert wanted <= set(form.base_fields), service.__name__
    assert wanted <= set(api.InputSerializer().fields), service.__name__
