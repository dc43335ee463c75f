"""Reads of the complaints part, scoped to who asks: the complainant sees its own, the
purchaser and agency of the project those about it, the finance bureau all; decisions
are public once published."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organization
from deadlines.models import Deadline
from deadlines.selectors import countdown

from .models import Complaint, Evidence
from .services.complaints import complaint_window
from .steps_complaints import complaint_actions

K = Organization.Kind
CLOCKS = ("complaint.review", "complaint.correction", "complaint.decide",
          "complaint.reply", "complaint.suspend_max")


def _base():
    return (Complaint.objects.select_related(
        "challenge__project__purchaser", "challenge__project__agency", "complainant",
        "filed_by", "registered_by", "decided_by", "replied_by", "reply_organization")
        .prefetch_related("matters", "pauses"))


def complaints_visible_to(*, user, organization, filters=None):
    qs = _base()
    if organization is None:
        return qs.none()
    if organization.kind == K.FINANCE:
        pass
    elif organization.kind == K.SUPPLIER:
        qs = qs.filter(complainant=organization)
    elif organization.kind in (K.PURCHASER, K.AGENCY, K.CENTRAL_AGENCY):
        qs = qs.filter(Q(challenge__project__purchaser=organization)
                       | Q(challenge__project__agency=organization))
    else:
        return qs.none()
    if filters:
        if filters.get("status"):
            qs = qs.filter(status=filters["status"])
        if filters.get("q"):
            q = filters["q"]
            qs = qs.filter(Q(number__icontains=q) | Q(challenge__project__title__icontains=q)
                           | Q(challenge__project__code__icontains=q)
                           | Q(complainant__name__icontains=q))
    return qs


def decisions_public():
    return (_base().filter(status=Complaint.Status.DECIDED, published_at__isnull=False)
            .order_by("-published_at", "-id"))


def complaint_clocks(complaint: Complaint) -> dict[str, Deadline]:
    """The complaint's clocks, the latest of each kind."""
    rows = (Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(Complaint),
                                    subject_id=str(complaint.pk), clock__in=CLOCKS)
            .select_related("organization").order_by("id"))
    return {d.clock: d for d in rows}


def clocks_of_many(complaints) -> dict[int, dict[str, Deadline]]:
    ids = [str(c.pk) for c in complaints]
    found: dict[int, dict[str, Deadline]] = {int(i): {} for i in ids}
    for d in (Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(Complaint), subject_id__in=ids,
            clock__in=CLOCKS).order_by("id")):
        found[int(d.subject_id)][d.clock] = d
    return found


@dataclass
class ComplaintDetail:
    complaint: Complaint
    clocks: list
    pauses: list
    documents: list
    matters: list
    actions: list
    as_bureau: bool
    as_complainant: bool
    as_respondent: bool
    window: object
    sees_reply: bool = False


def sees_reply(complaint: Complaint, organization) -> bool:
    """The respondent's reply and its files are for the finance bureau and the respondents
    (the project's purchaser and agency), not for the complainant."""
    if organization is None:
        return False
    project = complaint.challenge.project
    return organization.kind == K.FINANCE or organization.pk in (project.purchaser_id,
                                                                 project.agency_id)


def visible_documents(complaint: Complaint, *, organization) -> list:
    rows = complaint.documents.all().order_by("id")
    if not sees_reply(complaint, organization):
        rows = rows.exclude(role=Evidence.Role.ANSWER)
    return list(rows)


def complaint_detail(complaint: Complaint, *, organization) -> ComplaintDetail:
    """What the page and the API show: clocks with their countdown, pauses, files,
    matters and the steps this party may take now."""
    as_bureau = organization is not None and organization.kind == K.FINANCE
    as_complainant = organization is not None and organization.pk == complaint.complainant_id
    project = complaint.challenge.project
    as_respondent = organization is not None and organization.pk in (
        project.purchaser_id, project.agency_id)
    now = timezone.now()
    clocks = [{"deadline": d, "countdown": countdown(d, now),
               "overdue": countdown(d, now).overdue}
              for d in complaint_clocks(complaint).values()]
    return ComplaintDetail(
        complaint=complaint, clocks=clocks,
        pauses=list(complaint.pauses.all().order_by("started_at")),
        documents=visible_documents(complaint, organization=organization),
        matters=list(complaint.matters.all().order_by("number")),
        actions=complaint_actions(complaint, as_bureau=as_bureau,
                                  as_complainant=as_complainant, as_respondent=as_respondent),
        as_bureau=as_bureau, as_complainant=as_complainant, as_respondent=as_respondent,
        window=complaint_window(complaint.challenge),
        sees_reply=sees_reply(complaint, organization))


def challenges_to_complain_of(organization):
    """The supplier's challenges it may complain of now (answered, or unanswered past the
    deadline, within the 15 WD)."""
    from .models import Challenge

    now = timezone.now()
    rows = (Challenge.objects.filter(supplier=organization)
            .exclude(status=Challenge.Status.WITHDRAWN)
            .select_related("project").prefetch_related("objections").order_by("-filed_at"))
    return [c for c in rows if complaint_window(c).is_open(now)]


def queue_counts() -> dict:
    """The finance bureau's queue, for its desk."""
    S = Complaint.Status
    rows = Complaint.objects.filter(status__in=[S.SUBMITTED, S.CORRECTING, S.ACCEPTED])
    return {"review": rows.filter(status=S.SUBMITTED).count(),
            "correcting": rows.filter(status=S.CORRECTING).count(),
            "investigating": rows.filter(status=S.ACCEPTED).count()}
