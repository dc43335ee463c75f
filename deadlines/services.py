"""The clocks' one write path: open, meet, waive, pause, resume, sweep.

Lifecycle services call ``deadline_open`` when the law starts a clock and
``deadline_meet`` when the duty is done; the Celery beat calls
``deadlines_sweep`` every minute to send reminders, mark overdue clocks and
escalate them to the finance bureau.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field, replace

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership, Organization
from accounts.permissions import has_role, is_supervisor
from audit.services import audit_record
from core.events import send_on_commit
from core.exceptions import DomainError, PermissionDenied
from core.refusals import records_refusals
from core.transitions import transition
from notifications.services import notify
from rules.registry import Unit, UnknownRule, rule
from workdays.services import add_days, add_workdays, workdays_between

from . import signals, steps
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

def responsible_people(deadline: Deadline):
    users = list(deadline.responsible_users.filter(is_active=True))
    if users:
        return users
    return [m.user for m in Membership.objects.filter(
        organization_id=deadline.organization_id, is_active=True,
        role__in=[Membership.Role.OFFICER, Membership.Role.ADMIN]).select_related("user")]


def escalation_people(deadline: Deadline):
    """The finance bureau's staff and the responsible organisation's leaders."""
    memberships = Membership.objects.filter(is_active=True).filter(
        organization__kind=Organization.Kind.FINANCE
    ) | Membership.objects.filter(is_active=True, organization_id=deadline.organization_id,
                                  role=Membership.Role.LEADER)
    return list({m.user_id: m.user for m in memberships.select_related("user")}.values())


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
        elif kind == "escalation":
            subject = _("Escalation: %(org)s missed %(clock)s") % params
            body = _("[Chunfeng] Supervision alert — %(org)s did not complete “%(clock)s” "
                     "for %(subject)s by %(due)s. Basis: %(basis)s.") % params
        else:
            subject = _("Reminder: %(clock)s, %(left)s") % params
            body = _("[Chunfeng] Reminder — %(subject)s: %(clock)s is due by %(due)s "
                     "(%(left)s). Basis: %(basis)s.") % params
        if deadline.provisional:
            body += _(" (Provisional date: the year's holiday calendar is not loaded yet.)")
    return subject, body


def _send(deadline: Deadline, kind: str, recipients, now, category: str) -> int:
    subject, body = _message(deadline, kind, now)
    return notify(event_key=f"deadline:{deadline.pk}:{kind}", recipients=recipients,
                  category=category, subject=subject, body=body,
                  link=reverse("deadlines:deadline-detail", args=[deadline.pk]), now=now)


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
    _send(deadline, "opened", responsible_people(deadline), now, "deadline.opened")
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
    kinds: dict = field(default_factory=dict)
    # Clocks whose handling failed: logged, postponed by SWEEP_RETRY_AFTER, left for later.
    failed: list = field(default_factory=list)

    def add(self, part: "SweepResult") -> None:
        """Count one clock's share, once its savepoint has been released."""
        for name in ("reminders", "overdue", "escalations", "skipped", "messages"):
            setattr(self, name, getattr(self, name) + getattr(part, name))
        for kind, n in part.kinds.items():
            self.kinds[kind] = self.kinds.get(kind, 0) + n


def _process(deadline: Deadline, now: dt.datetime, cache: dict) -> SweepResult:
    """Send what is due for one clock; mark it overdue at its due time. Returns its counts."""
    part = SweepResult()
    done = {r.kind for r in deadline.reminders.all()}
    schedule = reminder_schedule(started_at=deadline.started_at, due_at=deadline.due_at)
    due = [(kind, at) for kind, at in schedule if kind not in done and at <= now]
    if due:
        *stale, (kind, _at) = due
        # Several reminders due at once (the sweep was down, or the clock is
        # short): send only the latest; "1 day left" is wrong with 1 hour left.
        for stale_kind, _ in stale:
            Reminder.objects.create(deadline=deadline, kind=stale_kind, at=now, skipped=True)
            done.add(stale_kind)
            part.skipped += 1
        try:
            with transaction.atomic():
                Reminder.objects.create(deadline=deadline, kind=kind, at=now)
        except IntegrityError:  # another sweep already handled this reminder
            done.add(kind)
        else:
            done.add(kind)
            part.kinds[kind] = part.kinds.get(kind, 0) + 1
            people = cache.setdefault(("resp", deadline.pk), responsible_people(deadline))
            if kind == "overdue":
                if deadline.status == S.OPEN:
                    _step(deadline, S.OVERDUE, now=now, save=False)
                    part.overdue += 1
                    send_on_commit(signals.deadline_overdue, sender=Deadline, deadline=deadline)
                part.messages += _send(deadline, "overdue", people, now, "deadline.overdue")
                key = ("esc", deadline.organization_id)
                if key not in cache:
                    cache[key] = escalation_people(deadline)
                part.messages += _send(deadline, "escalation", cache[key], now,
                                       "deadline.escalation")
                deadline.escalated_at = now
                part.escalations += 1
            else:
                part.messages += _send(deadline, kind, people, now, "deadline.reminder")
                part.reminders += 1
    deadline.next_action_at = _next_action(deadline, done)
    deadline.save(update_fields=["status", "next_action_at", "escalated_at"])
    return part


def _postpone(deadline: Deadline, now: dt.datetime) -> dt.datetime:
    """Look at a clock that failed again later: one small UPDATE, outside its savepoint."""
    later = now + SWEEP_RETRY_AFTER
    Deadline.objects.filter(pk=deadline.pk).update(next_action_at=later)
    return later


def deadlines_sweep(*, now: dt.datetime | None = None, batch_size: int = 500,
                    max_batches: int | None = None) -> SweepResult:
    """Send due reminders, mark overdue clocks and escalate them, in bounded batches.

    Safe to run twice and in several workers at once: each batch takes its
    rows with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite serialises
    writers), and a reminder is recorded under a unique (deadline, kind) key
    before it is sent.

    A bad row cannot stop the sweep (healthchecks' ``sendalerts``): each clock is
    handled in its own savepoint; when it fails, its changes roll back, the error is
    logged with the clock's id, its ``next_action_at`` moves ``SWEEP_RETRY_AFTER``
    later (so neither this sweep nor the next minute's retries it in a tight loop),
    and the others go on. A clock marked overdue sends ``signals.deadline_overdue``
    after the commit.
    """
    now = now or timezone.now()
    result = SweepResult()
    cache: dict = {}
    while max_batches is None or result.batches < max_batches:
        with transaction.atomic():
            qs = (Deadline.objects.filter(next_action_at__lte=now)
                  .select_related("organization").prefetch_related("reminders")
                  .order_by("next_action_at"))
            if connection.features.has_select_for_update_skip_locked:
                qs = qs.select_for_update(skip_locked=True, of=("self",))
            batch = list(qs[:batch_size])
            if not batch:
                break
            for deadline in batch:
                try:
                    with transaction.atomic():
                        part = _process(deadline, now, cache)
                except Exception:
                    later = _postpone(deadline, now)
                    logger.exception("Deadline sweep: clock #%s (%s) failed; postponed to %s",
                                     deadline.pk, deadline.clock, later.isoformat())
                    result.failed.append(deadline.pk)
                else:
                    result.add(part)
            result.examined += len(batch)
            result.batches += 1
    return result
