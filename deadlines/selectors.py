"""Reads over deadlines: "my deadlines", supervision lists, the timeliness ranking."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.permissions import is_supervisor
from core.validators import parse_id
from workdays.services import workdays_between

from .clock import local_date
from .models import Deadline

S = Deadline.Status


def deadlines_visible_to(*, user, organization):
    """Finance-bureau staff see every clock; others their organisation's, and the clocks
    that name them among the people responsible — the winner's staff on the signing clock
    the purchaser's organisation carries, say."""
    qs = Deadline.objects.select_related("organization")
    if organization is None:
        return qs.none()
    if is_supervisor(organization):
        return qs
    named = Deadline.responsible_users.through.objects.filter(user_id=user.pk)
    return qs.filter(Q(organization=organization) | Q(pk__in=named.values("deadline_id")))


def deadline_filter(qs, *, status="", clock="", organization_id=None, provisional=None):
    if status == "running":
        qs = qs.filter(status__in=[S.OPEN, S.OVERDUE])
    elif status:
        qs = qs.filter(status=status)
    if clock:
        qs = qs.filter(clock=clock)
    if organization_id:
        # From a URL's query: an id out of range names no organisation (and SQLite
        # cannot bind it at all).
        organization_id = parse_id(organization_id)
        qs = qs.filter(organization_id=organization_id) if organization_id else qs.none()
    if provisional is not None:
        qs = qs.filter(provisional=provisional)
    return qs


@dataclass
class Countdown:
    workdays: int      # working days left (negative: overdue by)
    overdue: bool
    due_today: bool

    @property
    def overdue_by(self) -> int:
        return max(0, -self.workdays)


def countdown(deadline: Deadline, now: dt.datetime | None = None) -> Countdown:
    now = now or timezone.now()
    today, due_day = local_date(now), local_date(deadline.due_at)
    overdue = deadline.status == S.OVERDUE or (deadline.is_running and now > deadline.due_at)
    return Countdown(workdays_between(today, due_day), overdue, today == due_day)


@dataclass
class RankingRow:
    organization_id: int
    name: str
    kind: str
    total: int
    on_time: int
    late: int
    running_overdue: int
    share: float | None
    mean_lateness_hours: float | None


def timeliness_ranking(*, since=None, until=None, clock: str = "", now=None) -> list[RankingRow]:
    """指标完成情况排名: per organisation, the share of statutory duties done on time.

    A duty counts once its due time has passed or it was met; waived clocks
    do not count. Lateness is met_at − due_at, or now − due_at while undone.
    """
    now = now or timezone.now()
    qs = Deadline.objects.exclude(status=S.WAIVED).filter(
        Q(status=S.MET) | Q(due_at__lt=now))
    if since:
        qs = qs.filter(due_at__gte=since)
    if until:
        qs = qs.filter(due_at__lt=until)
    if clock:
        qs = qs.filter(clock=clock)
    on_time = Q(status=S.MET, met_at__lte=F("due_at"))
    late = ~on_time
    lateness = ExpressionWrapper(Coalesce(F("met_at"), Value(now)) - F("due_at"),
                                 output_field=DurationField())
    rows = (qs.values("organization_id", "organization__name", "organization__kind")
            .annotate(total=Count("id"), on_time=Count("id", filter=on_time),
                      late=Count("id", filter=late),
                      running_overdue=Count("id", filter=Q(status__in=[S.OPEN, S.OVERDUE])),
                      mean_lateness=Avg(lateness, filter=late)))
    result = []
    for row in rows:
        mean = row["mean_lateness"]
        result.append(RankingRow(
            organization_id=row["organization_id"], name=row["organization__name"],
            kind=row["organization__kind"], total=row["total"], on_time=row["on_time"],
            late=row["late"], running_overdue=row["running_overdue"],
            share=row["on_time"] / row["total"] if row["total"] else None,
            mean_lateness_hours=round(mean.total_seconds() / 3600, 1) if mean else None,
        ))
    result.sort(key=lambda r: (-(r.share or 0), r.mean_lateness_hours or 0, r.name))
    return result
