"""Credit (信用记录, 信用评价), the bad-behaviour list (不良行为记录名单), credit repair
(信用修复), administrative penalties (行政处罚) and differential supervision (差异化监管,
抽查) — 春风行动 第28条; 法 第77条; 94号令 第37条.

Records are written where the event happens, through the receivers in
``complaints/receivers.py`` (connected by ``register()``), or by the finance bureau.
Each record moves the subject's score; each change of score or grade is kept
(``CreditGrade``). Serious records put the subject on the public list for the period of
rule ``credit.debarment``; a debarment penalty for its own period. While listed or
debarred, a supplier's document downloads and bids are refused
(``core.eligibility``, checked by procurement).
"""

import datetime as dt
import hashlib
import random
import re
import secrets
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization
from accounts.permissions import OFFICERS, require_role
from accounts.selectors import is_supervisor
from audit.services import audit_record
from core.eligibility import register_supplier_check
from core.events import send_on_commit
from core.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from core.refusals import records_refusals
from core.transitions import transition
from rules.registry import rule

from ..models import (
    BadBehaviourListing,
    CreditGrade,
    CreditRecord,
    CreditRepair,
    Penalty,
    SpotCheck,
    SpotCheckDraw,
)
from ..signals import penalty_decided
from ..steps_credit import REPAIR, SPOT_CHECK

E = CreditRecord.Event

# Points per event (local policy under 春风行动 第28条, which asks for a credit evaluation
# but sets no scale): a subject starts at BASE_SCORE and each record in force adds its
# points. The weights follow the gravity the statutes give the acts: those that 法 第77条
# punishes with debarment weigh most; a late payment is a duty missed, not a fraud; a
# contract performed and accepted earns a little back. Each with the basis cited on the
# record and on the public pages.
EVENTS = {
    # 提供虚假材料谋取中标、成交 — 法 第77条 第一款 第（一）项.
    E.FALSE_MATERIALS: (-40, "法 第77条"),
    # 与采购人、其他供应商或者采购代理机构恶意串通 — 法 第77条 第一款 第（三）项;
    # what counts as collusion in a tender: 87号令 第37条.
    E.COLLUSION: (-40, "法 第77条; 87号令 第37条"),
    # 捏造事实、提供虚假材料或者以非法手段取得证明材料进行投诉 — 94号令 第37条.
    E.MALICIOUS_COMPLAINT: (-20, "94号令 第37条"),
    # Payment to an SME late — 保障中小企业款项支付条例 第9条 (the term) and the
    # profile's own rule (payment.after_invoice), appended when it differs.
    E.LATE_PAYMENT: (-5, "保障中小企业款项支付条例 第9条"),
    # An administrative penalty; a debarment weighs DEBARMENT_POINTS. Basis: the
    # penalty's own.
    E.PENALTY: (-30, ""),
    # A failed acceptance (the purchaser's acceptance: 条例 第45条).
    E.BREACH: (-10, "条例 第45条; 春风行动 第28条"),
    # A contract performed and accepted.
    E.GOOD_PERFORMANCE: (2, "春风行动 第28条"),
}
DEBARMENT_POINTS = -60
# Serious dishonesty: listed publicly (政府采购严重违法失信行为记录名单, 法 第77条).
SERIOUS = {E.FALSE_MATERIALS, E.COLLUSION, E.MALICIOUS_COMPLAINT}

# Score and grade (local policy, 春风行动 第28条 leaves the scale to the region — verify
# against the Xuchang finance bureau's published grading before going live): everyone
# starts at 100; the score is clamped to 0..MAX_SCORE, so good performance can build a
# margin but not an unlimited one.
BASE_SCORE = 100
MAX_SCORE = 120
GRADES = (("A", 90), ("B", 75), ("C", 60), ("D", 0))  # A ≥ 90, B ≥ 75, C ≥ 60, D below
GRADE_BASIS = "春风行动 第28条"

SPOT_CHECK_KINDS = (Organization.Kind.SUPPLIER, Organization.Kind.AGENCY,
                    Organization.Kind.CENTRAL_AGENCY)
PERIOD_RE = re.compile(r"^(20\d\d)-Q([1-4])$")

ACTIONS = {
    "credit.record": _("Credit record written"),
    "credit.record_refused": _("Credit record refused"),
    "credit.grade": _("Credit grade changed"),
    "credit_repair.apply": _("Credit repair applied for"),
    "credit.repair_apply_refused": _("Credit repair application refused"),
    "credit_repair.review": _("Credit repair reviewed"),
    "credit.repair_review_refused": _("Credit repair review refused"),
    "penalty.record": _("Administrative penalty recorded"),
    "penalty.record_refused": _("Administrative penalty refused"),
    "spot_checks.draw": _("Spot checks drawn"),
    "spot.checks_draw_refused": _("Spot check draw refused"),
    "spot_check.record": _("Spot check findings recorded"),
    "spot.check_record_refused": _("Spot check findings refused"),
    "credit.grades_refresh_refused": _("Credit grades not refreshed"),
}


def register() -> None:
    from notifications.categories import register_category

    from .. import receivers

    register_category("complaints.credit", _("Credit records and penalties"), statutory=True)
    from .. import tasks_credit  # noqa: F401 — registers the daily grade refresh task

    receivers.connect()
    register_supplier_check(supplier_not_barred, condition=supplier_barred_sql)


# ---------------------------------------------------------------------------- helpers


def subject_fields(subject) -> dict:
    """``{"organization": …}`` or ``{"expert": …}``: whose credit."""
    if isinstance(subject, Organization):
        return {"organization": subject, "expert": None}
    if subject is None or not getattr(subject, "pk", None):
        raise DomainError(_("Name whose credit this is."), code="no_subject")
    return {"organization": None, "expert": subject}


def _filter(subject) -> dict:
    fields = subject_fields(subject)
    return ({"organization": fields["organization"]} if fields["organization"]
            else {"expert": fields["expert"]})


def finance_of(user) -> Organization:
    """The finance bureau the person works for as an officer or administrator."""
    membership = (Membership.objects.select_related("organization")
                  .filter(user=user, is_active=True, role__in=OFFICERS,
                          organization__kind=Organization.Kind.FINANCE).first())
    if membership is None:
        raise PermissionDenied(_("Only the finance bureau does this."))
    return membership.organization


def _require_finance(user, organization) -> Organization:
    if organization is None:
        return finance_of(user)
    if not is_supervisor(organization):
        raise PermissionDenied(_("Only the finance bureau does this."))
    require_role(user, organization, *OFFICERS)
    return organization


def years_later(start: dt.datetime, years) -> dt.datetime:
    return start + relativedelta(years=int(years))


def late_payment_basis() -> str:
    own = EVENTS[E.LATE_PAYMENT][1]
    profile = rule("payment.after_invoice").basis
    return own if own in profile else f"{own}; {profile}"


def grade_for(score: int) -> str:
    return next(grade for grade, floor in GRADES if score >= floor)


def in_force(now) -> Q:
    """Records counting towards the grade at ``now``."""
    return Q(expires_at__gt=now, repaired_at__isnull=True, recorded_at__lte=now)


def listing_in_force(now) -> Q:
    return Q(lifted_at__isnull=True, listed_from__lte=now, listed_until__gt=now)


def debarment_in_force(now) -> Q:
    return Q(kind=Penalty.Kind.DEBARMENT, effective_from__lte=now, effective_until__gt=now)


def current_grade(subject) -> CreditGrade | None:
    return CreditGrade.objects.filter(**_filter(subject)).order_by("-at", "-id").first()


def score_of(subject, *, now) -> int:
    total = (CreditRecord.objects.filter(in_force(now), **_filter(subject))
             .aggregate(total=Sum("points"))["total"]) or 0
    return max(0, min(MAX_SCORE, BASE_SCORE + total))


def _lock_subject(subject) -> None:
    """Serialise the score's recomputation per subject: two records at once would each
    append a grade computed without the other."""
    if connection.vendor != "postgresql":
        return
    kind = "org" if isinstance(subject, Organization) else "expert"
    digest = hashlib.blake2b(f"credit:{kind}:{subject.pk}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)",
                       [int.from_bytes(digest, "big", signed=True)])


def grade_refresh(*, subject, now, reason: str, actor=None) -> CreditGrade | None:
    """Recompute the score and grade; append a ``CreditGrade`` when either changed (a
    subject with no history is at BASE_SCORE, grade A). Inside the caller's transaction."""
    _lock_subject(subject)
    score = score_of(subject, now=now)
    grade = grade_for(score)
    last = current_grade(subject)
    before = (last.score, last.grade) if last else (BASE_SCORE, grade_for(BASE_SCORE))
    if (score, grade) == before:
        return None
    row = CreditGrade.objects.create(**subject_fields(subject), score=score, grade=grade,
                                     at=now, reason=reason[:300])
    audit_record(action="credit.grade", actor=actor,
                 organization=subject if isinstance(subject, Organization) else None,
                 obj=row, detail={"score": score, "grade": grade, "before": list(before),
                                  "reason": reason[:300]}, now=now)
    return row


def _tell(subject, *, key: str, subject_line: str, body: str, now) -> None:
    from notifications.services import notify

    if isinstance(subject, Organization):
        recipients = [m.user for m in Membership.objects.select_related("user").filter(
            organization=subject, is_active=True, role__in=OFFICERS)]
    else:
        recipients = [subject]
    if recipients:
        notify(event_key=f"credit:{key}", recipients=recipients, category="complaints.credit",
               subject=subject_line, body=f"【春风政采】{body}", now=now)


def _tell_finance(*, key: str, subject_line: str, body: str, now) -> None:
    from notifications.services import notify

    recipients = [m.user for m in Membership.objects.select_related("user").filter(
        organization__kind=Organization.Kind.FINANCE, is_active=True, role__in=OFFICERS)]
    if recipients:
        notify(event_key=f"credit:{key}", recipients=recipients, category="complaints.credit",
               subject=subject_line, body=f"【春风政采】{body}", now=now)


# ---------------------------------------------------------------------------- records


@records_refusals()
@transaction.atomic
def credit_record(*, subject, event: str, source, detail: str, now=None,
                  points: int | None = None, basis: str | None = None,
                  actor=None, organization: Organization | None = None,
                  ip=None) -> CreditRecord:
    """Write one credit record, once per (event, source, subject): a receiver run twice, or
    two at once, writes one. With ``actor`` (the finance bureau recording, e.g.,
    collusion it confirmed), the actor must be its staff; without, the platform records
    what another app's event established.

    Then the score and grade are recomputed (a change is kept), and a serious event puts
    the subject on the public bad-behaviour list for rule ``credit.debarment`` (a
    debarment penalty: for the penalty's own period)."""
    now = now or timezone.now()
    if actor is not None:
        _require_finance(actor, organization)
    if event not in E.values:
        raise DomainError(_("Unknown credit event."), code="unknown_event", field="event")
    fields = subject_fields(subject)
    penalty = source if isinstance(source, Penalty) else None
    if event == E.PENALTY and penalty is None:
        raise DomainError(_("A penalty record comes from the penalty decision."),
                          code="penalty_source")
    debarment = penalty is not None and penalty.kind == Penalty.Kind.DEBARMENT
    default_points, default_basis = EVENTS[event]
    if points is None:
        points = DEBARMENT_POINTS if debarment else default_points
    if basis is None:
        basis = (penalty.basis if penalty is not None else
                 late_payment_basis() if event == E.LATE_PAYMENT else default_basis)
    if not (detail or "").strip():
        raise DomainError(_("Describe what happened."), field="detail")
    source_type = ContentType.objects.get_for_model(source)
    identity = {"event": event, "source_type": source_type, "source_id": str(source.pk),
                **_filter(subject)}
    existing = CreditRecord.objects.filter(**identity).first()
    if existing is not None:
        return existing
    period = rule("credit.record_period")
    record = CreditRecord(**fields, event=event, points=points, basis=basis[:200],
                          detail=detail.strip(), source_type=source_type,
                          source_id=str(source.pk), source_repr=str(source)[:300],
                          recorded_at=now, recorded_by=actor,
                          expires_at=years_later(now, period.amount))
    try:
        with transaction.atomic():
            record.save(force_insert=True)
    except IntegrityError:
        # The same event recorded at this very moment by another worker.
        return CreditRecord.objects.get(**identity)
    listing = None
    if event in SERIOUS or debarment:
        if debarment:
            start, until = penalty.effective_from, penalty.effective_until
        else:
            start = now
            until = years_later(now, rule("credit.debarment").amount)
        listing = BadBehaviourListing.objects.create(
            **fields, record=record, penalty=penalty, reason=record.detail,
            basis=record.basis, listed_from=start, listed_until=until)
    audit_record(action="credit.record", actor=actor,
                 organization=fields["organization"], obj=record,
                 detail={"event": event, "points": points, "basis": record.basis,
                         "source": record.source_repr,
                         "listed_until": listing.listed_until.isoformat() if listing else None},
                 ip=ip, now=now)
    grade_refresh(subject=subject, now=now, actor=actor,
                  reason=f"{record.get_event_display()} ({points:+d})")
    _tell(subject, key=f"record:{record.pk}", now=now,
          subject_line=f"信用记录：{record.get_event_display()}",
          body=f"平台记录了一条信用记录（{points:+d}分，依据{record.basis}）：{record.detail}"
               + (f" 已列入不良行为记录名单至{timezone.localtime(listing.listed_until):%Y-%m-%d}。"
                  if listing else ""))
    return record


@records_refusals()
@transaction.atomic
def credit_grades_refresh(*, now=None) -> int:
    """A record stops counting after rule ``credit.record_period``: recompute the grade of
    every subject one of whose records ran out since its last grade (the daily task
    ``complaints.tasks_credit.refresh_grades``). Returns how many subjects were looked
    at; each change is kept like any other."""
    now = now or timezone.now()
    done = 0
    for field in ("organization", "expert"):
        last = Subquery(CreditGrade.objects.filter(**{field: OuterRef(field)})
                        .order_by("-at", "-id").values("at")[:1])
        ids = (CreditRecord.objects.filter(**{f"{field}__isnull": False},
                                           repaired_at__isnull=True, expires_at__lte=now)
               .annotate(last=last).filter(Q(last__isnull=True) | Q(expires_at__gt=F("last")))
               .values_list(field, flat=True).distinct())
        model = CreditRecord._meta.get_field(field).related_model
        for subject in model.objects.filter(pk__in=list(ids)):
            grade_refresh(subject=subject, now=now, reason="信用记录期满")
            done += 1
    return done


# ---------------------------------------------------------------------------- repair


@records_refusals()
@transaction.atomic
def credit_repair_apply(*, record: CreditRecord, statement: str, user,
                        organization: Organization | None = None, now=None,
                        ip=None) -> CreditRepair:
    """信用修复: the subject's administrator (or the expert in person) shows what was
    corrected; one application pending per record. A record made by a debarment still
    in force cannot be repaired: the penalty stands until its end."""
    now = now or timezone.now()
    record = CreditRecord.objects.select_for_update().get(pk=record.pk)
    if record.organization_id:
        if organization is None or organization.pk != record.organization_id:
            raise PermissionDenied(_("Only the organisation concerned applies for repair."))
        require_role(user, organization, Membership.Role.ADMIN)
    elif record.expert_id != user.pk:
        raise PermissionDenied(_("Only the expert concerned applies for repair."))
    if record.points >= 0:
        raise InvalidTransition(_("Only a record that lowered the score can be repaired."))
    if record.repaired_at is not None or record.expires_at <= now:
        raise InvalidTransition(_("This record no longer counts: nothing to repair."))
    penalty = (Penalty.objects.filter(debarment_in_force(now), pk=record.source_id).first()
               if record.event == E.PENALTY else None)
    if penalty is not None:
        raise RuleViolation(
            _("The debarment of decision %(number)s is in force until %(until)s; it cannot "
              "be repaired before it ends."),
            params={"number": penalty.decision_number,
                    "until": f"{timezone.localtime(penalty.effective_until):%Y-%m-%d}"},
            code="debarment_in_force", basis=penalty.basis)
    statement = (statement or "").strip()
    if len(statement) < 10:
        raise DomainError(_("Say what was corrected, and how (at least 10 characters)."),
                          field="statement")
    if record.repairs.filter(status=CreditRepair.Status.SUBMITTED).exists():
        raise InvalidTransition(_("An application to repair this record is under review "
                                  "already."), code="repair_pending")
    try:
        with transaction.atomic():
            repair = CreditRepair.objects.create(
                organization=record.organization, expert=record.expert, record=record,
                statement=statement, applied_by=user, applied_at=now)
    except IntegrityError:
        raise InvalidTransition(_("An application to repair this record is under review "
                                  "already."), code="repair_pending") from None
    audit_record(action="credit_repair.apply", actor=user, organization=record.organization,
                 obj=repair, detail={"record": record.pk}, ip=ip, now=now)
    _tell_finance(key=f"repair-applied:{repair.pk}", now=now, subject_line="信用修复申请待审核",
                  body=f"{record.subject}申请修复信用记录“{record.get_event_display()}”，请审核。")
    return repair


@records_refusals()
@transaction.atomic
def credit_repair_review(*, repair: CreditRepair, approve: bool, user, note: str = "",
                         organization: Organization | None = None, now=None,
                         ip=None) -> CreditRepair:
    """The finance bureau decides: approved, the record stops counting (``repaired_at``),
    its listings are lifted and the grade recomputed; refused, with the reason."""
    now = now or timezone.now()
    finance = _require_finance(user, organization)
    repair = CreditRepair.objects.select_for_update().select_related("record").get(
        pk=repair.pk)
    if not REPAIR.can(repair, "approve"):
        raise InvalidTransition(_("This application is decided already."))
    note = (note or "").strip()
    if not approve and len(note) < 5:
        raise DomainError(_("Give the reason for refusing."), field="note")
    record = repair.record
    repair.reviewed_by, repair.reviewed_at, repair.review_note = user, now, note
    transition(repair, CreditRepair.Status.APPROVED if approve else CreditRepair.Status.REFUSED,
               table=REPAIR, actor=user, now=now, reason=note,
               update_fields=["reviewed_by", "reviewed_at", "review_note"])
    lifted = 0
    if approve:
        record.repaired_at = now
        record.save(update_fields=["repaired_at"])
        lifted = record.listings.filter(lifted_at__isnull=True).update(
            lifted_at=now, lifted_reason=note or str(_("Credit repaired")))
        grade_refresh(subject=record.subject, now=now, actor=user,
                      reason=f"信用修复 #{repair.pk}")
    audit_record(action="credit_repair.review", actor=user, organization=finance, obj=repair,
                 detail={"approved": approve, "note": note, "record": record.pk,
                         "listings_lifted": lifted, "subject": str(record.subject)},
                 ip=ip, now=now)
    _tell(record.subject, key=f"repair:{repair.pk}", now=now,
          subject_line="信用修复结果",
          body=("您的信用修复申请已通过，相关记录不再计入信用评价。" if approve
                else f"您的信用修复申请未通过：{note}"))
    return repair


# ---------------------------------------------------------------------------- penalties


@records_refusals()
@transaction.atomic
def penalty_record(*, subject, kind: str, decision_number: str, facts: str, basis: str,
                   amount: Decimal | None, decided_at: dt.datetime,
                   effective_from: dt.datetime, effective_until: dt.datetime | None,
                   user, complaint=None, organization: Organization | None = None,
                   now=None, ip=None) -> Penalty:
    """An administrative penalty decided by the finance bureau, published at once. A fine
    has its amount; a debarment (禁止参加政府采购活动) its period, within rule
    ``credit.debarment`` (1–3 years, 法 第77条). ``penalty_decided`` is sent on commit
    (its credit record and, for a debarment, the listing follow)."""
    now = now or timezone.now()
    finance = _require_finance(user, organization)
    fields = subject_fields(subject)
    if kind not in Penalty.Kind.values:
        raise DomainError(_("Choose the penalty."), field="kind")
    decision_number = (decision_number or "").strip()
    if not decision_number:
        raise DomainError(_("Enter the decision number."), field="decision_number")
    if not (facts or "").strip():
        raise DomainError(_("State the facts."), field="facts")
    if not (basis or "").strip():
        raise DomainError(_("Cite the legal basis."), field="basis")
    if decided_at > now:
        raise DomainError(_("The decision date is in the future."), field="decided_at")
    if kind == Penalty.Kind.FINE and (amount is None or amount <= 0):
        raise DomainError(_("Enter the fine's amount."), field="amount")
    if effective_until is not None and effective_until <= effective_from:
        raise DomainError(_("The end comes after the start."), field="effective_until")
    if kind == Penalty.Kind.DEBARMENT:
        period = rule("credit.debarment")
        shortest = years_later(effective_from, period.amount)
        longest = years_later(effective_from, period.maximum)
        if effective_until is None or not shortest <= effective_until <= longest:
            raise RuleViolation(
                _("A debarment lasts from %(min)s to %(max)s years."),
                params={"min": period.amount, "max": period.maximum},
                code="debarment_period", basis=period.basis, field="effective_until")
    try:
        with transaction.atomic():
            penalty = Penalty.objects.create(
                **fields, kind=kind, decision_number=decision_number, facts=facts.strip(),
                basis=basis.strip(), amount=amount or None, decided_at=decided_at,
                effective_from=effective_from, effective_until=effective_until,
                complaint=complaint, decided_by=user, published_at=now)
    except IntegrityError:
        raise DomainError(_("A penalty with this decision number is recorded already."),
                          code="duplicate_decision", field="decision_number") from None
    audit_record(action="penalty.record", actor=user, organization=finance, obj=penalty,
                 detail={"kind": kind, "decision_number": decision_number,
                         "subject": str(subject), "basis": penalty.basis,
                         "until": effective_until.isoformat() if effective_until else None},
                 ip=ip, now=now)
    send_on_commit(penalty_decided, sender=Penalty, penalty=penalty)
    return penalty


def supplier_barred(*, supplier, now) -> list:
    """The rows that bar ``supplier`` from government procurement (法 第22、77条): its
    debarment penalties in force and its bad-behaviour listings in force, each found by
    its organisation index (``supplier_not_barred`` reads them)."""
    return [Penalty.objects.filter(debarment_in_force(now), organization=supplier),
            BadBehaviourListing.objects.filter(listing_in_force(now), organization=supplier)]


def supplier_barred_sql(*, supplier, now) -> tuple[str, list]:
    """``supplier_barred`` as an SQL condition with its parameters, for
    ``core.eligibility``'s ``barred_condition``: the bid puts it in its read of the lot
    (procurement.services.bidding), where compiling the two querysets cost a tenth of a
    bid. The same conditions as ``debarment_in_force`` and ``listing_in_force``;
    complaints/tests/test_decision_credit.py proves the two agree, case by case."""
    at = connection.ops.adapt_datetimefield_value(now)
    sql = (f"EXISTS (SELECT 1 FROM {Penalty._meta.db_table} bp "  # noqa: S608 — names only
           "WHERE bp.organization_id = %s AND bp.kind = %s AND bp.effective_from <= %s "
           "AND bp.effective_until > %s) "
           f"OR EXISTS (SELECT 1 FROM {BadBehaviourListing._meta.db_table} bl "
           "WHERE bl.organization_id = %s AND bl.lifted_at IS NULL AND bl.listed_from <= %s "
           "AND bl.listed_until > %s)")
    return sql, [supplier.pk, Penalty.Kind.DEBARMENT, at, at, supplier.pk, at, at]


def supplier_not_barred(*, supplier, now) -> None:
    """``core.eligibility`` check: a supplier debarred (a debarment penalty in force) or on
    the bad-behaviour list (not lifted, in its period) takes no part in government
    procurement (法 第22、77条). One indexed statement: the two tables' rows in force for
    the supplier, united."""
    penalties, listings = supplier_barred(supplier=supplier, now=now)
    penalties = penalties.values_list("decision_number", "effective_until", "basis").order_by()
    listings = (listings.values_list("penalty__decision_number", "listed_until", "basis")
                .order_by())
    found = list(penalties.union(listings, all=True)[:1])
    if not found:
        return
    number, until, basis = found[0]
    params = {"until": f"{timezone.localtime(until):%Y-%m-%d}", "number": number or ""}
    if number:
        message = _("This supplier is barred from government procurement by penalty decision "
                    "%(number)s until %(until)s.")
    else:
        message = _("This supplier is on the list of serious dishonesty in government "
                    "procurement until %(until)s and may not take part.")
    raise RuleViolation(message, params=params, code="debarred",
                        basis="; ".join(dict.fromkeys(["法 第77条", *basis.split("; ")])))


# ---------------------------------------------------------------------------- spot checks


def spot_check_rates() -> dict[str, int]:
    """Per cent of each grade drawn each period (rules credit.spot_check_a..d)."""
    return {grade: int(rule(f"credit.spot_check_{grade.lower()}").amount)
            for grade, _floor in GRADES}


def spot_check_sample(seed: str, population: list[tuple[int, str]],
                      rates: dict[str, int]) -> list[tuple[int, str]]:
    """The draw, pure: ``random.Random(seed)`` over the population sorted by id, each
    drawn with its grade's rate. Anyone with the seed, the population and the rates
    draws the same."""
    rng = random.Random(seed)  # noqa: S311 — reproducible on purpose; the seed is secret
    return [(pk, grade) for pk, grade in sorted(population)
            if rng.random() * 100 < rates[grade]]


def spot_check_population() -> list[tuple[int, str]]:
    """Every supplier and agency with its current grade (A with no history)."""
    latest = {}
    for org_id, grade in (CreditGrade.objects.filter(organization__isnull=False)
                          .order_by("organization_id", "-at", "-id")
                          .distinct("organization_id")
                          .values_list("organization_id", "grade")
                          if connection.vendor == "postgresql" else
                          CreditGrade.objects.filter(organization__isnull=False)
                          .order_by("organization_id", "at", "id")
                          .values_list("organization_id", "grade")):
        latest[org_id] = grade
    ids = Organization.objects.filter(kind__in=SPOT_CHECK_KINDS).values_list("pk", flat=True)
    return [(pk, latest.get(pk, grade_for(BASE_SCORE))) for pk in ids]


@records_refusals()
@transaction.atomic
def spot_checks_draw(*, period: str, user, organization: Organization | None = None,
                     now=None, ip=None) -> list[SpotCheck]:
    """差异化监管: draw the organisations checked this period, more often the lower their
    grade (rules ``credit.spot_check_a..d``). The seed comes from ``secrets`` and is kept
    with the population and the rates (``SpotCheckDraw``, even when nobody is drawn), so
    the draw can be repeated; one draw per period."""
    now = now or timezone.now()
    finance = _require_finance(user, organization)
    period = (period or "").strip().upper()
    if not PERIOD_RE.match(period):
        raise DomainError(_("Enter the period as a year and quarter, e.g. 2026-Q4."),
                          field="period")
    if SpotCheckDraw.objects.filter(period=period).exists():
        raise InvalidTransition(_("The checks of %(period)s are drawn already."),
                                params={"period": period}, code="already_drawn")
    seed = secrets.token_hex(16)
    population = sorted(spot_check_population())
    rates = spot_check_rates()
    try:
        with transaction.atomic():
            # Unique per period: of two draws at once, the second fails here.
            draw = SpotCheckDraw.objects.create(
                period=period, seed=seed, rates=rates,
                population=[list(pair) for pair in population], drawn_at=now, drawn_by=user)
    except IntegrityError:
        raise InvalidTransition(_("The checks of %(period)s are drawn already."),
                                params={"period": period}, code="already_drawn") from None
    drawn = spot_check_sample(seed, population, rates)
    checks = SpotCheck.objects.bulk_create(
        [SpotCheck(organization_id=pk, period=period, grade=grade, seed=seed, drawn_at=now)
         for pk, grade in drawn])
    audit_record(action="spot_checks.draw", actor=user, organization=finance, obj=draw,
                 detail={"period": period, "seed": seed, "rates": rates,
                         "population": len(population), "drawn": [pk for pk, _g in drawn],
                         "basis": rule("credit.spot_check_a").basis}, ip=ip, now=now)
    return checks


@records_refusals()
@transaction.atomic
def spot_check_record(*, check: SpotCheck, findings: str, user,
                      organization: Organization | None = None, now=None,
                      ip=None) -> SpotCheck:
    """The finance bureau records what the check found."""
    now = now or timezone.now()
    finance = _require_finance(user, organization)
    check = SpotCheck.objects.select_for_update().get(pk=check.pk)
    if not SPOT_CHECK.can(check, "record"):
        raise InvalidTransition(_("This check is recorded already."))
    findings = (findings or "").strip()
    if len(findings) < 5:
        raise DomainError(_("Write what the check found."), field="findings")
    check.findings, check.checked_by, check.checked_at = findings, user, now
    transition(check, SpotCheck.Status.DONE, table=SPOT_CHECK, actor=user, now=now,
               update_fields=["findings", "checked_by", "checked_at"])
    audit_record(action="spot_check.record", actor=user, organization=finance, obj=check,
                 detail={"period": check.period, "subject": str(check.subject)}, ip=ip,
                 now=now)
    return check
