"""Every keyword a complaints service takes from a person is reachable from its page's
form and from its API's input serializer."""

import inspect

import pytest

from complaints import forms_complaints as forms
from complaints.apis import complaints as apis
from complaints.services import complaints as services

# Given by the request, the URL or the row acted on, never typed.
CONTEXT = {"complaint", "user", "organization", "now", "ip", "complainant", "channel",
           "registered_by"}

STEPS = [
    (services.complaint_file, forms.ComplaintFileForm, apis.ComplaintFileApi,
     {"original", "filed_at"}),  # offline only: complaint_register_offline's
    (services.complaint_register_offline, forms.ComplaintRegisterForm,
     apis.ComplaintRegisterOfflineApi, set()),
    (services.complaint_request_correction, forms.CorrectionRequestForm,
     apis.ComplaintRequestCorrectionApi, set()),
    (services.complaint_correct, forms.CorrectForm, apis.ComplaintCorrectApi, set()),
    (services.complaint_accept, forms.ConfirmForm, apis.ComplaintAcceptApi, set()),
    (services.complaint_reject, forms.ReasonForm, apis.ComplaintRejectApi, set()),
    (services.complaint_withdraw, forms.WithdrawForm, apis.ComplaintWithdrawApi, set()),
    (services.complaint_pause, forms.PauseForm, apis.ComplaintPauseApi, set()),
    (services.complaint_resume, forms.ConfirmForm, apis.ComplaintResumeApi, set()),
    (services.complaint_suspend_procurement, forms.SuspendForm,
     apis.ComplaintSuspendProcurementApi, set()),
    (services.complaint_resume_procurement, forms.ConfirmForm,
     apis.ComplaintResumeProcurementApi, set()),
    (services.complaint_decide, forms.DecideForm, apis.ComplaintDecideApi, set()),
]


def typed(service) -> set[str]:
    parameters = inspect.signature(service).parameters
    return {name for name, p in parameters.items() if p.kind is p.KEYWORD_ONLY} - CONTEXT


@pytest.mark.parametrize(("service", "form", "api", "beside"), STEPS,
                         ids=[s[0].__name__ for s in STEPS])
def test_every_keyword_is_reachable_from_the_page_and_the_api(service, form, api, beside):
    wanted = typed(service) - beside
    # The page takes the challenge from its address (?challenge=…), the API as a field.
    assert wanted - {"challenge"} <= set(form.base_fields), service.__name__
    serializer = getattr(api, "InputSerializer", None)
    fields = set(serializer().fields) if serializer else set()
    assert wanted <= fields, service.__name__
