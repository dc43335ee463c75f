"""The demo suppliers' bid documents: real PDFs (WeasyPrint, Noto Sans CJK SC), so that
the committee's viewer shows a readable document rather than bytes it cannot load.

Rendering costs a fraction of a second a page; the seed is deterministic, so each
document is rendered once per process (the browser tests seed the demo many times)."""

from decimal import Decimal
from functools import lru_cache

from procurement.pdf import render_pdf


@lru_cache(maxsize=64)
def _render(project_title, lot_number, lot_title, name, code, address, contact, phone,
            item_name, quantity, price) -> bytes:
    unit = (Decimal(price) / Decimal(quantity)).quantize(Decimal("0.01"))
    return render_pdf("demo/bid_document.html", {
        "project_title": project_title, "lot_number": lot_number, "lot_title": lot_title,
        "supplier": {"name": name, "code": code, "address": address,
                     "contact_name": contact, "contact_phone": phone},
        "item_name": item_name, "quantity": quantity, "unit_price": f"{unit:,.2f}",
        "price": f"{Decimal(price):,.2f}"})


def bid_document(*, lot, supplier, item: dict, price) -> bytes:
    """The bid document of ``supplier`` for ``lot``: its letter and price schedule."""
    return _render(lot.project.title, lot.number, lot.title, supplier.name, supplier.credit_code,
                   supplier.address, supplier.contact_name, supplier.contact_phone,
                   item["name"], str(item["quantity"]), str(price))
