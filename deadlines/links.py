"""Where a person goes to do what a clock asks ("go to the task").

The clocks layer knows nothing of the lifecycle apps. Each lifecycle app registers,
for the models its clocks run on, a function from (subject, user) to the page where
that person acts; a subject without one falls back to its ``get_absolute_url``."""

from collections.abc import Callable

from .models import Deadline

_RESOLVERS: dict[str, Callable] = {}


def register_task_url(model, resolver: Callable) -> None:
    """``resolver(subject, user) -> str | None``: the page where ``user`` does the task."""
    _RESOLVERS[model._meta.label_lower] = resolver


def task_url(deadline: Deadline, user) -> str | None:
    model = deadline.subject_type.model_class()
    subject = deadline.subject
    if model is None or subject is None:
        return None
    resolver = _RESOLVERS.get(model._meta.label_lower)
    if resolver is not None:
        return resolver(subject, user)
    url = getattr(subject, "get_absolute_url", None)
    return url() if url else None
