from django import template
from django.utils.translation import gettext as _

from deadlines.services import clock_label as _clock_label
from rules.registry import Unit

register = template.Library()


@register.filter
def clock_label(code: str) -> str:
    return _clock_label(code)


@register.filter
def unit_label(unit: str) -> str:
    try:
        return Unit(unit).label
    except ValueError:
        return unit


@register.filter
def reminder_label(kind: str) -> str:
    if kind == "opened":
        return _("Clock started")
    if kind == "overdue":
        return _("Overdue and escalated")
    if kind.startswith("before_"):
        spec = kind.removeprefix("before_")
        if spec.endswith("wd"):
            return _("%(n)s working day(s) before") % {"n": spec[:-2]}
        return _("%(n)s hour(s) before") % {"n": spec[:-1]}
    return kind
