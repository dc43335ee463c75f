"""The allowed status steps of an inquiry (询问): open → answered."""

from django.utils.translation import gettext_lazy as _

from core.transitions import StateTable, Step

from .models import Inquiry

I = Inquiry.Status  # noqa: E741

INQUIRY = StateTable("complaints.Inquiry", [
    Step("answer", I.OPEN, I.ANSWERED, _("Answer the inquiry")),
])
