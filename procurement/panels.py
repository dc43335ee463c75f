"""Panels a higher app adds to a project's pages (the notice page and the project page):
e.g. the complaints app shows a supplier its challenge windows. Each registered function
takes (request, project) and returns rendered HTML, or "" when it has nothing to show
that person. procurement never imports the apps that register them."""

from collections.abc import Callable

_PANELS: list[Callable] = []


def register_panel(panel: Callable) -> None:
    """``panel(request, project) -> str``: HTML rendered from a template (a SafeString;
    a plain string is escaped)."""
    if panel not in _PANELS:
        _PANELS.append(panel)


def render_panels(request, project) -> list[str]:
    return [html for html in (panel(request, project) for panel in _PANELS) if html]
