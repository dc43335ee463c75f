"""CSV downloads that a spreadsheet opens as data, never as formulas.

Excel, WPS and LibreOffice evaluate a cell whose text starts with = + - @ (and some
do after a leading tab, carriage return or NUL): a supplier registered as
``=HYPERLINK("http://x","点我")`` would become a live link, or worse, in the finance
officer's copy of the ledger (OWASP "CSV injection"; ASVS 1.2.10). Every export goes
through ``csv_response``, which passes each cell through ``safe_cell``.
"""

import csv
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")


def safe_cell(value):
    """A cell as it should be written: text that a spreadsheet would evaluate gets a
    leading apostrophe (shown by none of them, read as "this is text").

    Numbers are not text: a Decimal or int we computed is written as the number it is,
    so a negative amount stays ``-12.50`` and still adds up; a spreadsheet reads it as a
    number, not a formula, and nothing a user typed can reach a cell that way.
    """
    if value is None:
        return ""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return value
    text = str(value)  # lazy translations, dates already rendered by the caller
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_response(filename, header, rows):
    """An attachment ``filename`` with the header row and the rows, every cell safe.

    Starts with a BOM: Excel then reads the Chinese as UTF-8 rather than GBK.
    """
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return response
