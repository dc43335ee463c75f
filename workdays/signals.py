"""Domain events of the working-day calendar, sent after the transaction commits.

- ``calendar_year_loaded`` (kwarg ``year``): a year's holidays and adjusted working
  days were loaded (``services.calendar_year_load``); ``deadlines`` recomputes the
  clocks that were provisional for want of it.
"""

from django.dispatch import Signal

calendar_year_loaded = Signal()
