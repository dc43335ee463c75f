"""Every refusal recorded, whoever asked: a page, the API, a task or a command.

A service that may refuse is decorated with ``@records_refusals``. When it
raises a ``DomainError`` the decorator — outside the service's own
transaction, so after its rollback — hands the refusal to the recorders
registered from above (``audit`` registers the one that appends a
``<entity>.<verb>_refused`` event with the code, basis and message). Callers
therefore never record refusals themselves, and the finance bureau's count of
refusals sees every caller.

Only the outermost decorated call records: a service that calls another and
lets its refusal through does not record it twice. A recorder that fails is
logged and never hides the refusal itself.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import logging

from .exceptions import DomainError

logger = logging.getLogger(__name__)

_RECORDERS: list = []
_depth = contextvars.ContextVar("refusal_depth", default=0)


def register_recorder(recorder) -> None:
    """``recorder(*, action, error, service, arguments)`` — called once per refusal."""
    if recorder not in _RECORDERS:
        _RECORDERS.append(recorder)


def refusal_action(service_name: str) -> str:
    """``bid_submit`` → ``bid.submit_refused``; ``lots_open_due`` → ``lots.open_due_refused``."""
    entity, _, verb = service_name.partition("_")
    return f"{entity}.{verb}_refused" if verb else f"{entity}.refused"


def is_refusal(action: str) -> bool:
    return action.endswith("refused")


def _record(action: str, error: DomainError, service: str, arguments: dict) -> None:
    for recorder in _RECORDERS:
        try:
            recorder(action=action, error=error, service=service, arguments=arguments)
        except Exception:  # never let the record hide the refusal
            logger.exception("Could not record the refusal of %s", service)


def records_refusals(action: str | None = None):
    """Decorate a service: its ``DomainError`` refusals are recorded after rollback.

    ``action`` names the audit action; by default it is derived from the
    function's name (``refusal_action``).
    """
    def decorate(func):
        name = action or refusal_action(func.__name__)
        signature = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            token = _depth.set(_depth.get() + 1)
            try:
                return func(*args, **kwargs)
            except DomainError as error:
                if _depth.get() == 1 and not getattr(error, "recorded", False):
                    error.recorded = True
                    try:
                        bound = signature.bind_partial(*args, **kwargs).arguments
                    except TypeError:
                        bound = dict(kwargs)
                    _record(name, error, func.__name__, dict(bound))
                raise
            finally:
                _depth.reset(token)

        wrapper.refusal_action = name
        return wrapper

    return decorate
