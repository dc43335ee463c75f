from collections.abc import Callable

from django.db.models import Q

from .models import Message

# A message can tell who obtained a tender's documents: clarifications go to exactly
# those suppliers (87号令 第27条). Its recipient reads it; nobody else may learn who
# they are before the bids are opened. The app that knows when that is registers
# a filter from its AppConfig.ready(), as it registers its categories.
_SEALED_FILTERS: list[Callable[[], Q]] = []


def register_sealed_filter(sealed: Callable[[], Q]) -> None:
    """``sealed()`` returns a Q matching the messages only their recipient may see yet."""
    _SEALED_FILTERS.append(sealed)


def messages_unsealed(queryset):
    """``queryset`` without the messages still sealed (the administration's view)."""
    for make in _SEALED_FILTERS:
        queryset = queryset.exclude(make())
    return queryset


def inbox_for(user):
    return Message.objects.filter(recipient=user, channel=Message.Channel.INAPP)


def unread_count(user) -> int:
    return inbox_for(user).filter(read_at__isnull=True).count()
