"""Domain events of the statutory clocks, sent after the transaction commits.

Sent with ``core.events.send_on_commit`` by ``deadlines.services``; receivers
live in higher apps (``<app>/receivers.py``, connected in ``AppConfig.ready``),
so the clocks never import who listens. Nobody subscribes yet; the read side
(supervision's warnings, credit records of late purchasers) is meant to.

- ``deadline_overdue`` (kwarg ``deadline``): the sweep found a clock past its due
  time with the duty undone and marked it overdue (step ``lapse``). Sent once per
  clock — a recomputed clock that reopens and lapses again sends it again.
- ``deadline_met`` (kwarg ``deadline``): the duty was done (step ``meet``);
  ``deadline.met_on_time`` says whether in time.
"""

from django.dispatch import Signal

deadline_overdue = Signal()
deadline_met = Signal()
