"""core.bulk: the sweep's bulk writes give the same rows as the ORM's own."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.bulk import bulk_set, insert_rows
from notifications.models import Message

pytestmark = pytest.mark.django_db


def test_insert_rows_fills_defaults_and_skips_conflicts():
    user = UserFactory()
    now = timezone.now()
    row = {"recipient": user, "channel": "inapp", "category": "general", "subject": "主题",
           "body": "正文", "status": "sent", "idempotency_key": "k1", "sent_at": now}
    assert insert_rows(Message, [row, {**row, "idempotency_key": "k2",
                                       "recipient_id": user.pk}]) == 2
    message = Message.objects.get(idempotency_key="k1")
    # Defaults as the model has them: empty strings, zero attempts, created now.
    assert (message.link, message.last_error, message.attempts) == ("", "", 0)
    assert message.created_at >= now and message.read_at is None
    again = insert_rows(Message, [row, {**row, "idempotency_key": "k3"}],
                        ignore_conflicts=True)
    assert Message.objects.count() == 3
    if connection.vendor == "postgresql":
        assert again == 1  # the real count of rows inserted


def test_bulk_set_writes_each_rows_own_values_including_null():
    user = UserFactory()
    now = timezone.now()
    messages = [Message.objects.create(recipient=user, channel="inapp", category="general",
                                       subject="s", body="b", idempotency_key=f"m{i}",
                                       read_at=now) for i in range(3)]
    messages[0].read_at = None  # the first row's NULL must not leave the column untyped
    messages[1].read_at = now + dt.timedelta(hours=2)
    messages[1].attempts = 4
    assert bulk_set(messages[:2], ["read_at", "attempts"]) == 2
    got = {m.idempotency_key: (m.read_at, m.attempts) for m in Message.objects.all()}
    assert got == {"m0": (None, 0), "m1": (now + dt.timedelta(hours=2), 4), "m2": (now, 0)}
