"""Domain events of the complaints app, sent after the transaction commits with
``core.events.send_on_commit``. Received within the app (``complaints.receivers``:
credit records) and by the read side above it.

- ``challenge_answered`` (kwarg ``challenge``): the purchaser or agency answered every
  objection; the complaint window (15 WD, 法 第55条) runs from the answer's deadline.
- ``complaint_decided`` (kwarg ``complaint``): the finance bureau decided a complaint;
  its findings of false materials or a malicious complaint become credit records.
- ``penalty_decided`` (kwarg ``penalty``): an administrative penalty was recorded.
"""

from django.dispatch import Signal

challenge_answered = Signal()
complaint_decided = Signal()
penalty_decided = Signal()
