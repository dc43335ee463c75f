"""Reads of the procurement life, scoped to who is asking (outsiders get 404)."""

import functools
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import CharField, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Organization
from accounts.selectors import is_supervisor
from core.bulk import known_related
from core.models import StatusChange
from core.rawread import Columns
from deadlines.services import running_deadline
from rules.registry import rule

from . import steps
from .filters import BidFilterSet, DemandFilterSet, NoticeFilterSet, ProjectFilterSet
from .models import (
    Announcement,
    Award,
    Bid,
    BidQuery,
    BudgetLine,
    CommitteeMember,
    Demand,
    DemandItem,
    EvaluationResult,
    Invitation,
    InvitationDraw,
    Lot,
    Prequalification,
    ProcurementIntention,
    Project,
    QualificationApplication,
    Review,
    Score,
)
from .rules import DEAD_LOT_STATUSES, LIVE_STATUSES

# A bid still sealed, or withdrawn, is nobody's to see during evaluation.
HIDDEN_BID_STATUSES = (Bid.Status.SEALED, Bid.Status.WITHDRAWN)


def budget_lines_of(purchaser: Organization):
    committed = (Lot.objects.filter(project__budget_line=OuterRef("pk"),
                                    project__status__in=LIVE_STATUSES)
                 .exclude(status__in=DEAD_LOT_STATUSES)
                 .values("project__budget_line").annotate(t=Sum("budget")).values("t"))
    return (BudgetLine.objects.filter(purchaser=purchaser)
            .annotate(committed=Coalesce(Subquery(committed, output_field=DecimalField()),
                                         Value(Decimal("0")), output_field=DecimalField()))
            .order_by("-year", "code"))


def intentions_of(purchaser: Organization):
    return ProcurementIntention.objects.filter(purchaser=purchaser)


def demands_of(purchaser: Organization):
    return Demand.objects.filter(purchaser=purchaser).select_related("budget_line")


def _scope_projects(organization: Organization | None):
    qs = Project.objects.select_related("purchaser", "agency", "demand", "budget_line")
    if organization is None:
        return qs.none()
    if is_supervisor(organization):
        return qs
    return qs.filter(Q(purchaser=organization) | Q(agency=organization))


def project_filterset(*, organization: Organization | None, filters=None) -> ProjectFilterSet:
    """The projects ``organization`` sees, in the FilterSet that narrows them by
    ``filters`` (query parameters): the list page renders its form, the API checks it."""
    return ProjectFilterSet(filters, _scope_projects(organization))


def projects_visible_to(*, user=None, organization: Organization | None, filters=None):
    """The purchaser's projects, the agency's entrusted ones, or all for supervision —
    narrowed by ``filters`` (a value the FilterSet refuses is left out here; the API
    refuses it first, the page shows the form's error). ``user`` is taken for the
    selectors' common signature: the scope is the organisation's."""
    if filters is None:
        return _scope_projects(organization)
    return project_filterset(organization=organization, filters=filters).qs


def _scope_demands(organization: Organization | None):
    qs = Demand.objects.select_related("purchaser", "budget_line", "intention")
    if organization is None:
        return qs.none()
    if is_supervisor(organization):
        return qs
    return qs.filter(purchaser=organization)


def demand_filterset(*, organization: Organization | None, filters=None) -> DemandFilterSet:
    return DemandFilterSet(filters, _scope_demands(organization))


def demands_visible_to(*, user=None, organization: Organization | None, filters=None):
    """The purchaser's demands, or all for supervision, narrowed by ``filters``."""
    if filters is None:
        return _scope_demands(organization)
    return demand_filterset(organization=organization, filters=filters).qs


def notice_filterset(*, filters=None) -> NoticeFilterSet:
    return NoticeFilterSet(filters, Announcement.objects.select_related(
        "project", "project__purchaser"))


def public_notices(*, filters=None):
    """Everything the law says is public, newest first, narrowed by ``filters``."""
    return notice_filterset(filters=filters).qs


def public_intentions():
    return ProcurementIntention.objects.select_related("purchaser")


def bid_filterset(*, supplier: Organization, filters=None) -> BidFilterSet:
    return BidFilterSet(filters, Bid.objects.filter(supplier=supplier)
                        .select_related("lot", "lot__project", "lot__project__purchaser")
                        .order_by("-sealed_at"))


def bids_of(supplier: Organization, *, filters=None):
    """A supplier's own bids — never another's — narrowed by ``filters``."""
    return bid_filterset(supplier=supplier, filters=filters).qs


def opening_visible_to(*, lot: Lot, organization: Organization | None) -> bool:
    """The opening table goes to the purchaser, its agency, supervision and the bidders."""
    if organization is None:
        return False
    project = lot.project
    if is_supervisor(organization):
        return True
    if organization.pk in (project.purchaser_id, project.agency_id):
        return True
    return lot.bids.filter(supplier=organization).exclude(status=Bid.Status.WITHDRAWN).exists()


def award_notice_visible_to(*, award: Award, organization: Organization | None) -> bool:
    """The award notice goes to the winner, the purchaser, its agency and supervision."""
    if organization is None:
        return False
    project = award.lot.project
    return is_supervisor(organization) or organization.pk in (
        project.purchaser_id, project.agency_id, award.bid.supplier_id)


def bid_outcome(bid: Bid) -> dict:
    """What a bidder learns of its own bid once the result is out (春风行动 第17条;
    87号令 第69条): its reviews with reasons, its score and rank — and, for the winner,
    the procurement assistant and the signing clock (春风行动 第16条)."""
    lot = bid.lot
    if lot.status not in (Lot.Status.AWARDED, Lot.Status.FAILED) or bid.opened_at is None:
        return {}
    from .services.verdicts import bid_verdicts

    # The committee's conclusions with their reasons, not each member's verdict.
    outcome = {"reviews": [v for v in bid_verdicts(bid).values() if v.passed is not None],
               "result": EvaluationResult.objects.filter(bid=bid).first()}
    award = Award.objects.filter(bid=bid).first()
    if award is not None:
        project = lot.project
        person = project.assistant or project.drafted_by
        outcome.update(award=award, assistant=person,
                       assistant_phone=person.mobile or project.contact_phone,
                       sign_clock=running_deadline(subject=award, clock="contract.sign"))
    return outcome


def lot_for_organiser(*, pk: int, organization: Organization | None) -> Lot:
    """A lot of a project the organisation runs or supervises; 404 otherwise."""
    lot = get_object_or_404(Lot.objects.select_related("project"), pk=pk)
    get_object_or_404(projects_visible_to(organization=organization), pk=lot.project_id)
    return lot


def committee_seat(*, lot_pk: int, user):
    """The person's seat on the lot's committee, or None."""
    return (CommitteeMember.objects.filter(committee__lot_id=lot_pk, expert=user)
            .select_related("committee__lot__project").first())


# --- What a page and the API show: one read model each ---------------------------------

def actions_of(obj) -> list[str]:
    """The steps a person may take on ``obj`` now, from its model's table
    (``steps.manual_actions``: the platform's own steps — opening at the deadline, the
    project following its lots — are not offered). The pages draw their buttons and the
    API fills its ``actions`` field from this."""
    return steps.manual_actions(steps.table_for(obj), obj)


def project_actions(project: Project, *, now=None) -> list[str]:
    """What may be done with the project now, by its status and clock alone (the page
    adds the person's roles): the steps of ``steps.PROJECT``, and the acts that change
    no status — a clarification before the opening, the assistant while the project is
    not cancelled, a re-tender of failed lots not yet procured again."""
    now = now or timezone.now()
    actions = actions_of(project)
    # Clarifications are published while the lots wait for their opening (87号令 第27条).
    if steps.PROJECT.can(project, "open") and project.bid_deadline and \
            now < project.bid_deadline:
        actions.append("clarify")
    if project.status != Project.Status.CANCELLED:
        actions.append("assistant")
    # (project.lots.all(): a list of projects prefetches their lots.)
    failed = any(lot.status == Lot.Status.FAILED for lot in project.lots.all())
    if failed and not project.retenders.exclude(status__in=[Project.Status.FAILED,
                                                  Project.Status.CANCELLED]).exists():
        actions.append("retender")
    return actions


def project_history(project: Project):
    """The project's status history, oldest first: from, to, who, when, why."""
    return StatusChange.of(project, field="status")


def opening_table(lot: Lot) -> list[dict]:
    """开标一览表: bidder, price (and in words), brand and model, declared scale — after
    the opening only; before it, nothing, not even how many bids there are."""
    if lot.opened_at is None:
        return []
    rows = []
    for bid in lot.bids.filter(opened_at__isnull=False).select_related("supplier") \
            .order_by("sealed_at"):
        p = bid.opened_payload or {}
        # The price as sealed: a later correction (87号令 第59条) does not rewrite it.
        rows.append({"supplier": bid.supplier.name, "price": Decimal(p["price"]),
                     "price_words": p.get("price_words", ""),
                     "brand": p.get("brand", ""), "model": p.get("model", ""),
                     "scale": _scale_label((p.get("sme_declaration") or {}).get("scale")),
                     "sealed_at": bid.sealed_at, "receipt": bid.receipt_sha256})
    return rows


def _scale_label(scale) -> str:
    try:
        return str(Organization.Scale(scale).label)
    except ValueError:
        return ""


def lot_opening(lot: Lot, *, now=None) -> dict:
    """A lot's opening as everyone entitled sees it (the opening page, the bidder's
    receipt, the API). Reading it never opens the lot: the task scheduled for the
    deadline does (``tasks.open_project_at_deadline``, the minute beat behind it). Between
    the deadline and that task the lot is ``due``: sealed still, and said to be opening.
    """
    now = now or timezone.now()
    deadline = lot.project.bid_deadline
    due = lot.status == Lot.Status.BIDDING and deadline is not None and now >= deadline
    return {"lot": lot, "status": lot.status, "opened_at": lot.opened_at,
            "failure_reason": lot.failure_reason, "due": due, "deadline": deadline,
            "rows": opening_table(lot)}


def lot_evaluation(lot: Lot, *, seat: CommitteeMember | None = None) -> dict:
    """A lot's evaluation as its organisers and committee see it — the page and the API
    read this one model. Only opened bids appear (never a sealed or withdrawn one),
    cheapest first; ``seat`` is the caller's committee seat, whose own scores are shown.
    """
    from .services.queries import abnormally_low_bids
    from .services.verdicts import lot_verdicts

    committee = getattr(lot, "committee", None)
    bids = list(opened_bids(lot).order_by("price", "pk"))
    verdicts = lot_verdicts(lot, bids)
    criteria = list(lot.project.demand.criteria.exclude(kind="price"))
    mine = None
    if seat is not None:
        mine = {(s.bid_id, s.criterion_id): s.points
                for s in Score.objects.filter(bid__lot=lot, expert_id=seat.expert_id)}
    queries = list(BidQuery.objects.filter(bid__lot=lot).select_related("bid__supplier"))
    for query in queries:
        query.actions = actions_of(query)
    asked = {q.bid_id for q in queries if q.kind == BidQuery.Kind.ABNORMALLY_LOW}
    low = abnormally_low_bids(lot) if committee and not committee.report_at else set()
    rows = []
    is_chair = seat is not None and seat.role == CommitteeMember.Role.CHAIR
    for bid in bids:
        stages = verdicts[bid.pk]
        compliance = stages[Review.Stage.COMPLIANCE]
        rows.append({
            "bid": bid, "reviews": list(stages.values()),
            "qualification": stages[Review.Stage.QUALIFICATION],
            "compliance": compliance,
            # A member sees and sets their own verdict; the chair sees everyone's.
            "my_compliance": next((r for r in compliance.votes
                                   if seat is not None and r.reviewer_id == seat.expert_id),
                                  None),
            "votes": compliance.votes if is_chair else [],
            "low": bid.pk in low, "asked": bid.pk in asked,
            "points": [(c, (mine or {}).get((bid.pk, c.pk), "")) for c in criteria],
            "my_scores": None if mine is None else {
                c: p for (b, c), p in mine.items() if b == bid.pk}})
    return {
        "lot": lot, "project": lot.project, "committee": committee,
        "members": list(committee.members.select_related("expert")) if committee else [],
        "criteria": criteria, "rows": rows, "queries": queries,
        "results": list(evaluation_results(lot)),
        "award": Award.objects.filter(lot=lot, revoked_at__isnull=True)
        .select_related("bid__supplier").first(),
        "revoked_awards": list(Award.objects.filter(lot=lot, revoked_at__isnull=False)
                               .select_related("bid__supplier").order_by("revoked_at")),
        "confirmable": confirmable_bids(lot),
        "lot_actions": actions_of(lot),
        # The committee is drawn once the lot is opened, before its evaluation starts.
        "may_draw": committee is None and steps.LOT.can(lot, "evaluate"),
        "as_member": seat is not None,
        "is_chair": is_chair,
        "report": (committee.report or {}) if committee and committee.report_at else {},
    }


def confirmable_bids(lot: Lot) -> list[int]:
    """The bids the purchaser may confirm now, in ranking order (条例 第43条): the
    best-ranked candidates still in the running — the first-ranked, or after a revoked
    award the best-ranked qualified candidate left (94号令 第16条, verify)."""
    if lot.status != Lot.Status.EVALUATING:
        return []
    rows = list(EvaluationResult.objects.filter(
        bid__lot=lot, candidate=True, rank__isnull=False, bid__status=Bid.Status.SCORED)
        .values_list("bid_id", "rank"))
    if not rows:
        return []
    best = min(rank for _bid, rank in rows)
    return [bid for bid, rank in rows if rank == best]


def bid_reader(*, pk: int, user) -> tuple[Bid, str]:
    """An opened bid the person may read — on the lot's committee, or an officer of the
    purchaser or its agency — and as which ("member", "organiser"); 404 for everyone
    else, and for everyone before the bid is opened."""
    from .services.evaluation import bid_reader_role

    bid = get_object_or_404(Bid.objects.select_related("lot__project", "supplier")
                            .exclude(status__in=HIDDEN_BID_STATUSES)
                            .filter(opened_at__isnull=False), pk=pk)
    role = bid_reader_role(user, bid)
    if not role:
        raise Http404
    return bid, role


def bid_documents(bid: Bid) -> dict:
    """An opened bid as the committee reads it: its files (decrypted on download), the
    itemised prices, the declarations as sealed."""
    payload = bid.opened_payload or {}
    lines = []
    for line in payload.get("lines") or []:
        quantity, unit_price = Decimal(line["quantity"]), Decimal(line["unit_price"])
        lines.append({"item": line.get("item", ""), "quantity": quantity,
                      "unit_price": unit_price,
                      "amount": (quantity * unit_price).quantize(Decimal("0.01"))})
    declaration = payload.get("sme_declaration") or {}
    return {
        "bid": bid, "files": list(bid.files.all()), "lines": lines,
        "lines_total": sum((line["amount"] for line in lines), Decimal("0")),
        "price": bid.price, "price_as_sealed": Decimal(payload["price"]) if payload else None,
        "price_words": payload.get("price_words", ""),
        "brand": payload.get("brand", ""), "model": payload.get("model", ""),
        "scale": _scale_label(declaration.get("scale")),
        "all_items_by_smes": bool(declaration.get("all_items_by_smes")),
        "consortium": payload.get("consortium"),
    }


def opened_bids(lot: Lot):
    """The lot's bids once opened; sealed and withdrawn ones are never shown."""
    return (Bid.objects.filter(lot=lot).exclude(status__in=HIDDEN_BID_STATUSES)
            .select_related("supplier"))


def evaluation_results(lot: Lot):
    """The committee's report: candidates by rank, then those who lost the candidacy."""
    return (EvaluationResult.objects.filter(bid__lot=lot)
            .select_related("bid__supplier").order_by("-candidate", "rank"))


@functools.cache
def _item_columns() -> Columns:
    return Columns(DemandItem, "di")


def lot_to_bid_on(pk: int) -> Lot:
    """The lot as the bid endpoint needs it before ``bid_submit``, which reads the lot
    itself under its lock: its id, its project's id (what a refusal's audit event names
    it by) and its items (the unit prices' ids, the lines, the SME declaration), in one
    statement; the lot's own row only when it has no items. Raises ``Http404``.

    Written in SQL (``core.rawread``) for the bid rush, like the service's read of the
    lot: the queryset's joins and annotation cost more to compile than to run."""
    columns = _item_columns()
    sql = (f"SELECT {columns.select()}, l.project_id FROM procurement_lot_items li "  # noqa: S608
           "JOIN procurement_demanditem di ON di.id = li.demanditem_id "
           "JOIN procurement_lot l ON l.id = li.lot_id WHERE li.lot_id = %s ORDER BY di.id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        rows = cursor.fetchall()
    items = [columns.instance(row[:-1]) for row in rows]
    if rows:
        lot = Lot(pk=pk, project_id=rows[0][-1])
    else:
        lot = get_object_or_404(Lot.objects.order_by(), pk=pk)
    known_related(lot, "items", items)
    return lot


def priced_lines(*, lot: Lot, unit_prices: dict) -> list[dict]:
    """The itemised prices of a bid, for ``bid_submit(lines=...)``: one line per item of
    the lot, its quantity the demand's (a bidder prices the items, it does not restate
    them). ``unit_prices`` maps item ids to unit prices; none given, no lines; some given,
    every item is listed and one left out is priced 0 — the bid page and the API alike."""
    if not any(price is not None for price in unit_prices.values()):
        return []
    items = list(lot.items.all())
    return [{"item": item.name, "quantity": item.quantity,
             "unit_price": unit_prices.get(item.pk) if unit_prices.get(item.pk) is not None
             else Decimal("0")} for item in items]


# --- Who bid is secret until opening ---------------------------------------------------
# Before a lot is opened nobody but the supplier itself may learn who obtained the
# documents or bid, nor how many (87号令 第33条 and the rule against disclosing the
# potential bidders' names and number — article to verify). A lot is sealed until its
# opening has happened (opened, or failed at opening) or the procurement is cancelled;
# a project is sealed while any of its lots is. Computed at each read, never stored:
# a clarification can move the deadline, and the opening is what reveals.
SEALED_LOT_STATUSES = (Lot.Status.PENDING, Lot.Status.BIDDING)


def _keys(queryset, field="pk"):
    """Primary keys as text, to match AuditEvent.object_id."""
    return queryset.annotate(_key=Cast(field, CharField())).values("_key")


def sealed_audit_events() -> Q:
    """The audit events that name a bidder or a document holder of a lot not opened:
    any event about one of its bids, and the bidding events recorded on the lot or the
    project (``bid.*`` — sealed, withdrawn, refused — and ``documents.*``).
    Registered with ``audit.selectors.register_sealed_filter``."""
    sealed_lots = Lot.objects.filter(status__in=SEALED_LOT_STATUSES)
    bidding = Q(action__startswith="bid.") | Q(action__startswith="documents.")
    of = ContentType.objects.get_for_model
    return (Q(object_type=of(Bid), object_id__in=_keys(
                Bid.objects.filter(lot__status__in=SEALED_LOT_STATUSES)))
            | bidding & Q(object_type=of(Lot), object_id__in=_keys(sealed_lots))
            | bidding & Q(object_type=of(Project),
                          object_id__in=_keys(sealed_lots, "project_id")))


def sealed_messages() -> Q:
    """Clarifications of a project still sealed: their recipients are its document
    holders (services.projects.announcement_clarify, event key ``clarification:<pk>``).
    Registered with ``notifications.selectors.register_sealed_filter``."""
    notices = Announcement.objects.filter(
        kind=Announcement.Kind.CLARIFICATION,
        project__lots__status__in=SEALED_LOT_STATUSES).values_list("pk", flat=True)
    sealed = Q(pk__in=[])
    for pk in set(notices):
        sealed |= Q(idempotency_key__startswith=f"clarification:{pk}:")
    return Q(category="procurement.clarification") & sealed


# --- 邀请招标: the stage before the tender invitation (services.invitations) -------------

def invitation_stage(project: Project, *, now=None) -> dict:
    """The organiser's (and supervision's) view of an invitational tender before the
    invitation: the qualification notice, the applications with their documents, the
    draw — seed, pool and those drawn — and what may be done now. The review page, the
    draw page and the API read it."""
    now = now or timezone.now()
    pq = (Prequalification.objects.filter(project=project).select_related("announcement")
          .first())
    applications = list(project.qualification_applications
                        .select_related("supplier", "user", "reviewed_by")
                        .prefetch_related("files").order_by("submitted_at", "id"))
    draw = (InvitationDraw.objects.filter(project=project).select_related("drawn_by")
            .first())
    names = {a.supplier_id: a.supplier for a in applications}
    pending = sum(a.status == QualificationApplication.Status.SUBMITTED for a in applications)
    qualified = [a for a in applications
                 if a.status == QualificationApplication.Status.QUALIFIED]
    closed = pq is not None and now >= pq.apply_until
    open_stage = (pq is not None and closed and draw is None
                  and project.status == Project.Status.APPROVED)
    return {
        "prequalification": pq, "applications": applications, "draw": draw,
        "closed": closed, "pending": pending, "qualified": qualified,
        "pool": [names.get(pk) for pk in draw.pool] if draw else [],
        "drawn": [names.get(pk) for pk in draw.drawn] if draw else [],
        "can_publish": (pq is None and project.method == Project.Method.INVITED
                        and project.status == Project.Status.APPROVED),
        "can_review": open_stage,
        "can_draw": open_stage and pending == 0,
        "min_drawn": int(rule("invitation.min_drawn").amount),
        "pool_multiple": int(rule("invitation.pool_multiple").amount),
    }


def supplier_invitation(project: Project, organization: Organization | None) -> dict:
    """What a supplier sees of an invitational tender on its notices: its own
    application (with the reason when not qualified), whether it is invited, and —
    when it is not — why it may not obtain the documents or bid (法 第34条)."""
    if project.method != Project.Method.INVITED or organization is None or \
            organization.kind != Organization.Kind.SUPPLIER:
        return {}
    pq = Prequalification.objects.filter(project=project).first()
    application = QualificationApplication.objects.filter(
        project=project, supplier=organization).first()
    invited = Invitation.objects.filter(project=project, supplier=organization).exists()
    now = timezone.now()
    return {
        "prequalification": pq, "application": application, "invited": invited,
        "may_apply": (pq is not None and application is None and now < pq.apply_until
                      and project.status == Project.Status.APPROVED),
        "basis": rule("invitation.min_drawn").basis,
    }


# --- negotiation and consultation in rounds (services.rounds) -------------------------

def negotiation_workspace(lot: Lot) -> dict:
    """The team's view of a lot in rounds: each supplier with its sessions by round,
    whether it is still in, whether its final quotation arrived — the price only once
    the quotations are opened — and the written changes."""
    from .models import FinalQuote, Negotiation, NegotiationSession

    negotiation = Negotiation.objects.filter(lot=lot).first()
    sessions = list(NegotiationSession.objects.filter(negotiation=negotiation)
                    .select_related("recorded_by")) if negotiation else []
    quotes = {q.bid_id: q for q in FinalQuote.objects.filter(negotiation=negotiation)} \
        if negotiation else {}
    current = negotiation.round if negotiation else 1
    rows = []
    for bid in opened_bids(lot).order_by("pk"):
        own = [s for s in sessions if s.bid_id == bid.pk]
        quote = quotes.get(bid.pk)
        rows.append({"bid": bid, "still_in": bid.status == Bid.Status.OPENED,
                     "sessions": own,
                     "met_this_round": any(s.round == current for s in own),
                     "quote_in": quote is not None,
                     "final_price": quote.price if quote and quote.opened_at else None,
                     "first_price": (bid.opened_payload or {}).get("price")})
    changes = list(negotiation.changes.select_related("issued_by")) if negotiation else []
    return {"negotiation": negotiation, "round": current, "rows": rows, "changes": changes}


def negotiation_for_supplier(bid: Bid) -> dict:
    """What one supplier sees: the changes sent to it, its own sessions (never
    another's), and its final quotation's receipt."""
    from .models import FinalQuote, Negotiation

    negotiation = Negotiation.objects.filter(lot_id=bid.lot_id).first()
    if negotiation is None:
        return {"negotiation": None, "changes": [], "sessions": [], "quote": None}
    return {"negotiation": negotiation,
            "changes": list(negotiation.changes.filter(recipients=bid.supplier_id)),
            "sessions": list(negotiation.sessions.filter(bid=bid)),
            "quote": FinalQuote.objects.filter(bid=bid).first()}


# --- the finance bureau's approvals of methods; single source ---------------------------

def method_approvals(*, status: str | None = "pending"):
    """The finance bureau's queue (``status=None``: every request), oldest first."""
    from .models import MethodApproval

    qs = MethodApproval.objects.select_related("project", "project__purchaser",
                                               "requested_by", "decided_by")
    if status:
        qs = qs.filter(status=status)
    if status == "pending":  # a project cancelled meanwhile no longer waits
        qs = qs.filter(project__status=Project.Status.BUREAU_REVIEW)
    return qs.order_by("requested_at", "id")


def single_source_publicities():
    """Projects whose single-source publicity is published (anyone may read and object)."""
    return Project.objects.filter(single_source__publicity_from__isnull=False).select_related(
        "single_source", "single_source__supplier", "purchaser")
