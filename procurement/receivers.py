"""What procurement does when a lower app's signal arrives (after the sender's commit).

Connected in ``ProcurementConfig.ready``; ``core.events`` runs each receiver on its own.
"""

from workdays.signals import calendar_year_loaded


def notices_on_calendar_loaded(sender, year, **kwargs):
    """A year's calendar was loaded: the notices whose periods were provisional are
    recomputed (``services.notices``), as the clocks are (``deadlines.receivers``)."""
    from .tasks import recompute_provisional_notices

    recompute_provisional_notices.delay(year)


def connect() -> None:
    calendar_year_loaded.connect(notices_on_calendar_loaded,
                                 dispatch_uid="procurement.notices_on_calendar_loaded")
