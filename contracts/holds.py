"""Holds on signing that a higher app keeps: a challenge that may change the result
(条例 第54条) may be marked before the purchaser drafts the contract. The complaints app
registers a function from the award to the reason it is held ("" for none); a contract
drafted while one holds is drafted suspended. contracts never imports complaints."""

from collections.abc import Callable

_HOLDS: list[Callable] = []


def register_signing_hold(hold: Callable) -> None:
    """``hold(award) -> str``: why signing the award's contract is suspended, or ""."""
    if hold not in _HOLDS:
        _HOLDS.append(hold)


def signing_hold(award) -> str:
    for hold in _HOLDS:
        reason = hold(award)
        if reason:
            return reason
    return ""
