"""Notices whose periods were computed without the year's calendar, recomputed once it is
loaded.

The tender announcement's period, the result announcement's period and the closing date
for a 质疑 are working-day periods (``announcements.period``). Computed in a year whose
holidays are not loaded they are Monday–Friday guesses, marked 暂定 on the notice. When
an administrator loads that year (``workdays.signals.calendar_year_loaded``),
``receivers.notices_on_calendar_loaded`` queues ``tasks.recompute_provisional_notices``,
which runs this service: the stored fields are recomputed and the text re-rendered from
them, with a dated note saying so, and each change is on the audit trail.

Why stored and recomputed, rather than computed afresh each time the page is shown: the
notice is a published record (the portal, feeds and exports read ``fields``), so what it
says must be a row that changes at a known, audited moment — not a rendering that moves
silently with the calendar table.
"""

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record

from ..announcements import BODY_OF, body_of, recompute_periods
from ..models import Announcement

PERIODS = ("announcement_period", "result_period", "challenge")


def notices_recompute_provisional(*, year: int | None = None, now=None) -> int:
    """Recompute every notice whose periods are provisional; how many changed.

    Safe to run twice: a notice no longer provisional is not selected, and one whose
    dates did not move is left as it was (only its provisional mark goes)."""
    now = now or timezone.now()
    changed = 0
    ids = list(Announcement.objects.filter(fields__provisional=True,
                                           kind__in=list(BODY_OF))
               .values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            notice = Announcement.objects.select_for_update().get(pk=pk)
            if not notice.fields.get("provisional"):
                continue
            fields = recompute_periods(notice.kind, notice.fields)
            before = {k: (notice.fields.get(k) or {}).get("end") for k in PERIODS}
            after = {k: (fields.get(k) or {}).get("end") for k in PERIODS}
            if fields == notice.fields:
                continue  # still provisional: the year loaded was another one
            if before != after:
                fields["recomputed"] = [*(fields.get("recomputed") or []),
                                        {"at": now.isoformat(), "year": year}]
            notice.fields = fields
            notice.body = body_of(notice.kind, fields)
            notice.save(update_fields=["fields", "body"])
            audit_record(action="announcement.recompute", organization=notice.project.purchaser,
                         obj=notice.project,
                         detail={"announcement": notice.pk, "kind": notice.kind, "year": year,
                                 "before": before, "after": after,
                                 "provisional": fields["provisional"]}, now=now)
            changed += 1
    return changed
