"""The complaints app's public notices: the published answers to challenges, the
complaint decisions (法 第56条; 条例 第58条: decisions are published), the administrative
penalties and the bad-behaviour list (政府采购严重违法失信行为记录名单).

Each shows what the complaints app's own public page shows, nothing more: never the facts
argued in a challenge, its evidence or the contact details (``selectors_challenges``).

A bad-behaviour listing is public only for its period and until it is lifted. Lifting by
credit repair is a queryset ``update`` (``credit_repair_review``), which sends no
``post_save``, and a period ends by the clock alone: ``listings_refresh`` (run by the task
``disclosure.tasks.refresh_listings``) takes the rows off the portal when their period
ends or they were lifted, and puts on those whose period starts.
"""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation

from complaints.models import BadBehaviourListing, Challenge, Complaint, Penalty
from complaints.services.credit import listing_in_force

from . import sources
from .models import Publication
from .models import PublicationKind as K
from .source_procurement import project_fields


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y年%m月%d日") if moment else ""


def _name(subject) -> str:
    return getattr(subject, "name", None) or str(subject)


def _lines(*rows) -> str:
    return "\n".join(row for row in rows if row is not None)


# --------------------------------------------------------------- challenge answers


def challenge_answer(challenge: Challenge) -> dict | None:
    """Public once answered and the answer published (``public_answers``): each
    objection's subject, decision and answer, and the summary."""
    if challenge.status != Challenge.Status.ANSWERED or challenge.answer_published_at is None:
        return None
    project = challenge.project
    reviewer = challenge.answered_for
    with translation.override("zh-hans"):
        items = []
        for o in challenge.objections.select_related("lot").order_by("number"):
            lot = f"（第{o.lot.number}包）" if o.lot_id else ""
            items += [f"（{o.number}）{o.get_relates_to_display()}{lot}："
                      f"{o.get_decision_display()}", o.answer]
        body = _lines(
            f"质疑编号：{challenge.number}", f"项目编号：{project.code}",
            f"项目名称：{project.title}", f"质疑供应商：{challenge.supplier.name}",
            f"质疑事项：{challenge.get_trigger_display()}",
            f"答复人：{reviewer.name}" if reviewer else None,
            f"答复结论：{challenge.get_outcome_display()}",
            f"处理结果：{challenge.get_remedy_display()}", "", "逐项答复：", *items, "",
            "答复意见：", challenge.answer_summary, "",
            f"答复日期：{_when(challenge.answer_published_at)}")
    return {**project_fields(project), "kind": K.CHALLENGE_ANSWER,
            "title": f"{project.title}质疑答复（{challenge.number}）", "body": body,
            "published_at": challenge.answer_published_at,
            "parties": challenge.supplier.name, "amount": None,
            "publisher": reviewer.name if reviewer else "",
            "url": reverse("complaints:challenge-answer-public", args=[challenge.pk])}


# --------------------------------------------------------------- complaint decisions


def complaint_decision(complaint: Complaint) -> dict | None:
    """Public once decided and published (``decisions_public``)."""
    if complaint.status != Complaint.Status.DECIDED or complaint.published_at is None:
        return None
    project = complaint.challenge.project
    respondents = [o.name for o in (project.purchaser, project.agency) if o is not None]
    with translation.override("zh-hans"):
        matters = [f"（{m.number}）{m.facts}" for m in complaint.matters.order_by("number")]
        body = _lines(
            f"投诉编号：{complaint.number}", f"项目编号：{project.code}",
            f"项目名称：{project.title}", f"投诉人：{complaint.complainant.name}",
            f"被投诉人：{'；'.join(respondents)}", "", "投诉事项：", *matters, "",
            f"处理决定：{complaint.get_outcome_display()}", "", "认定事实及理由：",
            complaint.decision_text, "", f"法律依据：{complaint.decision_basis}",
            f"决定日期：{_when(complaint.decided_at)}", "",
            "当事人对处理决定不服的，可以依法申请行政复议或者向人民法院提起行政诉讼"
            "（《中华人民共和国政府采购法》第五十八条）。")
    return {**project_fields(project), "kind": K.COMPLAINT_DECISION,
            "title": f"{project.title}投诉处理决定（{complaint.number}）", "body": body,
            "published_at": complaint.published_at, "amount": None,
            "parties": " ".join([complaint.complainant.name, *respondents]),
            "publisher": _finance_bureau(),
            "url": reverse("complaints:complaint-decision-public", args=[complaint.pk])}


def _finance_bureau() -> str:
    """Who decides complaints and penalties: the platform's finance bureau."""
    from accounts.models import Organization

    bureau = Organization.objects.filter(kind=Organization.Kind.FINANCE).order_by("pk").first()
    return bureau.name if bureau else ""


# --------------------------------------------------------------- penalties


def penalty(record: Penalty) -> dict | None:
    """Public once published (``penalties_published``): the penalised, the facts, the
    penalty, its period and basis — as the public list shows it."""
    if record.published_at is None:
        return None
    subject = _name(record.subject)
    with translation.override("zh-hans"):
        kind = str(record.get_kind_display())
        until = f" 至 {_when(record.effective_until)}" if record.effective_until else ""
        body = _lines(
            f"处罚决定书文号：{record.decision_number}", f"被处罚人：{subject}",
            f"处罚种类：{kind}",
            f"罚款金额：{record.amount:,.2f}元" if record.amount else None,
            f"执行期限：{_when(record.effective_from)}{until}",
            f"处罚依据：{record.basis}", "", "违法事实：", record.facts, "",
            f"决定日期：{_when(record.decided_at)}")
    region = getattr(record.organization, "region_code", "") if record.organization_id else ""
    return {"kind": K.PENALTY, "title": f"行政处罚决定（{record.decision_number}）：{subject}",
            "body": body, "published_at": record.published_at, "parties": subject,
            "amount": record.amount, "region_code": region,
            "publisher": _finance_bureau(),
            "url": reverse("disclosure:penalty-detail", args=[record.pk])}


# --------------------------------------------------------------- the bad-behaviour list


def listing_public(listing: BadBehaviourListing, now=None) -> bool:
    now = now or timezone.now()
    return (listing.lifted_at is None and listing.listed_from <= now < listing.listed_until)


def listing(record: BadBehaviourListing) -> dict | None:
    """Public while in force (``listings_public``): not lifted, within its period."""
    if not listing_public(record):
        return None
    subject = _name(record.subject)
    decision = record.penalty.decision_number if record.penalty_id else ""
    body = _lines(
        f"名单主体：{subject}",
        f"处罚决定书文号：{decision}" if decision else None,
        f"列入事由：{record.reason}", f"依据：{record.basis}",
        f"列入期限：{_when(record.listed_from)} 至 {_when(record.listed_until)}", "",
        "列入名单期间，禁止参加政府采购活动（《中华人民共和国政府采购法》第七十七条）。")
    region = getattr(record.organization, "region_code", "") if record.organization_id else ""
    return {"kind": K.BAD_BEHAVIOUR, "title": f"政府采购严重违法失信行为记录名单：{subject}",
            "body": body, "published_at": record.listed_from, "parties": subject,
            "region_code": region, "publisher": _finance_bureau(),
            "url": reverse("disclosure:listing-detail", args=[record.pk])}


def listings_refresh(*, now=None) -> tuple[int, int]:
    """Bring the portal's listings in line with the clock: remove those lifted or past
    their period, add those whose period has begun. Safe to run twice; returns (added,
    removed)."""
    from .indexing import index

    now = now or timezone.now()
    content_type = ContentType.objects.get_for_model(BadBehaviourListing)
    shown = set(Publication.objects.filter(source_type=content_type)
                .values_list("source_id", flat=True))
    live = set(BadBehaviourListing.objects.filter(listing_in_force(now))
               .values_list("pk", flat=True))
    gone = shown - live
    Publication.objects.filter(source_type=content_type, source_id__in=gone).delete()
    added = 0
    for record in _listings().filter(pk__in=live - shown):
        if index(record) is not None:
            added += 1
    return added, len(gone)


def _listings():
    return BadBehaviourListing.objects.select_related("organization", "expert", "penalty")


def register() -> None:
    sources.register(Challenge, challenge_answer, queryset=lambda: (
        Challenge.objects.select_related("project__purchaser", "project__agency",
                                         "project__demand", "supplier", "answered_for")
        .prefetch_related("project__demand__items__catalog_item").order_by("pk")))
    sources.register(Complaint, complaint_decision, queryset=lambda: (
        Complaint.objects.select_related("challenge__project__purchaser",
                                         "challenge__project__agency",
                                         "challenge__project__demand", "complainant")
        .prefetch_related("challenge__project__demand__items__catalog_item")
        .order_by("pk")))
    sources.register(Penalty, penalty, queryset=lambda: (
        Penalty.objects.select_related("organization", "expert").order_by("pk")))
    # Public for its period only: its print view is never kept (sources.Source.timeless).
    sources.register(BadBehaviourListing, listing,
                     queryset=lambda: _listings().order_by("pk"), timeless=False)
