"""Every keyword a mediation service takes from a person is reachable from its page's form
and from its API's input serializer."""

import inspect

import pytest

from complaints import forms_mediation as forms
from complaints.apis import mediation as apis
from complaints.services import mediation as services

# Given by the request, the URL or the row acted on, never typed.
CONTEXT = {"mediation", "user", "organization", "now", "ip", "applicant"}
CONFIRM = None  # a button: nothing typed

STEPS = [
    (services.mediation_request, forms.MediationRequestForm, apis.MediationListApi,
     {"contract"}),  # the page's URL names the contract
    (services.mediation_accept, forms.MediationAcceptForm, apis.MediationAcceptApi, set()),
    (services.mediation_decline, forms.ReasonForm, apis.MediationDeclineApi, set()),
    (services.mediation_session_record, forms.MediationSessionForm, apis.MediationSessionApi,
     set()),
    (services.mediation_opinion_add, forms.MediationOpinionForm, apis.MediationOpinionApi,
     set()),
    (services.mediation_settle, forms.MediationSettleForm, apis.MediationSettleApi, set()),
    (services.mediation_settlement_confirm, CONFIRM, apis.MediationConfirmApi, set()),
    (services.mediation_settlement_reject, forms.ReasonForm, apis.MediationRejectApi, set()),
    (services.mediation_withdraw, forms.WithdrawForm, apis.MediationWithdrawApi, set()),
    (services.mediation_refer, forms.MediationReferForm, apis.MediationReferApi, set()),
]


def typed(service) -> set[str]:
    parameters = inspect.signature(service).parameters
    return {name for name, p in parameters.items() if p.kind is p.KEYWORD_ONLY} - CONTEXT


@pytest.mark.parametrize(("service", "form", "api", "beside"), STEPS,
                         ids=[s[0].__name__ for s in STEPS])
def test_every_keyword_is_reachable_from_the_page_and_the_api(service, form, api, beside):
    wanted = typed(service)
    assert wanted - beside <= set(form.base_fields if form else ()), service.__name__
    serializer = getattr(api, "InputSerializer", None)
    fields = set(serializer().fields) if serializer else set()
    assert wanted <= fields, service.__name__


def test_every_service_is_in_the_table():
    names = {name for name in dir(services) if name.startswith("mediation_")}
    assert names == {s[0].__name__ for s in STEPS}
