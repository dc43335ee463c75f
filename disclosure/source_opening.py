"""Opening results (开标结果): a lot's opening table once it is opened — each bidder, its
price as read at the opening (and in words), brand and model, declared scale.

Before the opening nothing about the bids is public, not even how many there are
(``procurement.selectors``: "who bid is secret until opening"), so a lot without an
opening (``Lot.opened_at`` unset) publishes nothing. A lot that failed at the opening
(too few bids, 87号令 第43条) opened no bid: its failure notice says why, and no opening
result is published. The opening is recorded on the lot itself (``lot_open`` sets
``opened_at`` and the bids' ``opened_payload``), so this source is the ``Lot``.

Published to everyone: procurement shows the table to those entitled
(``opening_visible_to``); the opening record's publication to the public is the
platform's choice under 87号令 第40条 (verify: RULES.md lists no rule for it).
"""

from django.urls import reverse
from django.utils import timezone, translation

from procurement.models import Lot
from procurement.selectors import opening_table

from . import sources
from .models import PublicationKind as K
from .source_procurement import project_fields


def opening_rows(lot: Lot) -> list[dict]:
    """The public columns of the opening table (not the receipts' hashes or the times
    each bid was sealed)."""
    with translation.override("zh-hans"):  # the scale's label, as the official record
        return [{**{key: row[key] for key in ("supplier", "price", "price_words", "brand",
                                              "model")}, "scale": str(row["scale"])}
                for row in opening_table(lot)]


def opening(lot: Lot) -> dict | None:
    if lot.opened_at is None:
        return None
    rows = opening_rows(lot)
    if not rows:
        return None
    project = lot.project
    lines = [f"项目编号：{project.code}", f"项目名称：{project.title}",
             f"采购包：第{lot.number}包 {lot.title}",
             f"开标时间：{timezone.localtime(lot.opened_at):%Y年%m月%d日 %H:%M}",
             f"开标地点：{project.opening_place}" if project.opening_place else None,
             f"投标人数量：{len(rows)}", "", "开标一览表："]
    for n, row in enumerate(rows, start=1):
        extra = "，".join(v for v in (row["brand"], row["model"], row["scale"]) if v)
        lines.append(f"  {n}. {row['supplier']}：投标报价{row['price']:,.2f}元"
                     + (f"（{row['price_words']}）" if row["price_words"] else "")
                     + (f"；{extra}" if extra else ""))
    return {**project_fields(project), "kind": K.OPENING,
            "title": f"{project.title}第{lot.number}包开标结果",
            "body": "\n".join(line for line in lines if line is not None),
            "published_at": lot.opened_at, "amount": lot.budget,
            "parties": " ".join(row["supplier"] for row in rows),
            "publisher": (project.agency or project.purchaser).name, "rows": rows,
            "url": reverse("disclosure:opening-detail", args=[lot.pk])}


def register() -> None:
    sources.register(Lot, opening, queryset=lambda: (
        Lot.objects.filter(opened_at__isnull=False)
        .select_related("project__purchaser", "project__agency", "project__demand")
        .prefetch_related("project__demand__items__catalog_item").order_by("pk")))
