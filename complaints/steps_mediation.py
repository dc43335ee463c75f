"""The allowed status steps of a mediation (春风行动 第29条), read by the services
(``core.transitions.transition``), the page's buttons and the API's ``actions``.

requested → accepted (the finance bureau accepts and names the mediator) → settled
(both parties confirmed the settlement the mediator recorded) | withdrawn (by the
applicant) | referred (to arbitration, a court or another body); or requested →
declined. The applicant may also withdraw before acceptance. Recording a session, an
opinion or the settlement's terms, and each party's confirmation, are dated steps
beside the status: they change no status, so they are not in the table.
"""

from django.utils.translation import gettext_lazy as _

from core.transitions import StateTable, Step

from .models import Mediation

M = Mediation.Status

MEDIATION = StateTable("complaints.Mediation", [
    Step("accept", M.REQUESTED, M.ACCEPTED, _("Accepted for mediation")),
    Step("decline", M.REQUESTED, M.DECLINED, _("Mediation declined")),
    # Taken by the second party's confirmation of the recorded settlement.
    Step("settle", M.ACCEPTED, M.SETTLED, _("Settled")),
    Step("withdraw", (M.REQUESTED, M.ACCEPTED), M.WITHDRAWN, _("Withdrawn by the applicant")),
    Step("refer", M.ACCEPTED, M.REFERRED, _("Referred elsewhere")),
])

# Taken by the platform when both parties have confirmed: nobody asks for it as such.
AUTOMATIC = ("settle",)
OPEN = (M.REQUESTED, M.ACCEPTED)


def mediation_actions(mediation: Mediation) -> list[str]:
    """The status steps someone may ask for now."""
    return [a for a in MEDIATION.actions(mediation) if a not in AUTOMATIC]
