"""What an app above procurement has to say before an award is revoked.

``services.award.award_revoke`` revokes an award only while the contract is not signed
by both parties; procurement cannot see contracts (they are above it), so contracts
registers a check here from its ``AppConfig.ready``: ``check(award) -> str`` returns
why the award can no longer be revoked ("" when it can). procurement never imports the
apps that register them."""

from collections.abc import Callable

_CHECKS: list[Callable] = []


def register_revocation_check(check: Callable) -> None:
    if check not in _CHECKS:
        _CHECKS.append(check)


def revocation_blocked(award) -> str:
    """The first registered check's reason the award cannot be revoked, or ""."""
    for check in _CHECKS:
        reason = check(award)
        if reason:
            return str(reason)
    return ""
