"""Reads of the challenges part, scoped to the person asking.

- the challenger sees its challenges, their evidence and its own thread;
- another supplier concerned sees a challenge once the reviewer opened a thread with it,
  and only that thread — never the evidence or the challenger's contact details;
- the purchaser and its agency see the challenges about their projects, with every thread;
- the finance bureau sees all;
- the public sees the published answers (``public_answers``), without the evidence, the
  facts argued (which may carry trade secrets) and the contact details.
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.models import Organization
from accounts.permissions import OFFICERS, has_role
from deadlines.services import running_deadline

from .filters_challenges import ChallengeFilterSet
from .models import Challenge, ChallengeMessage
from .services.challenges import may_mark, thread_parties
from .services.inquiries import is_reviewer
from .steps_challenges import CHALLENGE, CHALLENGER_STEPS, REVIEWER_STEPS
from .windows import challenge_windows

K = Organization.Kind


def challenges_visible_to(*, user, organization: Organization | None):
    qs = Challenge.objects.select_related("project", "supplier")
    if organization is None:
        qs = qs.none()
    elif organization.kind == K.SUPPLIER:
        qs = qs.filter(Q(supplier=organization)
                       | Q(pk__in=ChallengeMessage.objects.filter(party=organization)
                           .values("challenge_id")))
    elif organization.kind != K.FINANCE:
        qs = qs.filter(Q(project__purchaser=organization) | Q(project__agency=organization))
    return qs.distinct()


def challenge_filterset(*, user, organization, filters=None) -> ChallengeFilterSet:
    """The caller's challenges filtered by ``filters`` (the list page's and the API's)."""
    queryset = challenges_visible_to(user=user, organization=organization)
    return ChallengeFilterSet(filters if filters is not None else {}, queryset=queryset)


def challenge_or_404(*, pk, user, organization) -> Challenge:
    return get_object_or_404(
        challenges_visible_to(user=user, organization=organization).select_related(
            "project__purchaser", "project__agency", "filed_by", "answered_for"), pk=pk)


def role_in(challenge: Challenge, organization: Organization | None) -> str:
    """challenger | reviewer | finance | party."""
    if organization is None:
        return ""
    if organization.pk == challenge.supplier_id:
        return "challenger"
    if is_reviewer(organization, challenge.project):
        return "reviewer"
    if organization.kind == K.FINANCE:
        return "finance"
    return "party"


def challenge_detail(challenge: Challenge, *, user, organization) -> dict:
    """The read model of a challenge for the person asking (page and API)."""
    role = role_in(challenge, organization)
    messages = challenge.messages.select_related("party", "author", "author_org")
    if role == "challenger":
        messages = messages.filter(party=challenge.supplier)
    elif role == "party":
        messages = messages.filter(party=organization)
    threads: dict[int, dict] = {}
    if role in ("reviewer", "finance"):
        for org in thread_parties(challenge):
            threads[org.pk] = {"party": org, "messages": []}
    elif role in ("challenger", "party"):
        threads[organization.pk] = {"party": organization, "messages": []}
    for m in messages:
        threads.setdefault(m.party_id, {"party": m.party, "messages": []})["messages"].append(m)
    officer = has_role(user, organization, *OFFICERS)
    actions = []
    if officer:
        if role == "reviewer":
            actions = [a for a in CHALLENGE.actions(challenge) if a in REVIEWER_STEPS]
        elif role == "challenger":
            actions = [a for a in CHALLENGE.actions(challenge) if a in CHALLENGER_STEPS]
    if (challenge.status == Challenge.Status.PENDING and not challenge.may_change_result
            and may_mark(user, organization, challenge)):
        actions.append("may_change_result")
    can_write = (challenge.status == Challenge.Status.PENDING and officer
                 and role in ("reviewer", "challenger", "party"))
    return {
        "challenge": challenge, "role": role,
        "objections": list(challenge.objections.select_related("lot")),
        "evidence": list(challenge.evidence.all()) if role != "party" else [],
        "threads": list(threads.values()), "actions": actions, "can_write": can_write,
        "clock": running_deadline(subject=challenge, clock="challenge.answer"),
    }


def public_answers(*, q: str = ""):
    qs = (Challenge.objects.filter(status=Challenge.Status.ANSWERED,
                                   answer_published_at__isnull=False)
          .select_related("project", "supplier", "answered_for")
          .order_by("-answer_published_at", "-id"))
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(project__code__icontains=q)
                       | Q(project__title__icontains=q))
    return qs


def public_answer(challenge: Challenge) -> dict:
    """The published answer: each objection's subject, decision and answer — not the
    facts argued, the evidence or the contact details."""
    return {"challenge": challenge, "objections": [
        {"number": o.number, "relates_to": o.get_relates_to_display(),
         "lot": o.lot.number if o.lot_id else None, "remedy_requested": o.remedy_requested,
         "decision": o.get_decision_display(), "answer": o.answer}
        for o in challenge.objections.select_related("lot")]}


def windows_for(*, project, organization, now=None) -> list:
    if organization is None or organization.kind != K.SUPPLIER:
        return []
    return challenge_windows(project=project, supplier=organization, now=now)
