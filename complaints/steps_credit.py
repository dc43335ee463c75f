"""The credit part's status steps (``core.transitions``): a repair application is
approved or refused once; a spot check is recorded once."""

from django.utils.translation import gettext_lazy as _

from core.transitions import StateTable, Step

from .models import CreditRepair, SpotCheck

RS = CreditRepair.Status

REPAIR = StateTable("complaints.CreditRepair", [
    Step("approve", RS.SUBMITTED, RS.APPROVED, _("Approve the repair")),
    Step("refuse", RS.SUBMITTED, RS.REFUSED, _("Refuse the repair")),
])

SPOT_CHECK = StateTable("complaints.SpotCheck", [
    Step("record", SpotCheck.Status.DRAWN, SpotCheck.Status.DONE, _("Record the findings")),
])
