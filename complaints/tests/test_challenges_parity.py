"""Every keyword an inquiry or challenge service takes from a person is reachable from
its page's form and from its API's input serializer: neither caller can do less."""

import inspect

import pytest

from complaints import forms_challenges as cf
from complaints import forms_inquiries as inf
from complaints.apis import challenges as capi
from complaints.apis import inquiries as iapi
from complaints.services import challenges as cs
from complaints.services import inquiries as ins

# Given by the request, the URL or the row acted on, never typed.
CONTEXT = {"challenge", "inquiry", "project", "supplier", "user", "organization", "now",
           "ip", "idempotency_key"}

STEPS = [
    (ins.inquiry_ask, inf.InquiryAskForm, iapi.InquiryAskApi, set()),
    (ins.inquiry_answer, inf.InquiryAnswerForm, iapi.InquiryAnswerApi, set()),
    (cs.challenge_file, cf.ChallengeForm, capi.ChallengeFileApi, {"objections"}),
    (cs.challenge_message_post, cf.MessageForm, capi.ChallengeMessageApi, set()),
    (cs.challenge_reject, cf.RejectForm, capi.ChallengeRejectApi, set()),
    (cs.challenge_answer, cf.AnswerForm, capi.ChallengeAnswerApi, {"answers"}),
]


def typed(service) -> set[str]:
    parameters = inspect.signature(service).parameters
    return {name for name, p in parameters.items() if p.kind is p.KEYWORD_ONLY} - CONTEXT


@pytest.mark.parametrize(("service", "form", "api", "beside"), STEPS,
                         ids=[s[0].__name__ for s in STEPS])
def test_every_keyword_is_reachable_from_the_page_and_the_api(service, form, api, beside):
    wanted = typed(service)
    # ``beside``: typed on the page in rows next to the form (the objection formset, the
    # answer form's per-objection fields).
    assert wanted <= set(form.base_fields) | beside, service.__name__
    assert wanted <= set(api.InputSerializer().fields), service.__name__


def test_the_idempotency_key_is_reachable_too():
    assert "idempotency_key" in cf.ChallengeForm.base_fields  # the API: a header
