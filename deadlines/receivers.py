from django.dispatch import receiver

from workdays.signals import calendar_year_loaded


@receiver(calendar_year_loaded)
def _recompute(sender, year, **kwargs):
    from .tasks import recompute_provisional

    recompute_provisional.delay(year)
