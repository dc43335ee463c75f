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
    """财库〔2020〕46号 第8条: wholly reserved up to 200万 (400万 works), else ≥30%."""
    limit_rule = rule("sme.reserve_all_max_works" if category == "engineering"
                      else "sme.reserve_all_max_goods")
    floor = threshold(Threshold.Kind.PROCUREMENT, category)
    if floor and budget < floor.amount:
        return Lot.Reservation.NONE, None
    if budget <= Decimal(limit_rule.amount):
        return Lot.Reservation.WHOLE, Decimal("100")
    return Lot.Reservation.PARTIAL, Decimal(rule("sme.reserve_share").amount)


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
