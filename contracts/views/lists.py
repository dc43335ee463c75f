"""The contract list and the ledger (台账), each filtered by its selector's FilterSet."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organization
from accounts.permissions import acting_organization
from core.csv import csv_response

from ..filters import LEDGER_STATUS_CHOICES
from ..selectors import contract_filterset, ledger_filterset

K = Organization.Kind
LEDGER_STATUS = dict(LEDGER_STATUS_CHOICES)

LEDGER_COLUMNS = [
    ("project_code", gettext_lazy("Project number")),
    ("project_title", gettext_lazy("Project name")),
    ("lot_number", gettext_lazy("Lot")),
    ("budget", gettext_lazy("Budget (yuan)")),
    ("supplier_name", gettext_lazy("Supplier")),
    ("award_amount", gettext_lazy("Award amount (yuan)")),
    ("awarded_at", gettext_lazy("Awarded at")),
    ("contract_number", gettext_lazy("Contract number")),
    ("contract_amount", gettext_lazy("Contract amount (yuan)")),
    ("signed_at", gettext_lazy("Signed at")),
    ("published_at", gettext_lazy("Published at")),
    ("filed_at", gettext_lazy("Filed at")),
    ("accepted_at", gettext_lazy("Accepted at")),
    ("paid_total", gettext_lazy("Paid (yuan)")),
    ("status", gettext_lazy("Status")),
    ("overdue_clocks", gettext_lazy("Overdue clocks")),
]


@login_required
def contract_list(request):
    org = acting_organization(request, K.PURCHASER, K.SUPPLIER, K.FINANCE)
    filterset = contract_filterset(organization=org, filters=request.GET)
    page = Paginator(filterset.qs, 30).get_page(request.GET.get("page"))
    return render(request, "contracts/contract_list.html", {
        "page": page, "filter": filterset, "supervising": org.kind == K.FINANCE})


def _ledger_cell(row, name):
    value = getattr(row, name)
    if name == "status":
        return str(LEDGER_STATUS.get(value, value))
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Decimal):  # yuan, with its two places whatever the database
        return value.quantize(Decimal("0.01"))
    return value  # amounts stay numbers; core.csv.safe_cell escapes text only


@login_required
def ledger(request):
    """The purchaser's ledger (台账); supervision reads every unit's. ?format=csv exports
    the rows the filters select."""
    org = acting_organization(request, K.PURCHASER, K.FINANCE)
    supervising = org.kind == K.FINANCE
    filterset = ledger_filterset(organization=org, filters=request.GET)
    rows = filterset.qs
    if request.GET.get("format") == "csv":
        # Supplier and purchaser names are typed by registrants: csv_response escapes
        # any that a spreadsheet would run as a formula.
        columns = ([("purchaser", _("Purchaser"))] if supervising else []) + LEDGER_COLUMNS
        return csv_response(
            f"台账-{timezone.localdate():%Y%m%d}.csv", [label for _name, label in columns],
            ([row.purchaser.name if name == "purchaser" else _ledger_cell(row, name)
              for name, _label in columns] for row in rows.iterator()))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "contracts/ledger.html", {
        "page": page, "filter": filterset, "supervising": supervising,
        "csv_query": _with_csv(request.GET),
        "rows": [(row, LEDGER_STATUS.get(row.status, row.status)) for row in page]})


def _with_csv(params) -> str:
    query = params.copy()
    query.pop("page", None)
    query["format"] = "csv"
    return query.urlencode()
