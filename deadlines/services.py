"""The clocks' one write path: open, meet, waive, pause, resume, sweep.

Lifecycle services call ``deadline_open`` when the law starts a clock and
``deadline_meet`` when the duty is done; the Celery beat calls
``deadlines_sweep`` every minute to send reminders, mark overdue clocks and
escalate them to the finance bureau.
"""

import datetime as dt
import functools
import logging
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership, Organization
from accounts.permissions import has_role, is_supervisor
from audit.services import audit_record, audit_record_many
from core.bulk import bulk_set, insert_rows
from core.events import send_on_commit
from core.exceptions import DomainError, PermissionDenied
from core.refusals import records_refusals
from core.transitions import transition, transition_many
from notifications.services import Notice, notify, notify_many
from rules.registry import Unit, UnknownRule, rule
from workdays.services import add_days, add_workdays, workdays_between

from . import fanout, signals, steps
from .clock import compute_due, end_of, local_date, reminder_schedule
from .models import Deadline, Reminder

S = Deadline.Status
logger = logging.getLogger(__name__)

# A clock the sweep could not handle is looked at again this much later, not at the
# next minute's sweep: a row that fails every time must not hog the beat.
SWEEP_RETRY_AFTER = dt.timedelta(minutes=15)


def _step(deadline: Deadline, to: str, *, now, actor=None, reason: str = "", detail=None,
          update_fields=(), save: bool = True) -> None:
    """Take the step of ``steps.DEADLINE`` to ``to`` (a ``StatusChange`` row) and audit it.

    The audit event (``deadline.<status>``) records the act with the clock's figures;
    the status-change row is the clock's own history. ``save=False`` leaves saving the
    row to the caller, who saves ``status`` with the rest of its changes.
    """
    old = deadline.status
    transition(deadline, to, table=steps.DEADLINE, actor=actor, now=now, reason=reason,
               update_fields=update_fields, save=save)
    audit_record(
        action=f"deadline.{to}", actor=actor, organization=deadline.organization, obj=deadline,
        detail={"clock": deadline.clock, "from": old, "to": to,
                "due_at": deadline.due_at.isoformat(), **(detail or {})}, now=now)


def _subject_key(subject) -> dict:
    return {"subject_type": ContentType.objects.get_for_model(subject),
            "subject_id": str(subject.pk)}


def running_deadline(*, subject, clock: str) -> Deadline | None:
    return Deadline.objects.filter(**_subject_key(subject), clock=clock,
                                   status__in=[S.OPEN, S.OVERDUE]).first()


def clock_label(code: str) -> str:
    try:
        return str(rule(code).description)
    except UnknownRule:
        return code


# --- recipients ----------------------------------------------------------

# Who acts on a clock when nobody is named on it: the organisation's officers and admins.
OFFICER_ROLES = (Membership.Role.OFFICER, Membership.Role.ADMIN)


def _unique(users) -> list:
    return list({u.pk: u for u in users}.values())


class Audiences:
    """The people of each audience of ``fanout.FANOUT``, for many clocks at once.

    An organisation's staff, leaders and the finance bureau's staff are read once
    and kept for the life of this object (one sweep): a batch of clocks costs a few
    queries, not a few per clock.
    """

    def __init__(self):
        self._staff: dict[int, list] = {}
        self._leaders: dict[int, list] = {}
        self._supervisors: list | None = None

    def _load(self, cache: dict, org_ids, roles) -> None:
        missing = set(org_ids) - cache.keys()
        if not missing:
            return
        found = {org_id: [] for org_id in missing}
        for m in (Membership.objects.filter(organization_id__in=missing, is_active=True,
                                            user__is_active=True, role__in=roles)
                  .select_related("user").order_by("pk")):
            found[m.organization_id].append(m.user)
        cache.update({org_id: _unique(users) for org_id, users in found.items()})

    def responsible(self, deadlines) -> dict[int, list]:
        """Each clock's people: those named on it, else its organisation's officers."""
        named = defaultdict(list)
        through = Deadline.responsible_users.through
        for row in (through.objects.filter(deadline_id__in=[d.pk for d in deadlines],
                                           user__is_active=True)
                    .select_related("user").order_by("pk")):
            named[row.deadline_id].append(row.user)
        self._load(self._staff, {d.organization_id for d in deadlines if not named[d.pk]},
                   OFFICER_ROLES)
        return {d.pk: named[d.pk] or self._staff[d.organization_id] for d in deadlines}

    def leaders(self, org_ids) -> dict[int, list]:
        self._load(self._leaders, org_ids, (Membership.Role.LEADER,))
        return {org_id: self._leaders[org_id] for org_id in org_ids}

    def supervisors(self) -> list:
        """The finance bureau's staff, whatever their role."""
        if self._supervisors is None:
            self._supervisors = _unique(
                m.user for m in Membership.objects.filter(
                    is_active=True, user__is_active=True,
                    organization__kind=Organization.Kind.FINANCE)
                .select_related("user").order_by("pk"))
        return self._supervisors

    def of(self, audience: str, deadline: Deadline, responsible: dict) -> list:
        """The people of ``audience`` for one clock (``responsible`` from ``responsible()``)."""
        if audience == fanout.RESPONSIBLE:
            return responsible[deadline.pk]
        if audience == fanout.LEADERS:
            return self.leaders({deadline.organization_id})[deadline.organization_id]
        return self.supervisors()


def responsible_people(deadline: Deadline) -> list:
    return Audiences().responsible([deadline])[deadline.pk]


def calendar_admins():
    return [m.user for m in Membership.objects.filter(
        is_active=True, organization__kind=Organization.Kind.FINANCE,
        role__in=[Membership.Role.ADMIN, Membership.Role.LEADER]).select_related("user")]


# --- messages -------------------------------------------------------------

def _fmt(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _remaining(deadline: Deadline, now: dt.datetime) -> str:
    if now >= deadline.due_at:
        return _("overdue")
    wd = workdays_between(local_date(now), local_date(deadline.due_at))
    if wd >= 1:
        return _("%(n)d working day(s) left") % {"n": wd}
    hours = max(1, int((deadline.due_at - now).total_seconds() // 3600))
    return _("about %(n)d hour(s) left") % {"n": hours}


def _message(deadline: Deadline, kind: str, now: dt.datetime) -> tuple[str, str]:
    """Subject and SMS-style text, in Chinese (the platform's language)."""
    with translation.override("zh-hans"):
        label = clock_label(deadline.clock)
        params = {"subject": deadline.subject_repr, "clock": label,
                  "due": _fmt(deadline.due_at), "basis": deadline.basis,
                  "org": deadline.organization.name, "left": _remaining(deadline, now)}
        if kind == "opened":
            subject = _("Clock started: %(clock)s") % params
            body = _("[Chunfeng] %(subject)s: %(clock)s must be done by %(due)s. "
                     "Basis: %(basis)s.") % params
        elif kind == "overdue":
            subject = _("Overdue: %(clock)s") % params
            body = _("[Chunfeng] OVERDUE — %(subject)s: %(clock)s was due by %(due)s and "
                     "is not done. Basis: %(basis)s. The finance bureau has been "
                     "informed.") % params
        else:
            subject = _("Reminder: %(clock)s, %(left)s") % params
            body = _("[Chunfeng] Reminder — %(subject)s: %(clock)s is due by %(due)s "
                     "(%(left)s). Basis: %(basis)s.") % params
        if deadline.provisional:
            body += _(" (Provisional date: the year's holiday calendar is not loaded yet.)")
    return subject, body


@functools.cache
def _detail_pattern() -> str:
    return reverse("deadlines:deadline-detail", args=[987654321]).replace("987654321", "{}")


def _detail_link(pk: int) -> str:
    """The clock's page: ``reverse`` once per process, not once per clock of a sweep."""
    return _detail_pattern().format(pk)


def _notices(deadline: Deadline, kind: str, now: dt.datetime, audiences: Audiences,
             responsible: dict) -> list[Notice]:
    """The messages of ``kind`` for one clock to each audience that hears of it at once
    (``fanout.FANOUT``); the digest audiences hear of it in ``deadlines_digest``."""
    event = fanout.event_of(kind)
    subject, body = _message(deadline, kind, now)
    link = _detail_link(deadline.pk)
    return [Notice(event_key=f"deadline:{deadline.pk}:{kind}",
                   recipients=audiences.of(route.audience, deadline, responsible),
                   category=fanout.CATEGORY[event], subject=subject, body=body, link=link,
                   channels=route.channels)
            for route in fanout.routes(event, digest=False)]


def alert_calendar_missing(years, *, now=None) -> int:
    """Tell administrators, once per year, that a year's calendar must be loaded."""
    sent = 0
    for year in years:
        with translation.override("zh-hans"):
            subject = _("Load the %(year)s working-day calendar") % {"year": year}
            body = _("[Chunfeng] A statutory deadline falls in %(year)s, whose holidays are "
                     "not loaded. It was computed Monday–Friday and marked provisional. "
                     "Load the State Council's %(year)s holiday notice on the calendar page; "
                     "provisional deadlines are then recomputed.") % {"year": year}
        sent += notify(event_key=f"calendar-missing:{year}", recipients=calendar_admins(),
                       category="calendar.missing", subject=subject, body=body,
                       link="/calendar/", now=now)
    return sent


# --- schedule ---------------------------------------------------------------

def _next_action(deadline: Deadline, done: set[str]) -> dt.datetime | None:
    if not deadline.is_running or deadline.paused_at:
        return None
    pending = [at for kind, at in reminder_schedule(started_at=deadline.started_at,
                                                    due_at=deadline.due_at)
               if kind not in done]
    if deadline.status == S.OVERDUE:
        return None
    return min(pending) if pending else None


# --- services ----------------------------------------------------------------

@records_refusals()
@transaction.atomic
def deadline_open(
    *,
    subject,
    clock: str,
    organization: Organization,
    start: dt.datetime | None = None,
    responsible_users=(),
    due_at: dt.datetime | None = None,
    amount: int | None = None,
    unit: str | None = None,
    actor=None,
    now: dt.datetime | None = None,
) -> Deadline:
    """Start the statutory clock ``clock`` on ``subject``.

    1. take the rule in force (profile + overrides) and compute the due time
       on the working-day calendar. Where the rule leaves the length to the
       contract (its amount is None, e.g. acceptance under the national profile),
       the caller gives the contract's ``amount`` and ``unit``: the clock is computed
       and stored with them, so it is provisional in a year without a calendar and
       recomputed when that year is loaded, like any other. ``due_at`` (a fixed
       time, never recomputed) remains for a duty whose date is set outright;
    2. store the clock with its basis, so it says why wherever it is shown;
    3. tell the responsible people it started, and alert administrators if
       the date is provisional for want of a year's calendar.
    Opening a clock that is already running returns the running one.
    """
    now = now or timezone.now()
    start = start or now
    existing = running_deadline(subject=subject, clock=clock)
    if existing:
        return existing
    the_rule = rule(clock)
    if amount is not None:
        if the_rule.amount is not None:
            raise ValueError(f"{clock}: the rule sets the length; the contract does not")
        the_rule = replace(the_rule, amount=int(amount), unit=unit or the_rule.unit)
    if due_at is None:
        if the_rule.amount is None:
            raise DomainError(
                gettext_lazy("The length of “%(clock)s” is set by the contract: give the due "
                             "time."), params={"clock": the_rule.description},
                code="clock_needs_due_time")
        due = compute_due(start=start, amount=int(the_rule.amount), unit=the_rule.unit)
        due_at, provisional, unknown = due.at, due.provisional, due.unknown_years
    else:
        provisional, unknown = False, ()
    deadline = Deadline(
        **_subject_key(subject), subject_repr=str(subject)[:300], clock=clock,
        organization=organization,
        amount=None if the_rule.amount is None else int(the_rule.amount),
        unit=the_rule.unit, basis=the_rule.basis, started_at=start, due_at=due_at,
        provisional=provisional,
    )
    try:
        with transaction.atomic():
            deadline.save()
    except IntegrityError:  # a concurrent opening of the same clock won
        return running_deadline(subject=subject, clock=clock)
    deadline.responsible_users.set(responsible_users)
    Reminder.objects.create(deadline=deadline, kind="opened", at=now)
    deadline.next_action_at = _next_action(deadline, {"opened"})
    deadline.save(update_fields=["next_action_at"])
    audit_record(action="deadline.open", actor=actor, organization=organization, obj=deadline,
                 detail={"clock": clock, "due_at": due_at.isoformat(), "basis": deadline.basis,
                         "provisional": provisional}, now=now)
    audiences = Audiences()
    notify_many(_notices(deadline, "opened", now, audiences,
                         audiences.responsible([deadline])), now=now)
    if unknown:
        alert_calendar_missing(unknown, now=now)
    return deadline


@records_refusals()
@transaction.atomic
def deadline_meet(*, subject, clock: str, at: dt.datetime | None = None, actor=None,
                  now: dt.datetime | None = None) -> Deadline | None:
    """The duty is done: close the clock (late if after ``due_at``). No clock, no-op.

    Sends ``signals.deadline_met`` after the commit.
    """
    now = now or timezone.now()
    deadline = (Deadline.objects.select_for_update()
                .filter(**_subject_key(subject), clock=clock, status__in=[S.OPEN, S.OVERDUE])
                .first())
    if deadline is None:
        return None
    deadline.met_at = at or now
    deadline.next_action_at = None
    deadline.paused_at = None
    _step(deadline, S.MET, now=now, actor=actor,
          detail={"met_at": deadline.met_at.isoformat(),
                  "on_time": deadline.met_at <= deadline.due_at},
          update_fields=["met_at", "next_action_at", "paused_at"])
    send_on_commit(signals.deadline_met, sender=Deadline, deadline=deadline)
    return deadline


# Who may excuse a statutory clock: the supervisor's administrators and leaders.
WAIVER_ROLES = (Membership.Role.ADMIN, Membership.Role.LEADER)


def can_waive(user, organization) -> bool:
    """The finance bureau's administrators and leaders (and a superuser) may waive."""
    if user.is_superuser:
        return True
    return is_supervisor(organization) and has_role(user, organization, *WAIVER_ROLES)


@records_refusals()
@transaction.atomic
def deadline_waive(*, deadline: Deadline, actor, organization, reason: str,
                   now: dt.datetime | None = None) -> Deadline:
    """Excuse a clock (e.g. the procurement was lawfully cancelled). Finance bureau only."""
    now = now or timezone.now()
    if not can_waive(actor, organization):
        raise PermissionDenied(gettext_lazy(
            "Only the finance bureau's administrators or leaders may waive a statutory clock."))
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise DomainError(gettext_lazy("Give the reason for waiving the clock."),
                          code="reason_required", field="reason")
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    deadline.waived_by = actor
    deadline.waive_reason = reason
    deadline.next_action_at = None
    _step(deadline, S.WAIVED, now=now, actor=actor, reason=reason, detail={"reason": reason},
          update_fields=["waived_by", "waive_reason", "next_action_at"])
    return deadline


@records_refusals()
@transaction.atomic
def deadline_end(*, subject, clock: str, reason: str, actor=None,
                 now: dt.datetime | None = None) -> Deadline | None:
    """The duty itself is gone by law — an award revoked before both parties signed
    (94号令 第16条, verify): the running clock is waived with the reason. No clock, no-op.

    The calling service has checked who may act (unlike ``deadline_waive``, which is the
    finance bureau's excuse of a duty that remains)."""
    now = now or timezone.now()
    deadline = (Deadline.objects.select_for_update()
                .filter(**_subject_key(subject), clock=clock, status__in=[S.OPEN, S.OVERDUE])
                .first())
    if deadline is None:
        return None
    deadline.waived_by = actor
    deadline.waive_reason = reason
    deadline.next_action_at = None
    deadline.paused_at = None
    _step(deadline, S.WAIVED, now=now, actor=actor, reason=reason,
          detail={"reason": reason, "ended": True},
          update_fields=["waived_by", "waive_reason", "next_action_at", "paused_at"])
    return deadline


@records_refusals()
@transaction.atomic
def deadline_pause(*, subject, clock: str, reason: str, at: dt.datetime | None = None,
                   actor=None) -> Deadline | None:
    """Stop the clock (a challenge suspends signing; testing time in a complaint)."""
    at = at or timezone.now()
    deadline = (Deadline.objects.select_for_update()
                .filter(**_subject_key(subject), clock=clock, status=S.OPEN).first())
    if deadline is None or deadline.paused_at:
        return deadline
    deadline.paused_at = at
    deadline.pause_reason = reason[:300]
    deadline.next_action_at = None
    deadline.save(update_fields=["paused_at", "pause_reason", "next_action_at"])
    audit_record(action="deadline.paused", actor=actor, organization=deadline.organization,
                 obj=deadline, detail={"clock": clock, "reason": reason}, now=at)
    return deadline


def _extend(deadline: Deadline, paused_from: dt.datetime, paused_to: dt.datetime):
    """The paused time is not counted: push the due time out by exactly that much."""
    if deadline.unit == Unit.HOURS:
        return deadline.due_at + (paused_to - paused_from)
    due_day = local_date(deadline.due_at)
    if deadline.unit == Unit.WORKDAYS:
        lost = workdays_between(local_date(paused_from), local_date(paused_to))
        return end_of(add_workdays(due_day, lost)) if lost else deadline.due_at
    lost = (local_date(paused_to) - local_date(paused_from)).days
    return end_of(add_days(due_day, lost)) if lost else deadline.due_at


@records_refusals()
@transaction.atomic
def deadline_resume(*, subject, clock: str, at: dt.datetime | None = None,
                    actor=None) -> Deadline | None:
    at = at or timezone.now()
    deadline = (Deadline.objects.select_for_update()
                .filter(**_subject_key(subject), clock=clock, status=S.OPEN,
                        paused_at__isnull=False).first())
    if deadline is None:
        return None
    old_due = deadline.due_at
    deadline.due_at = _extend(deadline, deadline.paused_at, at)
    deadline.paused_at = None
    done = set(deadline.reminders.values_list("kind", flat=True))
    deadline.next_action_at = _next_action(deadline, done)
    deadline.save(update_fields=["due_at", "paused_at", "next_action_at"])
    audit_record(action="deadline.resumed", actor=actor, organization=deadline.organization,
                 obj=deadline, detail={"clock": clock, "old_due_at": old_due.isoformat(),
                                       "due_at": deadline.due_at.isoformat()}, now=at)
    return deadline


def _recomputed_reason(year) -> str:
    with translation.override("zh-hans"):
        return _("Recomputed after the %(year)s working-day calendar was loaded.") % {
            "year": year or "—"}


def deadlines_recompute_provisional(*, year: int | None = None, now=None) -> int:
    """After a year's calendar is loaded, recompute every running provisional clock."""
    now = now or timezone.now()
    changed = 0
    ids = list(Deadline.objects.filter(provisional=True, status__in=[S.OPEN, S.OVERDUE])
               .values_list("id", flat=True))
    for pk in ids:
        with transaction.atomic():
            deadline = Deadline.objects.select_for_update().get(pk=pk)
            if deadline.amount is None:
                continue
            due = compute_due(start=deadline.started_at, amount=deadline.amount,
                              unit=deadline.unit)
            old_due = deadline.due_at
            deadline.due_at, deadline.provisional = due.at, due.provisional
            done = set(deadline.reminders.values_list("kind", flat=True))
            if deadline.status == S.OVERDUE and due.at > now:
                # Holidays moved the date out: it was never really late.
                _step(deadline, S.OPEN, now=now, reason=_recomputed_reason(year),
                      detail={"reason": "recomputed"}, save=False)
                deadline.escalated_at = None
                done.discard("overdue")
                deadline.reminders.filter(kind="overdue").delete()
            deadline.next_action_at = _next_action(deadline, done)
            deadline.save(update_fields=["due_at", "provisional", "next_action_at", "status",
                                         "escalated_at"])
            audit_record(action="deadline.recomputed", organization=deadline.organization,
                         obj=deadline, detail={"year": year, "old_due_at": old_due.isoformat(),
                                               "due_at": due.at.isoformat(),
                                               "provisional": due.provisional}, now=now)
            changed += 1
    return changed


# --- the sweep -----------------------------------------------------------------

@dataclass
class SweepResult:
    examined: int = 0
    reminders: int = 0
    overdue: int = 0
    escalations: int = 0
    skipped: int = 0
    batches: int = 0
    messages: int = 0
    digests: int = 0
    kinds: dict = field(default_factory=dict)
    # Clocks whose handling failed: logged, postponed by SWEEP_RETRY_AFTER, left for later.
    failed: list = field(default_factory=list)

    def add(self, part: "SweepResult") -> None:
        """Count a batch's (or one clock's) share, once its savepoint has been released."""
        for name in ("reminders", "overdue", "escalations", "skipped", "messages"):
            setattr(self, name, getattr(self, name) + getattr(part, name))
        for kind, n in part.kinds.items():
            self.kinds[kind] = self.kinds.get(kind, 0) + n


@dataclass
class _Plan:
    """What one clock needs from this sweep, worked out in Python before anything is
    written: the reminders to record, the one to send, whether it goes overdue now."""

    deadline: Deadline
    status_before: str
    reminders: list = field(default_factory=list)
    kind: str | None = None
    overdue: bool = False


def _plan(deadline: Deadline, done: set[str], now: dt.datetime) -> _Plan:
    plan = _Plan(deadline, deadline.status)
    schedule = reminder_schedule(started_at=deadline.started_at, due_at=deadline.due_at)
    due = [(kind, at) for kind, at in schedule if kind not in done and at <= now]
    if due:
        *stale, (kind, _at) = due
        # Several reminders due at once (the sweep was down, or the clock is short):
        # send only the latest; "1 day left" is wrong with 1 hour left.
        for stale_kind, _ in stale:
            plan.reminders.append({"deadline_id": deadline.pk, "kind": stale_kind, "at": now,
                                   "skipped": True})
        plan.reminders.append({"deadline_id": deadline.pk, "kind": kind, "at": now,
                               "digest_pending": fanout.has_digest(kind)})
        done.update(k for k, _ in due)
        plan.kind = kind
        if kind == "overdue":
            plan.overdue = deadline.status == S.OPEN
            deadline.escalated_at = now
    deadline.next_action_at = None if plan.kind == "overdue" else _next_action(deadline, done)
    return plan


def _apply(plans: list[_Plan], now: dt.datetime, audiences: Audiences) -> SweepResult:
    """Write the plans of a batch: a handful of statements whatever its size.

    Reminders, status changes, the clocks' new state, their audit events and the
    messages each go in one bulk statement; ``deadline_overdue`` is sent after the
    commit. Called inside a savepoint: when anything fails, nothing of it stays.
    """
    part = SweepResult()
    for plan in plans:  # a retry after a failed attempt starts from the row as read
        plan.deadline.status = plan.status_before
    insert_rows(Reminder, [r for p in plans for r in p.reminders])
    overdue = [p.deadline for p in plans if p.overdue]
    transition_many(overdue, S.OVERDUE, table=steps.DEADLINE, now=now)
    bulk_set([p.deadline for p in plans], ["status", "next_action_at", "escalated_at"])
    audit_record_many([
        {"action": "deadline.overdue", "organization": d.organization, "obj": d, "now": now,
         "detail": {"clock": d.clock, "from": S.OPEN, "to": S.OVERDUE,
                    "due_at": d.due_at.isoformat()}}
        for d in overdue])
    sending = [p for p in plans if p.kind]
    responsible = audiences.responsible([p.deadline for p in sending])
    notices = []
    for plan in sending:
        notices += _notices(plan.deadline, plan.kind, now, audiences, responsible)
        part.kinds[plan.kind] = part.kinds.get(plan.kind, 0) + 1
        if plan.kind == "overdue":
            part.escalations += 1
        else:
            part.reminders += 1
    part.messages = notify_many(notices, now=now)
    part.skipped = sum(r.get("skipped", False) for p in plans for r in p.reminders)
    part.overdue = len(overdue)
    for deadline in overdue:
        send_on_commit(signals.deadline_overdue, sender=Deadline, deadline=deadline)
    return part


def _postpone(deadline: Deadline, now: dt.datetime, result: SweepResult) -> None:
    """Look at a clock that failed again later (one small UPDATE, outside its savepoint),
    so neither this sweep nor the next minute's retries it in a tight loop."""
    later = now + SWEEP_RETRY_AFTER
    Deadline.objects.filter(pk=deadline.pk).update(next_action_at=later)
    logger.exception("Deadline sweep: clock #%s (%s) failed; postponed to %s",
                     deadline.pk, deadline.clock, later.isoformat())
    result.failed.append(deadline.pk)


def claim_queryset(now: dt.datetime):
    """The next due clocks, in one statement over the partial index on next_action_at.

    ``FOR UPDATE SKIP LOCKED`` (PostgreSQL) gives each of several sweepers its own rows,
    held until its batch commits; SQLite serialises writers instead. ``make bench``
    prints this query's plan.
    """
    qs = (Deadline.objects.filter(next_action_at__lte=now).select_related("organization")
          .order_by("next_action_at"))
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return qs


def _claim(now: dt.datetime, batch_size: int) -> list[Deadline]:
    return list(claim_queryset(now)[:batch_size])


def _sweep_batch(batch: list[Deadline], now: dt.datetime, audiences: Audiences,
                 result: SweepResult) -> None:
    done = defaultdict(set)
    for deadline_id, kind in Reminder.objects.filter(
            deadline_id__in=[d.pk for d in batch]).values_list("deadline_id", "kind"):
        done[deadline_id].add(kind)
    plans = []
    for deadline in batch:
        try:
            plans.append(_plan(deadline, done[deadline.pk], now))
        except Exception:
            _postpone(deadline, now, result)
    try:
        with transaction.atomic():
            result.add(_apply(plans, now, audiences))
        return
    except Exception:
        logger.warning("Deadline sweep: a batch of %d clocks failed as a whole; handling "
                       "them one at a time", len(plans), exc_info=True)
    for plan in plans:
        try:
            with transaction.atomic():
                result.add(_apply([plan], now, audiences))
        except Exception:
            _postpone(plan.deadline, now, result)


def deadlines_sweep(*, now: dt.datetime | None = None, batch_size: int = 500,
                    max_batches: int | None = None) -> SweepResult:
    """Send due reminders, mark overdue clocks and escalate them, a batch at a time.

    Set-based: each batch is claimed in one statement (``_claim``), worked out in
    Python (``_plan``) and written in a handful of bulk statements (``_apply``) — its
    reminders, status changes, audit events and messages — so the queries per clock
    fall with the batch's size. Each batch commits on its own.

    Exactly once, with several sweepers and with a worker killed mid-batch: a batch's
    rows stay locked until its transaction commits, and everything it writes commits
    with it or not at all; reminders are unique per (clock, kind) and messages per
    (event, person, channel). A killed worker's batch rolls back and is taken by the
    next sweep.

    A bad row cannot stop the sweep (healthchecks' ``sendalerts``): a clock whose plan
    cannot be worked out is postponed by ``SWEEP_RETRY_AFTER`` and logged; a batch whose
    writes fail is retried one clock at a time, each in its own savepoint, and the
    clock that fails again is postponed. Then the supervisors' digests go out
    (``deadlines_digest``).
    """
    now = now or timezone.now()
    result = SweepResult()
    audiences = Audiences()
    while max_batches is None or result.batches < max_batches:
        with transaction.atomic():
            batch = _claim(now, batch_size)
            if not batch:
                break
            _sweep_batch(batch, now, audiences, result)
            result.examined += len(batch)
            result.batches += 1
    result.digests = deadlines_digest(now=now, audiences=audiences)
    result.messages += result.digests
    return result


# --- the supervisors' digest ----------------------------------------------------------

# A digest lists this many clocks; the rest are counted and one link shows them all.
DIGEST_LISTED = 30


def _digest_line(reminder: Reminder) -> str:
    d = reminder.deadline
    return _("%(subject)s · %(clock)s · due %(due)s · %(org)s") % {
        "subject": d.subject_repr, "clock": clock_label(d.clock), "due": _fmt(d.due_at),
        "org": d.organization.name}


@dataclass(frozen=True)
class _Pending:
    """A reminder awaiting its digest, as claimed: enough to route and sort it."""

    pk: int
    deadline_id: int
    organization_id: int
    due_at: dt.datetime


def _digest_notices(person, channels, rows: list[_Pending], details: dict,
                    key: str) -> list[Notice]:
    """One person's digest: the list in the inbox and by e-mail, a count by SMS.
    ``details`` holds the listed reminders, read in full."""
    rows = sorted(rows, key=lambda r: (r.due_at, r.pk))
    link = reverse("deadlines:deadline-list") + "?status=overdue"
    with translation.override("zh-hans"):
        n = len(rows)
        subject = _("Supervision digest: %(n)d statutory deadline(s) overdue") % {"n": n}
        lines = [f"{i}. {_digest_line(details[r.pk])}"
                 for i, r in enumerate(rows[:DIGEST_LISTED], 1)]
        if n > DIGEST_LISTED:
            lines.append(_("… and %(n)d more: see the overdue list.") % {"n": n - DIGEST_LISTED})
        body = "\n".join([_("[Chunfeng] Supervision digest — these statutory deadlines went "
                            "overdue since the last digest:"), *lines])
        sms = _("[Chunfeng] Supervision digest — %(n)d statutory deadline(s) went overdue; "
                "the list is in your platform inbox.") % {"n": n}
    long_channels = [c for c in channels if c != fanout.SMS]
    notices = [Notice(event_key=key, recipients=[person], category=fanout.CATEGORY["digest"],
                      subject=subject, body=body, link=link, channels=long_channels)]
    if fanout.SMS in channels:
        notices.append(Notice(event_key=key, recipients=[person],
                              category=fanout.CATEGORY["digest"], subject=subject, body=sms,
                              link=link, channels=[fanout.SMS]))
    return notices


def deadlines_digest(*, now: dt.datetime | None = None, audiences: Audiences | None = None,
                     batch_size: int = 20_000) -> int:
    """Send the digests of ``fanout``: one message per person and channel, listing the
    clocks gone overdue since the last digest that are theirs to supervise.

    The reminders awaiting a digest are claimed with ``SKIP LOCKED`` and marked in the
    same transaction that queues the messages, so each clock is in exactly one digest
    even with several workers, and a worker killed half-way leaves them for the next
    sweep. Up to ``batch_size`` clocks make one digest (a sweep with more sends one per
    ``batch_size``). Returns the number of messages queued.
    """
    now = now or timezone.now()
    audiences = audiences or Audiences()
    queued = 0
    while True:
        with transaction.atomic():
            qs = Reminder.objects.filter(digest_pending=True).order_by("pk")
            if connection.features.has_select_for_update_skip_locked:
                qs = qs.select_for_update(skip_locked=True, of=("self",))
            # Tuples, not models: a digest may cover thousands of clocks, and it lists
            # only the first few of each person's in full (read below).
            rows = [_Pending(*values) for values in qs.values_list(
                "pk", "deadline_id", "deadline__organization_id", "deadline__due_at")
                [:batch_size]]
            if not rows:
                return queued
            routes = fanout.routes("overdue", digest=True)
            audiences.leaders({r.organization_id for r in rows})
            stand_ins = {r.pk: Deadline(pk=r.deadline_id, organization_id=r.organization_id)
                         for r in rows}
            responsible = (audiences.responsible(list(stand_ins.values()))
                           if any(r.audience == fanout.RESPONSIBLE for r in routes) else {})
            # person → (person, channels, their clocks); one digest each, whatever the routes.
            people: dict[int, tuple] = {}
            for route in routes:
                for row in rows:
                    for person in audiences.of(route.audience, stand_ins[row.pk], responsible):
                        _p, channels, clocks = people.setdefault(person.pk, (person, set(), {}))
                        channels.update(route.channels)
                        clocks[row.pk] = row
            listed = {r.pk for _p, _c, clocks in people.values()
                      for r in sorted(clocks.values(), key=lambda r: (r.due_at, r.pk))
                      [:DIGEST_LISTED]}
            details = Reminder.objects.select_related("deadline__organization").in_bulk(listed)
            key = f"deadline-digest:{rows[0].pk}-{rows[-1].pk}"
            notices = [notice for person, channels, clocks in people.values()
                       for notice in _digest_notices(person, channels, list(clocks.values()),
                                                     details, key)]
            queued += notify_many(notices, now=now)
            Reminder.objects.filter(pk__in=[r.pk for r in rows]).update(
                digest_pending=False, digested_at=now)
