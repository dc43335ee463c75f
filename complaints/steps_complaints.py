"""The allowed status steps of a complaint (投诉).

submitted → (correcting → submitted) → accepted → decided, or rejected (不予受理) /
withdrawn. Pauses of the clocks (corrections, testing, expert review) and the suspension
of procurement (法 第57条) are dated steps beside the status, not in the table.
"""

from django.utils.translation import gettext_lazy as _

from core.transitions import StateTable, Step

from .models import Complaint

S = Complaint.Status

COMPLAINT = StateTable("complaints.Complaint", [
    Step("request_correction", S.SUBMITTED, S.CORRECTING, _("Corrections requested")),
    Step("correct", S.CORRECTING, S.SUBMITTED, _("Corrected by the complainant")),
    Step("accept", S.SUBMITTED, S.ACCEPTED, _("Accepted")),
    Step("reject", (S.SUBMITTED, S.CORRECTING), S.REJECTED, _("Not accepted")),
    Step("decide", S.ACCEPTED, S.DECIDED, _("Decided")),
    Step("withdraw", (S.SUBMITTED, S.CORRECTING, S.ACCEPTED), S.WITHDRAWN, _("Withdrawn")),
])

# Open: the procedure is running (a matter in an open complaint is not complained of
# again, 94号令 第19条).
OPEN = (S.SUBMITTED, S.CORRECTING, S.ACCEPTED)
# Who takes which step: the complainant, or the finance bureau.
COMPLAINANT_STEPS = ("correct", "withdraw")
BUREAU_STEPS = ("request_correction", "accept", "reject", "decide")
# The respondent (the project's purchaser or agency) replies once to an accepted complaint
# (94号令 第22条).
RESPONDENT_STEPS = ("reply",)


def complaint_actions(complaint: Complaint, *, as_bureau: bool, as_complainant: bool,
                      as_respondent: bool = False) -> list[str]:
    """The steps this party may ask for now, plus the dated steps beside the status
    (``pause``, ``resume``, ``suspend_procurement``, ``resume_procurement``, and the
    respondent's ``reply``)."""
    steps = COMPLAINT.actions(complaint)
    allowed = []
    if as_respondent and complaint.status == S.ACCEPTED and complaint.replied_at is None:
        allowed.append("reply")
    if as_complainant:
        allowed += [s for s in steps if s in COMPLAINANT_STEPS]
    if as_bureau:
        allowed += [s for s in steps if s in BUREAU_STEPS
                    and not (s == "request_correction" and complaint.correction_requested_at)]
        if complaint.status == S.ACCEPTED:
            paused = any(p.ended_at is None for p in complaint.pauses.all())
            allowed.append("resume" if paused else "pause")
        if complaint.status in OPEN:
            suspended = (complaint.procurement_suspended_at is not None
                         and complaint.procurement_resumed_at is None)
            allowed.append("resume_procurement" if suspended else "suspend_procurement")
    return allowed
