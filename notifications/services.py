"""The outbox's one write path: ``notify`` queues, ``message_deliver`` sends."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from core.refusals import records_refusals

from .backends import DeliveryError, send_email, sms_backend
from .categories import category as get_category
from .models import Message, Preference

# Back-off between attempts: 1, 2, 4, 8, 16 … minutes.
BACKOFF_BASE_MINUTES = 1


def _channels_for(user, category, channels) -> list[str]:
    wanted = list(channels or (Message.Channel.SMS, Message.Channel.INAPP, Message.Channel.EMAIL))
    result = []
    for channel in wanted:
        if channel == Message.Channel.SMS and not user.mobile:
            continue
        if channel == Message.Channel.EMAIL and not user.email:
            continue
        result.append(channel)
    if category.statutory:
        return result  # statutory reminders cannot be switched off
    disabled = set(
        Preference.objects.filter(user=user, category=category.code, enabled=False)
        .values_list("channel", flat=True)
    )
    return [c for c in result if c not in disabled]


def notify(
    *,
    event_key: str,
    recipients: Iterable,
    category: str,
    subject: str,
    body: str,
    link: str = "",
    channels: Iterable[str] | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Queue one message per (recipient, channel); a repeated ``event_key`` adds nothing.

    In-app messages are delivered at once (they are the inbox); SMS and e-mail
    are sent by a worker after this transaction commits. Returns how many
    messages were newly queued.
    """
    now = now or timezone.now()
    cat = get_category(category)
    rows = []
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        for channel in _channels_for(user, cat, channels):
            inapp = channel == Message.Channel.INAPP
            rows.append(Message(
                recipient=user, channel=channel, category=cat.code, is_statutory=cat.statutory,
                subject=subject[:200], body=body, link=link,
                status=Message.Status.SENT if inapp else Message.Status.QUEUED,
                sent_at=now if inapp else None,
                next_attempt_at=None if inapp else now,
                idempotency_key=f"{event_key}:{user.pk}:{channel}"[:200],
            ))
    if not rows:
        return 0
    keys = [r.idempotency_key for r in rows]
    existing = set(Message.objects.filter(idempotency_key__in=keys)
                   .values_list("idempotency_key", flat=True))
    new_rows = [r for r in rows if r.idempotency_key not in existing]
    # ignore_conflicts: a concurrent notify of the same event loses quietly.
    Message.objects.bulk_create(new_rows, ignore_conflicts=True)
    if any(r.status == Message.Status.QUEUED for r in new_rows):
        from .tasks import deliver_due

        transaction.on_commit(lambda: deliver_due.delay())
    return len(new_rows)


def _claim(message_id: int, now) -> bool:
    """Take a queued message for sending; exactly one worker wins."""
    return bool(
        Message.objects.filter(pk=message_id, status=Message.Status.QUEUED,
                               next_attempt_at__lte=now)
        # next_attempt_at now means "claimed at": the stuck-send recovery below
        # measures from the claim, not from when the message was queued.
        .update(status=Message.Status.SENDING, attempts=F("attempts") + 1,
                next_attempt_at=now)
    )


def message_deliver(*, message_id: int, now: dt.datetime | None = None) -> str | None:
    """Send one queued message through its backend; on failure, schedule a retry."""
    now = now or timezone.now()
    if not _claim(message_id, now):
        return None
    message = Message.objects.select_related("recipient").get(pk=message_id)
    try:
        if message.channel == Message.Channel.SMS:
            sms_backend().send(to=message.recipient.mobile, text=message.body,
                               key=message.idempotency_key)
        elif message.channel == Message.Channel.EMAIL:
            send_email(to=message.recipient.email, subject=message.subject, text=message.body)
    except DeliveryError as exc:
        give_up = message.attempts >= settings.NOTIFY_MAX_ATTEMPTS
        delay = dt.timedelta(minutes=BACKOFF_BASE_MINUTES * 2 ** (message.attempts - 1))
        Message.objects.filter(pk=message.pk).update(
            status=Message.Status.FAILED if give_up else Message.Status.QUEUED,
            next_attempt_at=None if give_up else now + delay,
            last_error=str(exc)[:1000],
        )
        return Message.Status.FAILED if give_up else Message.Status.QUEUED
    Message.objects.filter(pk=message.pk).update(status=Message.Status.SENT, sent_at=now,
                                                 next_attempt_at=None, last_error="")
    return Message.Status.SENT


def messages_deliver_due(*, now: dt.datetime | None = None, batch_size: int = 200) -> int:
    """Send every queued message whose time has come; recover ones stuck in 'sending'."""
    now = now or timezone.now()
    # A worker killed mid-send leaves 'sending'; after 10 minutes try again.
    Message.objects.filter(status=Message.Status.SENDING,
                           next_attempt_at__lt=now - dt.timedelta(minutes=10)).update(
        status=Message.Status.QUEUED)
    sent = 0
    while True:
        ids = list(Message.objects.filter(status=Message.Status.QUEUED,
                                          next_attempt_at__lte=now)
                   .order_by("next_attempt_at").values_list("id", flat=True)[:batch_size])
        if not ids:
            return sent
        progressed = False
        for message_id in ids:
            result = message_deliver(message_id=message_id, now=now)
            progressed |= result is not None
            sent += result == Message.Status.SENT
        if not progressed:
            return sent


def message_mark_read(*, message: Message, user, now=None) -> None:
    if message.recipient_id != user.pk or message.read_at:
        return
    Message.objects.filter(pk=message.pk, read_at__isnull=True).update(
        read_at=now or timezone.now())


def messages_mark_all_read(*, user, now=None) -> int:
    return Message.objects.filter(recipient=user, channel=Message.Channel.INAPP,
                                  read_at__isnull=True).update(read_at=now or timezone.now())


@records_refusals()
@transaction.atomic
def preference_set(*, user, category: str, channel: str, enabled: bool) -> Preference:
    cat = get_category(category)
    if cat.statutory and not enabled:
        raise DomainError(_("Statutory reminders cannot be switched off."),
                          code="statutory_notification")
    pref, _created = Preference.objects.update_or_create(
        user=user, category=category, channel=channel, defaults={"enabled": enabled})
    return pref
