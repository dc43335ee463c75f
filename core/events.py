"""Domain events, sent after the transaction that made them commits.

A service that wants other apps to react (the ledger to an award, the banks'
offers to a winner, the warnings to an overdue clock) does not let them run
inside its own transaction — a failure there would roll back the award. It
declares a ``django.dispatch.Signal`` in its app's ``signals`` module and sends
it with ``send_on_commit``: receivers run after the commit, each on its own
(a receiver that fails is logged, and the others still run). Outside any
transaction the signal is sent at once.

Receivers live on the read side or in higher apps (``<app>/receivers.py``,
connected in ``AppConfig.ready``), so the sender never imports them.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def _send(signal, sender, kwargs):
    for receiver, result in signal.send_robust(sender=sender, **kwargs):
        if isinstance(result, Exception):
            logger.error("Receiver %r of %r failed", receiver, sender,
                         exc_info=(type(result), result, result.__traceback__))


def send_on_commit(signal, *, sender, using=None, **kwargs) -> None:
    """Send ``signal`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _send(signal, sender, kwargs), using=using)
