"""The finance bureau's suspension of a procurement during a complaint (法 第57条), as
procurement sees it: a hold on the opening, the evaluation's conclusion and the award
(``procurement.holds``), registered from ``ComplaintsConfig.ready()``. Signing is held
through ``contracts.services.contract_signing_suspend`` by ``complaint_suspend_procurement``
itself."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from deadlines.clock import local_date
from procurement.holds import Hold

from .models import Complaint


def complaint_hold(project, now) -> Hold | None:
    complaint = (Complaint.objects
                 .filter(challenge__project=project, procurement_suspended_at__isnull=False,
                         procurement_resumed_at__isnull=True,
                         procurement_suspended_until__gt=now)
                 .order_by("procurement_suspended_until").last())
    if complaint is None:
        return None
    until = complaint.procurement_suspended_until
    return Hold(reason=format_lazy(_("the finance bureau suspended it during complaint "
                                     "{number}, until {until}."),
                                   number=complaint.number,
                                   until=f"{local_date(until):%Y-%m-%d}"),
                basis="法 第57条", until=until)
