"""Opening at the deadline, without a page view (87号令 第39条: opening at the time the
documents set).

``open_project_at_deadline`` runs with the bid deadline as its ETA, so the lots open
at the second the documents set. It is sent only when the deadline is near
(``OPENING_HORIZON``): a broker should not hold a task for the weeks a tender runs —
Redis redelivers a task not acknowledged within its visibility timeout (an hour by
default) to another worker, again and again. So announcing a tender, or moving its
deadline, sends it at once only for a deadline already near
(``services.projects._schedule_opening``), and the minute beat ``open_due_lots`` sends
it for each deadline as it comes within the horizon — once per project and deadline,
by a cache key — and opens any lot whose task was lost (a broker restart, a worker
down at the time). Both go through the same service, which opens a
lot once: a second run, or a task scheduled for a deadline since moved later, finds
nothing due and does nothing.
"""

import datetime as dt

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from .models import Project
from .services import final_quotes_open_due, lots_open_due, project_open_due

# Well under a Redis broker's visibility timeout (an hour by default).
OPENING_HORIZON = dt.timedelta(minutes=10)


@shared_task(ignore_result=True)
def open_project_at_deadline(project_id: int) -> int:
    """Open the project's lots due now (scheduled with ``eta=bid_deadline``)."""
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return 0
    return project_open_due(project=project)


def schedule_opening(project_id: int, deadline, *, now=None) -> bool:
    """Send ``open_project_at_deadline`` with its ETA if the deadline is within the
    horizon and it was not sent for this deadline already. True when sent."""
    now = now or timezone.now()
    if deadline - now > OPENING_HORIZON:
        return False  # the beat sends it when the deadline comes near
    key = f"procurement:opening-scheduled:{project_id}:{deadline.isoformat()}"
    if not cache.add(key, True, timeout=int(OPENING_HORIZON.total_seconds()) * 2):
        return False
    open_project_at_deadline.apply_async(args=[project_id], eta=max(deadline, now))
    return True


@shared_task(ignore_result=True)
def open_due_lots() -> int:
    """Each minute: send the opening task of each deadline coming within the horizon,
    and open every lot past its deadline and still bidding (the backstop), and every
    call for final quotations past its deadline."""
    now = timezone.now()
    near = Project.objects.filter(status=Project.Status.ANNOUNCED, bid_deadline__gt=now,
                                  bid_deadline__lte=now + OPENING_HORIZON)
    for pk, deadline in near.values_list("pk", "bid_deadline"):
        schedule_opening(pk, deadline, now=now)
    # Final quotations of a negotiation or consultation open at their deadline too.
    final_quotes_open_due(now=now)
    return lots_open_due()


@shared_task(ignore_result=True)
def recompute_provisional_notices(year: int) -> int:
    """After ``year``'s calendar is loaded (``receivers.notices_on_calendar_loaded``)."""
    from .services.notices import notices_recompute_provisional

    return notices_recompute_provisional(year=year)
