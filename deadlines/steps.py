"""The allowed steps of a statutory clock's status (``core.transitions``).

``services`` takes every step through ``core.transitions.transition(deadline, to,
table=steps.DEADLINE, ...)``, which refuses any other move and leaves a
``core.models.StatusChange`` row; the deadline page draws its waive button and
the API fills its ``actions`` field from the same table.

Which service takes which step:

- meet: ``deadline_meet`` — the duty is done, on time or late (``met_at`` says which);
- lapse: ``deadlines_sweep`` — the due time passed with the duty undone;
- waive: ``deadline_waive`` — the finance bureau excuses the clock (the procurement was
  lawfully cancelled, say);
- reopen: ``deadlines_recompute_provisional`` — a provisional clock marked overdue is
  recomputed once the year's holidays are loaded, and its true due time is still ahead:
  it was never really late.

Only ``waive`` is a person's step; the others the platform takes by itself
(``AUTOMATIC``), so no page draws a button for them.
"""

from django.utils.translation import gettext_lazy as _

from core.transitions import StateTable, Step

from .models import Deadline

S = Deadline.Status

DEADLINE = StateTable("deadlines.Deadline", [
    Step("meet", (S.OPEN, S.OVERDUE), S.MET, _("Mark the duty done")),
    Step("lapse", S.OPEN, S.OVERDUE, _("Mark overdue")),
    Step("waive", (S.OPEN, S.OVERDUE), S.WAIVED, _("Waive the clock")),
    Step("reopen", S.OVERDUE, S.OPEN, _("Reopen after recomputation")),
])

# Steps the platform takes by itself: no person presses a button for them.
AUTOMATIC = frozenset({"meet", "lapse", "reopen"})


def manual_actions(deadline: Deadline) -> list[str]:
    """The steps a person may ask for now (``DEADLINE.actions`` less the platform's own).

    Who may take them is the service's question (``services.can_waive``).
    """
    return [name for name in DEADLINE.actions(deadline) if name not in AUTOMATIC]
