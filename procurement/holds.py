"""Holds that apps above procurement put on a project's procurement activities — the
finance bureau suspending a procurement during a complaint (法 第57条). An app registers
``provider(project, now)`` from its ``AppConfig.ready()``; the provider returns a
``Hold`` while the project is held, else None. Procurement never imports those apps.

While held, the opening, the evaluation's conclusion and the award wait: each refuses
with the hold's reason and basis, and the minute's opening sweep passes the held lots by
(their opening is due again once the hold ends, and the sweep opens them then). Bidding
itself is not held: a bid is sealed by its deadline whatever happens after it."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core.exceptions import RuleViolation

_PROVIDERS: list = []


@dataclass(frozen=True)
class Hold:
    reason: str
    basis: str
    until: object = None  # an aware datetime, when the hold has an end


def register_hold(provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def procurement_hold(project, now) -> Hold | None:
    for provider in _PROVIDERS:
        hold = provider(project, now)
        if hold is not None:
            return hold
    return None


def check_not_held(project, now) -> None:
    hold = procurement_hold(project, now)
    if hold is not None:
        raise RuleViolation(_("The procurement is suspended: %(reason)s"),
                            params={"reason": hold.reason}, code="procurement_suspended",
                            basis=hold.basis)
