"""Every keyword a contract service takes from a person is reachable from its page's form
and from its API's input serializer: neither caller can do less than the other."""

import inspect

import pytest

from contracts import apis, forms, services

# Given by the request, the URL or the row acted on, never typed.
CONTEXT = {"contract", "actor", "organization", "now", "ip", "award", "milestone",
           "acceptance", "supplement"}
# What a form or serializer field becomes on its way to the service.
BECOMES = {"file": {"file_name", "file_data"}, "result": {"passed"},
           "performance_bond_percent": {"charges"}, "quality_deposit_percent": {"charges"},
           "fee_percent": {"charges"}}

STEPS = [
    (services.contract_draft, forms.DraftForm, apis.ContractDraftApi, {"milestones"}),
    (services.contract_sign, forms.SignForm, apis.ContractSignApi, set()),
    (services.contract_signing_suspend, forms.SuspendForm, apis.ContractSuspendApi, set()),
    (services.contract_signing_resume, forms.ConfirmForm, apis.ContractResumeApi, set()),
    (services.contract_publish, forms.ConfirmForm, apis.ContractPublishApi, set()),
    (services.contract_file, forms.ConfirmForm, apis.ContractFileApi, set()),
    (services.milestone_done, forms.MilestoneDoneForm, apis.MilestoneDoneApi, set()),
    (services.acceptance_request, forms.AcceptanceRequestForm, apis.AcceptanceRequestApi,
     set()),
    (services.acceptance_record, forms.AcceptanceRecordForm, apis.AcceptanceRecordApi,
     set()),
    (services.invoice_submit, forms.InvoiceForm, apis.InvoiceSubmitApi, set()),
    (services.payment_record, forms.PaymentForm, apis.PaymentRecordApi, set()),
    (services.supplement_propose, forms.SupplementForm, apis.SupplementProposeApi, set()),
    (services.supplement_confirm, forms.SupplementConfirmForm, apis.SupplementConfirmApi,
     set()),
]


def typed(service) -> set[str]:
    parameters = inspect.signature(service).parameters
    return {name for name, p in parameters.items() if p.kind is p.KEYWORD_ONLY} - CONTEXT


def reached(fields) -> set[str]:
    found = set()
    for name in fields:
        found |= BECOMES.get(name, {name})
    return found


@pytest.mark.parametrize(("service", "form", "api", "beside"), STEPS,
                         ids=[s[0].__name__ for s in STEPS])
def test_every_keyword_is_reachable_from_the_page_and_the_api(service, form, api, beside):
    wanted = typed(service)
    # ``beside``: typed on the page in a formset next to the form (the draft's milestones).
    assert wanted <= reached(form.base_fields) | beside, service.__name__
    serializer = getattr(api, "InputSerializer", None)
    fields = serializer().fields if serializer else {}
    assert wanted <= reached(fields), service.__name__
