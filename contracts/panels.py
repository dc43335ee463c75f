"""Panels that apps above contracts add to the contract's page (a mediation of a dispute
about the contract, …). An app registers ``provider(request, contract)`` from its
``AppConfig.ready()``; the provider returns the panel's HTML, or "" to show nothing.
Contracts never imports those apps."""

from django.utils.html import format_html_join

_PANELS: list = []


def register_panel(provider) -> None:
    if provider not in _PANELS:
        _PANELS.append(provider)


def contract_panels(request, contract) -> str:
    """The registered panels' HTML for this contract and this person, in order."""
    return format_html_join("", "{}", ((html,) for html in
                                       (provider(request, contract) for provider in _PANELS)
                                       if html))
