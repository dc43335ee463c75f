"""The outbox's one write path: ``notify`` queues, ``message_deliver`` sends."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.bulk import insert_rows
from core.exceptions import DomainError
from core.refusals import records_refusals

from .backends import DeliveryError, send_email, sms_backend
from .categories import category as get_category
from .categories import channel_allowed
from .models import Message, Preference

# Back-off between attempts: 1, 2, 4, 8, 16 … minutes.
BACKOFF_BASE_MINUTES = 1


def _channels_for(user, category, channels, disabled) -> list[str]:
    """The channels ``user`` is reached on for ``category``.

    SMS is for statutory categories only (``categories.channel_allowed``). A statutory
    category cannot be switched off; the others follow the person's preferences
    (``disabled``: the (user, category, channel) switched off).
    """
    wanted = list(channels or (Message.Channel.SMS, Message.Channel.INAPP, Message.Channel.EMAIL))
    result = []
    for channel in wanted:
        if not channel_allowed(category, channel):
            continue
        if channel == Message.Channel.SMS and not user.mobile:
            continue
        if channel == Message.Channel.EMAIL and not user.email:
            continue
        if not category.statutory and (user.pk, category.code, channel) in disabled:
            continue
        result.append(channel)
    return result


@dataclass
class Notice:
    """One event to tell some people about: a message per (recipient, channel)."""

    event_key: str
    recipients: Iterable
    category: str
    subject: str
    body: str
    link: str = ""
    channels: Iterable[str] | None = None


def _switched_off(notices: list[Notice], categories: dict) -> set[tuple]:
    """(user, category, channel) switched off, for the non-statutory categories: one query."""
    users = {u.pk for n in notices if not categories[n.category].statutory
             for u in n.recipients if u is not None}
    if not users:
        return set()
    codes = {n.category for n in notices if not categories[n.category].statutory}
    return set(Preference.objects.filter(user_id__in=users, category__in=codes, enabled=False)
               .values_list("user_id", "category", "channel"))


def notify_many(notices: Iterable[Notice], *, now: dt.datetime | None = None) -> int:
    """Queue the messages of many events at once: a few queries for any number of them.

    Each (event, recipient, channel) is queued at most once, whoever asks and however
    often: its ``idempotency_key`` is unique. In-app messages are delivered at once
    (they are the inbox); SMS and e-mail are sent by the outbox workers after this
    transaction commits (``tasks.deliver_due``, one task for the whole lot). Returns
    how many messages were newly queued.
    """
    now = now or timezone.now()
    notices = [replace(n, recipients=[u for u in n.recipients if u is not None and u.is_active])
               for n in notices]
    categories = {n.category: get_category(n.category) for n in notices}
    disabled = _switched_off(notices, categories)
    rows = {}
    for notice in notices:
        cat = categories[notice.category]
        for user in notice.recipients:
            for channel in _channels_for(user, cat, notice.channels, disabled):
                inapp = channel == Message.Channel.INAPP
                key = f"{notice.event_key}:{user.pk}:{channel}"[:200]
                rows[key] = {
                    "recipient_id": user.pk, "channel": channel, "category": cat.code,
                    "is_statutory": cat.statutory, "subject": notice.subject[:200],
                    "body": notice.body, "link": notice.link,
                    "status": Message.Status.SENT if inapp else Message.Status.QUEUED,
                    "sent_at": now if inapp else None,
                    "next_attempt_at": None if inapp else now, "idempotency_key": key,
                    "created_at": now}
    if connection.vendor != "postgresql":
        # Elsewhere the insert cannot say how many were new: leave out the known ones.
        keys = list(rows)
        for i in range(0, len(keys), 500):
            for key in Message.objects.filter(idempotency_key__in=keys[i:i + 500]) \
                    .values_list("idempotency_key", flat=True):
                rows.pop(key, None)
    # ON CONFLICT DO NOTHING: a message queued before, or by a concurrent notify of the
    # same event, is not queued again.
    queued = insert_rows(Message, list(rows.values()), ignore_conflicts=True)
    if queued and any(r["status"] == Message.Status.QUEUED for r in rows.values()):
        from .tasks import deliver_due

        transaction.on_commit(lambda: deliver_due.delay())
    return queued


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

    ``notify_many`` with one event: see there.
    """
    return notify_many([Notice(event_key, recipients, category, subject, body, link,
                               channels)], now=now)


def _claim(ids, now) -> list[Message]:
    """Take queued messages for sending; of several workers, exactly one wins each.

    The rows are locked with ``SKIP LOCKED`` (another worker's claim is passed over,
    not waited for) and marked ``sending`` in one UPDATE; ``next_attempt_at`` then means
    "claimed at", so the stuck-send recovery measures from the claim.
    """
    with transaction.atomic():
        qs = Message.objects.filter(pk__in=ids, status=Message.Status.QUEUED,
                                    next_attempt_at__lte=now)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        claimed = list(qs.values_list("pk", flat=True))
        Message.objects.filter(pk__in=claimed).update(
            status=Message.Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=now)
    return list(Message.objects.filter(pk__in=claimed).select_related("recipient"))


def _send(message: Message, now) -> str:
    """Hand one claimed message to its backend; on failure schedule the retry.

    Returns the new status; a sent message is recorded by the caller (in bulk).
    """
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
    return Message.Status.SENT


def _deliver(ids, now) -> list[str]:
    """Claim, send and record the messages ``ids``: the statuses of those this worker won."""
    claimed = _claim(ids, now)
    results = [(message.pk, _send(message, now)) for message in claimed]
    sent = [pk for pk, result in results if result == Message.Status.SENT]
    Message.objects.filter(pk__in=sent).update(status=Message.Status.SENT, sent_at=now,
                                               next_attempt_at=None, last_error="")
    return [result for _pk, result in results]


def message_deliver(*, message_id: int, now: dt.datetime | None = None) -> str | None:
    """Send one queued message through its backend; on failure, schedule a retry.

    None when it was not due, or another worker had it."""
    results = _deliver([message_id], now or timezone.now())
    return results[0] if results else None


def messages_deliver_due(*, now: dt.datetime | None = None, batch_size: int = 200) -> int:
    """Send every queued message whose time has come, a batch at a time; recover ones
    stuck in 'sending'. Several workers share the work (each batch is claimed once)."""
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
        results = _deliver(ids, now)
        sent += results.count(Message.Status.SENT)
        if not results:
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
