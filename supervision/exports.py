"""The interceptions as a spreadsheet: CSV (core.csv) and XLSX (openpyxl)."""

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core.csv import csv_response, safe_cell

from .selectors import interception_rows

# The most rows one export carries; a longer period is exported in parts.
EXPORT_MAX = 50_000


def _header() -> list[str]:
    return [_("Time"), _("Kind"), _("What"), _("Rule code"), _("Legal basis"),
            _("Message or justification"), _("Person"), _("Organisation"), _("Concerning"),
            _("IP address")]


def _rows(events):
    kinds = {"refusal": _("Refused by the platform"), "override": _("Warning overridden")}
    for row in interception_rows(events[:EXPORT_MAX]):
        event = row.event
        yield [timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"), kinds[row.kind],
               row.what, row.code, row.basis, row.message, event.actor_name,
               event.organization.name if event.organization else "", event.object_repr,
               event.ip or ""]


def interceptions_csv(events) -> HttpResponse:
    return csv_response(f"interceptions-{timezone.localdate():%Y%m%d}.csv", _header(),
                        _rows(events))


def interceptions_xlsx(events) -> HttpResponse:
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = _("Interceptions")[:31]
    sheet.append(_header())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _rows(events):
        # A spreadsheet would run a cell starting with = + - @ as a formula.
        sheet.append([safe_cell(value) for value in row])
    for column, width in zip("ABCDEFGHIJ", (20, 14, 28, 18, 30, 50, 14, 24, 30, 16),
                             strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(
        True, f"interceptions-{timezone.localdate():%Y%m%d}.xlsx")
    return response
