"""Statutory checks of the procurement life. Each refusal cites its basis.

Numbers come from the rule registry (rules.registry), never literals here.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exceptions import RuleViolation
from rules.registry import Unit, rule
from workdays.services import add_days, add_workdays

from .models import BudgetLine, Lot, Project, Threshold

# 关于加强政府采购活动内部控制管理的指导意见: 不相容岗位分离.
SEPARATION_BASIS = "财库〔2016〕99号"
BUDGET_BASIS = "春风行动 第11条; 条例 第30条"


# --- budgets -----------------------------------------------------------------

LIVE_STATUSES = [s for s in Project.Status.values
                 if s not in (Project.Status.CANCELLED, Project.Status.FAILED)]
# A failed or cancelled lot of a live project releases its budget (for a re-tender).
DEAD_LOT_STATUSES = [Lot.Status.FAILED, Lot.Status.CANCELLED]


def budget_committed(budget_line: BudgetLine, *, exclude_project=None) -> Decimal:
    lots = Lot.objects.filter(project__budget_line=budget_line,
                              project__status__in=LIVE_STATUSES).exclude(
        status__in=DEAD_LOT_STATUSES)
    if exclude_project is not None:
        lots = lots.exclude(project=exclude_project)
    return lots.aggregate(total=Sum("budget"))["total"] or Decimal("0")


def budget_available(budget_line: BudgetLine, *, exclude_project=None) -> Decimal:
    return budget_line.amount - budget_committed(budget_line, exclude_project=exclude_project)


def check_budget(budget_line: BudgetLine | None, amount: Decimal, *, exclude_project=None):
    if budget_line is None:
        raise RuleViolation(_("A project needs a budget line: procurement without budget is "
                              "not allowed."), code="no_budget", basis=BUDGET_BASIS,
                            field="budget_line")
    available = budget_available(budget_line, exclude_project=exclude_project)
    if amount > available:
        raise RuleViolation(
            _("The lots' budgets total %(amount)s yuan but only %(available)s yuan of "
              "“%(line)s” is available."),
            params={"amount": f"{amount:,.2f}", "available": f"{available:,.2f}",
                    "line": budget_line.name},
            code="over_budget", basis=BUDGET_BASIS, field="budget_line")


# --- thresholds and methods --------------------------------------------------

def threshold(kind: str, category: str, on: dt.date | None = None) -> Threshold | None:
    on = on or timezone.localdate()
    return (Threshold.objects.filter(kind=kind, category=category, effective_from__lte=on)
            .order_by("-effective_from").first())


def check_method(*, method: str, category: str, budget: Decimal, justification: str):
    """条例 第23条: another method above the open-tender threshold needs a reason approved."""
    if method == Project.Method.OPEN:
        return
    limit = threshold(Threshold.Kind.OPEN_TENDER, category)
    if limit and budget >= limit.amount and not (justification or "").strip():
        raise RuleViolation(
            _("The budget reaches the open-tender threshold (%(limit)s yuan): give the reason "
              "for using another method; the approver must approve it."),
            params={"limit": f"{limit.amount:,.0f}"}, code="method_needs_reason",
            basis="条例 第23条; " + limit.basis, field="method_justification")


def bureau_approval_needed(project: Project):
    """The finance bureau's approval the project's method needs before the procurement
    starts, as ``(kind, rule)``; ``None`` when the purchaser's approver suffices.

    - a re-tender with another method than the failed project's (87号令 第43条; 法 第27条);
    - another method than open tendering when the budget reaches the open-tender threshold
      (法 第27条; 条例 第23条)."""
    previous = project.retender_of
    if previous is not None and previous.method != project.method:
        return "change", rule("method.change_approval")
    if project.method == Project.Method.OPEN:
        return None
    limit = threshold(Threshold.Kind.OPEN_TENDER, project.demand.category)
    if limit and project.budget >= limit.amount:
        return "method", rule("method.bureau_approval")
    return None


def suggest_sme_reservation(*, category: str, budget: Decimal) -> tuple[str, Decimal | None]:
    """财库〔2020〕46号 第7、8条 (verify): wholly reserved from the purchasing threshold up
    to 200万 (400万 works), else ≥30%."""
    limit_rule = rule("sme.reserve_all_max_works" if category == "engineering"
                      else "sme.reserve_all_max_goods")
    floor = threshold(Threshold.Kind.PROCUREMENT, category)
    if floor and budget < floor.amount:
        return Lot.Reservation.NONE, None
    if budget <= Decimal(limit_rule.amount):
        return Lot.Reservation.WHOLE, Decimal("100")
    return Lot.Reservation.PARTIAL, Decimal(rule("sme.reserve_share").amount)


# --- SMEs: reservation and price deduction (财库〔2020〕46号, 财库〔2022〕19号) ---------

R_ = Lot.NotReservedReason
# The item of 46号 第6条 each reason is (verify); the re-run after too few SMEs is 第10条.
NOT_RESERVED_ITEMS = {R_.NON_ENTERPRISE: "（一）", R_.ONLY_LARGE: "（二）",
                      R_.NO_COMPETITION: "（三）", R_.FRAMEWORK: "（四）", R_.PROVINCIAL: "（五）"}
# What a purchaser may choose; TOO_FEW_SMES is the platform's, set by a re-tender.
PURCHASER_NOT_RESERVED_REASONS = list(NOT_RESERVED_ITEMS)


def not_reserved_basis(reason: str) -> str:
    """The legal basis of a reason for not reserving a lot."""
    if reason == R_.TOO_FEW_SMES:
        return rule("sme.reserved_min_bidders").basis
    if reason in NOT_RESERVED_ITEMS:
        return f"{rule('sme.not_reserved_reasons').basis}第{NOT_RESERVED_ITEMS[reason]}项"
    return ""


def deduction_rules(category: str):
    """The registry's ranges of the deduction for a small/micro firm and for a consortium
    (财库〔2022〕19号): engineering has its own, goods and services share theirs."""
    works = category == "engineering"
    return (rule("sme.deduction_works" if works else "sme.deduction_goods"),
            rule("sme.consortium_deduction_works" if works
                 else "sme.consortium_deduction_goods"))


def _percent(value, n: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except ArithmeticError:
        raise RuleViolation(_("Lot %(n)s: enter the percentages as numbers."),
                            params={"n": n}, code="sme_percent", field="lots") from None


def check_sme_lot(*, category: str, lot: dict, n: int, retender: bool) -> dict:
    """The SME terms of lot ``n`` as they will be stored, or a refusal citing its basis.

    1. no reservation given: the rule's (46号 第7、8条); a lot the rule reserves and the
       purchaser does not needs a reason 46号 第6条 allows, explained — or, in a
       re-tender, the stop of the reserved lot for too few SMEs (第10条);
    2. a lot up to the whole-reservation limit is reserved wholly, not partly (第7条);
    3. a partial reservation is at least 30 % of the lot, at least 60 % of it for
       small and micro firms (第8条);
    4. the deduction rates lie in the ranges of 财库〔2022〕19号 (default: the minimum).
    """
    budget = Decimal(lot["budget"])
    suggested, suggested_share = suggest_sme_reservation(category=category, budget=budget)
    reservation = lot.get("sme_reservation") or suggested
    share = _percent(lot.get("reserved_share"), n)
    small_share = _percent(lot.get("reserved_small_micro_share"), n)
    reason = lot.get("not_reserved_reason") or ""
    detail = (lot.get("not_reserved_detail") or "").strip()
    if not lot.get("sme_reservation"):
        share = suggested_share
    if reservation not in Lot.Reservation.values:
        raise RuleViolation(_("Lot %(n)s: choose an SME reservation."), params={"n": n},
                            code="sme_reservation", field="lots")
    limit = rule("sme.reserve_all_max_works" if category == "engineering"
                 else "sme.reserve_all_max_goods")
    allowed = PURCHASER_NOT_RESERVED_REASONS + ([R_.TOO_FEW_SMES] if retender else [])
    if reservation == Lot.Reservation.NONE and suggested != Lot.Reservation.NONE:
        if reason not in allowed or len(detail) < 5:
            raise RuleViolation(
                _("Lot %(n)s must be reserved for small and medium-sized enterprises (%(kind)s) "
                  "unless one of the reasons the rules allow applies: choose it and explain."),
                params={"n": n, "kind": Lot.Reservation(suggested).label},
                code="sme_reservation_required",
                basis=f"{limit.basis}; {rule('sme.not_reserved_reasons').basis}",
                field="lots")
    elif reservation != Lot.Reservation.NONE:
        reason, detail = "", ""  # a reserved lot needs no reason
    elif reason not in allowed:
        reason = ""
    if suggested == Lot.Reservation.WHOLE and reservation == Lot.Reservation.PARTIAL:
        raise RuleViolation(
            _("Lot %(n)s: up to %(limit)s yuan a lot is reserved wholly for SMEs, not partly."),
            params={"n": n, "limit": f"{Decimal(limit.amount):,.0f}"},
            code="sme_reserve_whole", basis=limit.basis, field="lots")
    if reservation == Lot.Reservation.WHOLE:
        share, small_share = Decimal("100"), None
    elif reservation == Lot.Reservation.NONE:
        share, small_share = None, None
    else:
        minimum = rule("sme.reserve_share")
        small_minimum = rule("sme.small_micro_share")
        share = share if share is not None else Decimal(minimum.amount)
        small_share = small_share if small_share is not None else Decimal(small_minimum.amount)
        if not Decimal(minimum.amount) <= share <= 100:
            raise RuleViolation(
                _("Lot %(n)s: a partial reservation is at least %(min)s %% of the lot."),
                params={"n": n, "min": minimum.amount}, code="sme_reserve_share",
                basis=minimum.basis, field="lots")
        if not Decimal(small_minimum.amount) <= small_share <= 100:
            raise RuleViolation(
                _("Lot %(n)s: at least %(min)s %% of the reserved share is for small and "
                  "micro firms."), params={"n": n, "min": small_minimum.amount},
                code="sme_small_micro_share", basis=small_minimum.basis, field="lots")
    rates = {}
    for key, r in zip(("sme_deduction", "sme_consortium_deduction"), deduction_rules(category),
                      strict=True):
        value = _percent(lot.get(key), n)
        value = Decimal(r.amount) if value is None else value
        if not Decimal(r.amount) <= value <= Decimal(r.maximum):
            raise RuleViolation(
                _("Lot %(n)s: %(what)s is chosen between %(min)s %% and %(max)s %%."),
                params={"n": n, "what": r.description, "min": r.amount, "max": r.maximum},
                code="sme_deduction_range", basis=r.basis, field="lots")
        rates[key] = value
    return {"sme_reservation": reservation, "reserved_share": share,
            "reserved_small_micro_share": small_share, "not_reserved_reason": reason,
            "not_reserved_detail": detail if reason else "", **rates}


# --- periods -----------------------------------------------------------------

MIN_PERIOD_RULE = {
    Project.Method.OPEN: "tender.min_period",
    Project.Method.INVITED: "tender.min_period",
    Project.Method.CONSULTATION: "consultation.min_period",
    Project.Method.NEGOTIATION: "negotiation.min_response",
    Project.Method.QUOTATION: "inquiry_method.min_period",
    Project.Method.SINGLE_SOURCE: "single_source.publicity",
}
DOCUMENTS_RULE = {
    Project.Method.OPEN: "tender.documents_available",
    Project.Method.INVITED: "tender.documents_available",
    Project.Method.CONSULTATION: "consultation.documents_available",
}


def _after(start: dt.datetime, amount: int, unit: str) -> dt.date:
    day = timezone.localtime(start).date()
    if unit == Unit.WORKDAYS:
        return add_workdays(day, amount)
    return day + dt.timedelta(days=amount)


def earliest_deadline(method: str, documents_from: dt.datetime) -> dt.date:
    r = rule(MIN_PERIOD_RULE[method])
    return _after(documents_from, int(r.amount), r.unit)


def check_periods(*, method: str, documents_from: dt.datetime, documents_until: dt.datetime,
                  bid_deadline: dt.datetime, now: dt.datetime):
    if documents_from < now - dt.timedelta(minutes=5):
        raise RuleViolation(_("Documents cannot be made available in the past."),
                            code="documents_in_past", field="documents_from")
    if not documents_from < documents_until <= bid_deadline:
        raise RuleViolation(
            _("Documents must be available from before they close, and close no later than "
              "the bid deadline."), code="documents_window", field="documents_until")
    period = rule(MIN_PERIOD_RULE[method])
    earliest = earliest_deadline(method, documents_from)
    if timezone.localtime(bid_deadline).date() < earliest:
        raise RuleViolation(
            _("The bid deadline must be on or after %(earliest)s: %(rule)s is %(value)s."),
            params={"earliest": earliest.isoformat(), "rule": period.description,
                    "value": period.display_value()},
            code="period_too_short", basis=period.basis, field="bid_deadline")
    if method in DOCUMENTS_RULE:
        docs = rule(DOCUMENTS_RULE[method])
        last_needed = _after(documents_from, int(docs.amount), docs.unit)
        if timezone.localtime(documents_until).date() < last_needed:
            raise RuleViolation(
                _("Documents must stay available until at least %(date)s (%(value)s)."),
                params={"date": last_needed.isoformat(), "value": docs.display_value()},
                code="documents_too_short", basis=docs.basis, field="documents_until")


def check_intention(*, intention, now: dt.datetime):
    """采购意向 published at least 30 days before the procurement starts."""
    r = rule("intention.min_lead")
    if intention is None:
        raise RuleViolation(
            _("Publish the procurement intention first: at least %(value)s before the "
              "procurement starts."), params={"value": r.display_value()},
            code="no_intention", basis=r.basis)
    ready = timezone.localtime(intention.published_at).date() + dt.timedelta(days=int(r.amount))
    if timezone.localtime(now).date() < ready:
        raise RuleViolation(
            _("The procurement intention was published on %(published)s; the procurement may "
              "start from %(ready)s."),
            params={"published": timezone.localtime(intention.published_at).date().isoformat(),
                    "ready": ready.isoformat()},
            code="intention_too_recent", basis=r.basis)


def clarification_deadline(*, bid_deadline: dt.datetime, now: dt.datetime, method: str):
    """A clarification affecting bids less than 15 days (5 for consultation) before the
    deadline moves the deadline (条例 第31条; 87号令 第27条)."""
    code = ("consultation.clarification_notice" if method == Project.Method.CONSULTATION
            else "tender.clarification_notice")
    r = rule(code)
    needed = now + dt.timedelta(days=int(r.amount))
    if bid_deadline >= needed:
        return None, r
    local = timezone.localtime(bid_deadline)
    day = add_days(timezone.localtime(now).date(), int(r.amount))
    return local.replace(year=day.year, month=day.month, day=day.day), r


# --- negotiation, quotation, consultation (issue #12) ------------------------

def check_supplier_exception(*, method: str, reason: str, retender_of=None):
    """A procedure with two suppliers only in the cases its rules name
    (``methods.MethodPolicy.exceptions``): the reason must be one of the method's, and
    the change of method after a failed open tender must be the procurement again of
    that tender (74号令 第27条第2款)."""
    from .methods import policy

    if not reason:
        return
    method_policy = policy(method)
    allowed = dict(method_policy.exceptions)
    if reason not in allowed:
        # The rule the project would break: its method's minimum.
        basis = rule(method_policy.min_to_open_rule or "opening.min_bidders").basis
        raise RuleViolation(
            _("This method has no exception for “%(reason)s”: it needs at least three "
              "suppliers."), params={"reason": Project.SupplierException(reason).label},
            code="supplier_exception", basis=basis, field="supplier_exception")
    if reason == Project.SupplierException.FAILED_TENDER_TWO and (
            retender_of is None
            or retender_of.method not in (Project.Method.OPEN, Project.Method.INVITED)):
        raise RuleViolation(
            _("Two suppliers are allowed only when a failed open tender is procured again "
              "by negotiation: use “procure again” on the failed tender."),
            code="supplier_exception", basis=rule(allowed[reason]).basis,
            field="supplier_exception")


def check_price_weight_range(*, method: str, demand):
    """Competitive consultation scores with the price weight in its range: goods 30–60 %,
    services 10–30 % (财库〔2014〕214号 第24条)."""
    from .methods import policy

    code = policy(method).price_weight_rule(demand.category)
    if code is None:
        return
    r = rule(code)
    weight = sum((c.weight for c in demand.criteria.filter(kind="price")), Decimal("0"))
    if demand.evaluation_method != "scoring" or not (
            Decimal(r.amount) <= weight <= Decimal(r.maximum)):
        raise RuleViolation(
            _("The demand's price weight is %(weight)s points; competitive consultation "
              "scores %(category)s with a price weight of %(min)s–%(max)s points."),
            params={"weight": f"{weight.normalize():f}", "category": demand.get_category_display(),
                    "min": r.amount, "max": r.maximum},
            code="price_weight", basis=r.basis, field="demand")
