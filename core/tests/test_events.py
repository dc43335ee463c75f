"""Domain events wait for the commit, and one failing receiver stops nobody."""

import pytest
from django.db import transaction
from django.dispatch import Signal

from core.events import send_on_commit

happened = Signal()


@pytest.mark.django_db(transaction=True)
def test_a_signal_is_sent_only_after_the_commit():
    seen = []

    def receiver(sender, **kwargs):
        seen.append(kwargs["value"])

    happened.connect(receiver, weak=False)
    try:
        with transaction.atomic():
            send_on_commit(happened, sender=None, value=1)
            assert seen == []
        assert seen == [1]
        with pytest.raises(RuntimeError), transaction.atomic():
            send_on_commit(happened, sender=None, value=2)
            raise RuntimeError
        assert seen == [1]
    finally:
        happened.disconnect(receiver)


@pytest.mark.django_db(transaction=True)
def test_a_failing_receiver_does_not_stop_the_others():
    seen = []

    def broken(sender, **kwargs):
        raise ValueError("boom")

    def good(sender, **kwargs):
        seen.append("ok")

    happened.connect(broken, weak=False)
    happened.connect(good, weak=False)
    try:
        with transaction.atomic():
            send_on_commit(happened, sender=None)
        assert seen == ["ok"]
    finally:
        happened.disconnect(broken)
        happened.disconnect(good)
