"""What a person can do on a page, a program can do through the API — and the other way
round: every keyword a service takes is reachable from its form and from its serializer.

For each service with both a form and a serializer, every keyword-only parameter of the
service (``inspect.signature``) is a field of the form and a field of the serializer,
except those the caller supplies from its context (who acts, from where, when, for
which organisation, on which object). A renamed field is allowed by an explicit,
commented mapping below; a keyword supplied by the address is checked against the URL
pattern. When a service gains a keyword, this test fails until both callers reach it.
"""

import inspect
from decimal import Decimal
from types import SimpleNamespace

import pytest

from procurement import forms, services
from procurement import urls as page_urls
from procurement.apis import (
    approvals,
    bidding,
    budgets,
    demands,
    evaluation,
    invitations,
    notices,
    projects,
    queries,
    rounds,
    single_source,
)

# Supplied by the caller, never typed: who acts and from where (actor, user, expert, ip),
# when (now), for which organisation (purchaser, supplier), the object acted on (in the
# address), and the retry key (a hidden field on the page, the Idempotency-Key header in
# the API).
CONTEXT = {"actor", "user", "expert", "ip", "now", "purchaser", "supplier",
           "idempotency_key"}
ACTED_ON = {"project", "lot", "bid", "query", "finding", "application", "approval",
            "objection", "negotiation"}
# ...except where that name is the person's choice: the winner confirmed is a bid of the
# lot acted on.
CHOSEN = {"award_confirm": {"bid"}}

ITEM = SimpleNamespace(pk=41, name="台式计算机", quantity=Decimal("60"), unit="台")
FACTOR = SimpleNamespace(pk=7, name="技术参数响应", weight=Decimal("45"))


def url(name, kwarg):
    """The keyword comes from the page's address: ``procurement:<name>`` has ``<kwarg>``."""
    return ("url", name, kwarg)


def form_fields(*forms_or_names) -> set[str]:
    names = set()
    for item in forms_or_names:
        names |= set(item.base_fields if isinstance(item, type) else item.fields)
    return names


# service → (form fields, serializer fields, page mapping, API mapping, elsewhere).
# A mapping names, for a keyword of the service, the field (or address part) that
# carries it; ``elsewhere`` names keywords neither caller sets here, and why.
CASES = {
    "bid_submit": (
        form_fields(forms.BidForm(items=[ITEM])),
        set(bidding.BidSubmitApi.InputSerializer().fields),
        # The page asks a unit price per item of the lot (unit_price_<item id>); the API
        # takes them as one object {item id: unit price}. Both become ``lines`` through
        # selectors.priced_lines, the quantities being the demand's.
        # The SME declaration likewise: maker_<item id> and maker_scale_<item id> on the
        # page (BidForm.sme_items()), a list of {item, maker, maker_scale} in the API.
        {"lines": f"unit_price_{ITEM.pk}", "sme_items": f"maker_{ITEM.pk}"},
        {"lines": "unit_prices"},
        {},
    ),
    "project_create": (
        form_fields(forms.ProjectForm) | {"lots"},  # lots: the LotFormSet (prefix "lots")
        set(projects.ProjectListApi.InputSerializer().fields),
        # The page drafts from the demand it was opened with (?demand=, then a hidden
        # field of the form).
        {"demand": "page: the demand parameter"},
        {},
        {"assistant": "named afterwards: project_assign_assistant (page and API)",
         "retender_of": "set by project_retender only"},
    ),
    "demand_create": (
        form_fields(forms.DemandForm) | {"items", "criteria"},  # the two formsets
        set(demands.DemandListApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "budget_line_create": (
        form_fields(forms.BudgetLineForm),
        set(budgets.BudgetLineListApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "intention_publish": (
        form_fields(forms.IntentionForm),
        set(budgets.IntentionListApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "project_announce": (
        form_fields(forms.AnnounceForm),
        set(notices.ProjectAnnounceApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "announcement_clarify": (
        form_fields(forms.ClarifyForm),
        set(notices.ProjectClarifyApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "project_return": (
        form_fields(forms.ReasonForm),
        set(projects.ProjectReturnApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "project_cancel": (
        form_fields(forms.ReasonForm),
        set(projects.ProjectCancelApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "project_retender": (
        form_fields(forms.RetenderForm),
        set(projects.ProjectRetenderApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "project_assign_assistant": (
        form_fields(forms.AssistantForm()),
        set(projects.ProjectAssistantApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "demand_override_finding": (
        form_fields(forms.OverrideForm),
        set(demands.FindingOverrideApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "bid_review": (
        form_fields(forms.ReviewForm),
        set(evaluation.ReviewApi.InputSerializer().fields),
        {"stage": url("bid-review", "stage")},  # /review/<stage>/: one form per stage
        {}, {},
    ),
    "score_submit": (
        form_fields(forms.ScoreForm(criteria=[FACTOR])),
        set(evaluation.ScoreApi.InputSerializer().fields),
        # The page has one field per factor (c<factor id>); ScoreForm.points() makes the
        # service's {factor id: points} of them, which the API takes as is.
        {"points": f"c{FACTOR.pk}"},
        {}, {},
    ),
    "award_confirm": (
        set(),  # the page confirms with a button per ranked bid
        set(evaluation.AwardApi.InputSerializer().fields),
        {"bid": url("award-confirm", "bid_pk")},
        {}, {},
    ),
    "explanation_request": (
        form_fields(forms.ExplanationForm),
        set(queries.ExplanationRequestApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "bid_query_answer": (
        form_fields(forms.QueryAnswerForm),
        set(queries.QueryAnswerApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "qualification_notice_publish": (
        form_fields(forms.QualificationNoticeForm),
        set(invitations.QualificationNoticeApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "qualification_apply": (
        form_fields(forms.QualificationApplyForm),
        set(invitations.QualificationApplicationListApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "qualification_review": (
        form_fields(forms.QualificationReviewForm),
        set(invitations.QualificationReviewApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "invitation_draw": (
        form_fields(forms.InvitationDrawForm),
        set(invitations.InvitationDrawApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "bid_query_decide": (
        form_fields(forms.QueryDecideForm),
        set(queries.QueryDecideApi.InputSerializer().fields),
        {}, {}, {},
    ),
    # Negotiation and consultation in rounds: the supplier's bid is in the address of its
    # page (acted on), the team's lot too.
    "negotiation_session_record": (
        form_fields(forms.SessionForm),
        set(rounds.SessionApi.InputSerializer().fields),
        {"bid": url("negotiation-session", "bid_pk")}, {"bid": url("negotiation-session",
                                                                   "bid_pk")}, {},
    ),
    "document_change_issue": (
        form_fields(forms.DocumentChangeForm),
        set(rounds.ChangeApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "negotiation_exclude": (
        form_fields(forms.ExcludeForm),
        set(rounds.ExcludeApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "final_quotes_call": (
        form_fields(forms.FinalCallForm),
        set(rounds.FinalCallApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "final_quote_submit": (
        form_fields(forms.FinalQuoteForm),
        set(rounds.BidNegotiationApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "bid_file_access": (
        set(), set(),  # a GET: the file is in the address, page and API alike
        {"bid_file": url("bid-file", "file_pk")},
        {"bid_file": url("bid-file", "file_pk")},
        {},
    ),
    "method_approval_decide": (
        form_fields(forms.MethodDecisionForm),
        set(approvals.ApprovalDecideApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "method_attachment_add": (
        form_fields(forms.MethodAttachmentForm),
        set(approvals.MethodAttachmentApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "objection_file": (
        form_fields(forms.ObjectionForm),
        set(single_source.ObjectionFileApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "objection_decide": (
        form_fields(forms.ObjectionDecideForm),
        set(single_source.ObjectionDecideApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "single_source_negotiate": (
        form_fields(forms.NegotiationForm),
        set(single_source.SingleSourceNegotiationApi.InputSerializer().fields),
        {}, {}, {},
    ),
    "single_source_sign": (
        form_fields(forms.SignForm),
        set(single_source.SingleSourceSignApi.InputSerializer().fields),
        {}, {}, {},
    ),
}


def keywords(service) -> set[str]:
    return {name for name, p in inspect.signature(service).parameters.items()
            if p.kind == inspect.Parameter.KEYWORD_ONLY}


def _page_pattern(name):
    return next(p for p in page_urls.urlpatterns if p.name == name)


def unreachable(service_keywords, fields, mapping) -> list[str]:
    missing = []
    for keyword in sorted(service_keywords):
        target = mapping.get(keyword, keyword)
        if isinstance(target, tuple):  # from the address
            _kind, name, kwarg = target
            if kwarg not in _page_pattern(name).pattern.converters:
                missing.append(f"{keyword} (not in the address of {name})")
        elif isinstance(target, str) and target.startswith("page:"):
            continue
        elif target not in fields:
            missing.append(keyword)
    return missing


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_keyword_of_the_service_is_reachable_from_the_page_and_the_api(name):
    form, serializer, page_map, api_map, elsewhere = CASES[name]
    acted_on = ACTED_ON - CHOSEN.get(name, set())
    wanted = keywords(getattr(services, name)) - CONTEXT - acted_on - set(elsewhere)
    assert wanted, name  # a case without keywords proves nothing
    assert unreachable(wanted, form, page_map) == [], f"{name}: missing on the page"
    assert unreachable(wanted, serializer, api_map) == [], f"{name}: missing in the API"
    # And no API field that no keyword takes: it would be accepted and ignored.
    assert serializer - wanted - set(api_map.values()) == set(), name


def test_the_context_keywords_are_what_callers_supply():
    """The exclusions above stay honest: each names a keyword some service does take."""
    every = set().union(*(keywords(getattr(services, n)) for n in CASES))
    assert CONTEXT <= every


# --- nested parts: the same keys through the page and the API --------------------------

def test_the_lots_of_a_project_have_the_same_fields_on_the_page_and_in_the_api():
    page = set(forms.LotForm.base_fields)
    api = set(projects.LotInputSerializer().fields)
    assert page == api


def test_the_items_and_criteria_of_a_demand_have_the_same_fields():
    assert set(forms.DemandItemForm.base_fields) == set(demands.DemandItemSerializer().fields)
    assert set(forms.CriterionForm.base_fields) == set(demands.CriterionSerializer().fields)


def test_a_consortium_member_has_the_same_keys_from_the_page_and_the_api():
    form = forms.BidForm(data={"consortium": "许昌小微科技有限公司 | 微型 | 35"})
    form.is_valid()
    from_page = form.cleaned_data["consortium"]
    assert from_page == [{"name": "许昌小微科技有限公司", "scale": "micro", "share": "35"}]
    assert set(from_page[0]) == set(bidding.ConsortiumMemberSerializer().fields)
