"""The role-aware menu: which workspace a person works in, and its links."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import WORKSPACE_BY_KIND


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str

    @property
    def url(self):
        return reverse(self.url_name)


@dataclass(frozen=True)
class NavGroup:
    """A dropdown of less frequent links, so the bar fits on one line."""

    label: str
    icon: str
    items: tuple

    @property
    def url_names(self):
        return [item.url_name for item in self.items]


WORKSPACE_LABELS = {
    "purchaser": _("Purchaser workspace"),
    "agency": _("Agency workspace"),
    "supplier": _("Supplier workspace"),
    "expert": _("Expert workspace"),
    "supervision": _("Supervision"),
    "bank": _("Bank workspace"),
}

# The audit log is in the person's menu (partials/_navbar.html), so that the bar fits on
# one line at 1280 px in English too.
_COMMON = [
    NavItem(_("Deadlines"), "deadlines:deadline-list", "bi-stopwatch"),
]

_PROCUREMENT = [
    NavItem(_("Projects"), "procurement:project-list", "bi-folder2-open"),
    NavItem(_("Demands"), "procurement:demand-list", "bi-card-checklist"),
    NavGroup(_("Budget"), "bi-wallet2", (
        NavItem(_("Budget lines"), "procurement:budget-list", "bi-wallet2"),
        NavItem(_("Procurement intentions"), "procurement:intention-list", "bi-megaphone"),
    )),
]

_CONTRACTS = NavItem(_("Contracts"), "contracts:list", "bi-file-earmark-text")
# One's own credit: score, grade, records, listings, repair (complaints, credit part).
_CREDIT = NavItem(_("Credit"), "complaints:credit-mine", "bi-award")
_INQUIRIES = NavItem(_("Inquiries"), "complaints:inquiry-list", "bi-question-circle")
_CHALLENGE_LIST = NavItem(_("Challenges"), "complaints:challenge-list",
                          "bi-exclamation-octagon")
_COMPLAINT_LIST = NavItem(_("Complaints"), "complaints:complaint-list", "bi-megaphone")
_PUBLISHED = (NavItem(_("Published answers"), "complaints:challenge-answer-public-list",
                      "bi-chat-square-text"),
              NavItem(_("Complaint decisions"), "complaints:complaint-decision-list",
                      "bi-journal-text"))
# 询问, 质疑, 投诉 and credit in one dropdown per role (complaints app): the bar stays on
# one line at 1280 px in English.
_DISPUTES_ORGANIZER = NavGroup(_("Disputes"), "bi-megaphone", (
    _INQUIRIES, _CHALLENGE_LIST, _COMPLAINT_LIST, *_PUBLISHED, _CREDIT))
_LEDGER = NavItem(_("Ledger"), "contracts:ledger", "bi-table")
_MEDIATIONS = NavItem(_("Mediations"), "complaints:mediation-list", "bi-people")

MENUS = {
    "purchaser": [NavItem(_("Home"), "workspaces:purchaser", "bi-house"), *_PROCUREMENT,
                  NavGroup(_("Contracts"), "bi-file-earmark-text",
                           (_CONTRACTS, _LEDGER, _MEDIATIONS)),
                  _DISPUTES_ORGANIZER, *_COMMON],
    "agency": [NavItem(_("Home"), "workspaces:agency", "bi-house"),
               NavItem(_("Projects"), "procurement:project-list", "bi-folder2-open"),
               _DISPUTES_ORGANIZER, *_COMMON],
    "supplier": [NavItem(_("Home"), "workspaces:supplier", "bi-house"),
                 NavItem(_("Notices"), "disclosure:notice-list", "bi-megaphone"),
                 NavItem(_("My bids"), "procurement:bid-list", "bi-shield-lock"),
                 # One dropdown: seven items overflow the bar at 1280 px in English.
                 NavGroup(_("Contracts"), "bi-file-earmark-text", (
                     _CONTRACTS,
                     NavItem(_("Contract financing"), "financing:index", "bi-bank"),
                     _MEDIATIONS)),
                 NavGroup(_("Disputes"), "bi-megaphone", (
                     _INQUIRIES, _CHALLENGE_LIST, _COMPLAINT_LIST, *_PUBLISHED, _CREDIT)),
                 *_COMMON],
    "expert": [NavItem(_("Home"), "workspaces:expert", "bi-house")],
    "supervision": [
        NavItem(_("Dashboard"), "workspaces:supervision", "bi-speedometer2"),
        # Dropdowns, so that the bar fits on one line at 1280 px in English too.
        NavGroup(_("Deadlines"), "bi-stopwatch", (
            NavItem(_("Deadlines"), "deadlines:deadline-list", "bi-stopwatch"),
            NavItem(_("Timeliness ranking"), "deadlines:ranking", "bi-bar-chart"),
        )),
        NavItem(_("Projects"), "procurement:project-list", "bi-folder2-open"),
        NavGroup(_("Contracts"), "bi-file-earmark-text", (_CONTRACTS, _LEDGER, _MEDIATIONS)),
        NavGroup(_("Disputes"), "bi-megaphone", (
            _COMPLAINT_LIST, _CHALLENGE_LIST, _INQUIRIES,
            NavItem(_("Credit overview"), "complaints:credit-overview", "bi-award"),
            NavItem(_("Credit repairs"), "complaints:credit-repairs", "bi-bandaid"),
            NavItem(_("Penalties"), "complaints:credit-penalties", "bi-hammer"),
            NavItem(_("Spot checks"), "complaints:credit-spot-checks", "bi-shuffle"),
            # The agencies' practice as the public reads it (disclosure).
            NavItem(_("Agencies' practice"), "disclosure:practice-list", "bi-building-check"),
        )),
        NavGroup(_("Settings"), "bi-gear", (
            # In the dropdown since complaints came: the bar fits on one line at 1280 px.
            NavItem(_("Organisations"), "accounts:organization-list", "bi-buildings"),
            NavItem(_("Working-day calendar"), "workdays:calendar", "bi-calendar3"),
            NavItem(_("Rules in force"), "rules:rule-list", "bi-book"),
            # The bureau's own normative documents (disclosure): in a dropdown, as a new
            # top-level item pushed the person's menu off the bar at 1280 px in English.
            NavItem(_("Normative documents"), "disclosure:normative-manage", "bi-journal-text"),
            NavItem(_("Audit log"), "audit:event-list", "bi-journal-check"),
        )),
    ],
    "bank": [NavItem(_("Home"), "workspaces:bank", "bi-house"),
             NavItem(_("Financing applications"), "financing:bank-list", "bi-inboxes"),
             NavItem(_("Our financing offers"), "financing:offer-list", "bi-tags"), *_COMMON],
}


def workspaces_of(request) -> list[str]:
    """Every workspace the person may open, the active organisation's first."""
    spaces = []
    org = getattr(request, "organization", None)
    if org is not None:
        spaces.append(WORKSPACE_BY_KIND[org.kind])
    if request.user.is_authenticated and hasattr(request.user, "expert_profile"):
        spaces.append("expert")
    return spaces
