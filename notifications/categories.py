"""What a message is about. Statutory categories cannot be switched off."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    statutory: bool


_CATEGORIES: dict[str, Category] = {}


def register_category(code: str, label, *, statutory: bool) -> Category:
    category = Category(code, label, statutory)
    _CATEGORIES[code] = category
    return category


def category(code: str) -> Category:
    return _CATEGORIES[code]


def channel_allowed(category: Category, channel: str) -> bool:
    """SMS is for statutory categories only: a text message costs the bureau money and a
    person's attention, and the law's deadlines are what it is for."""
    return channel != "sms" or category.statutory


def all_categories() -> list[Category]:
    return sorted(_CATEGORIES.values(), key=lambda c: (not c.statutory, c.code))


register_category("general", _("General information"), statutory=False)
register_category("deadline.opened", _("A statutory clock started"), statutory=True)
register_category("deadline.reminder", _("Statutory deadline reminder"), statutory=True)
register_category("deadline.overdue", _("Statutory deadline overdue"), statutory=True)
register_category("deadline.escalation", _("Overdue deadline escalated to supervision"),
                  statutory=True)
register_category("calendar.missing", _("Working-day calendar missing for a year"),
                  statutory=True)
