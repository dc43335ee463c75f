"""The law of contract terms, checked before anything is saved. Each refusal cites its
rule from the registry (profile `xuchang` or `national`)."""

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from core.exceptions import RuleViolation
from core.validators import validate_not_future
from deadlines.clock import compute_due
from rules.registry import rule

SME = {Organization.Scale.MEDIUM, Organization.Scale.SMALL, Organization.Scale.MICRO}

def is_sme(organization: Organization) -> bool:
    return organization.scale in SME


TERM_UNITS = {"workdays": _("working days"), "days": _("days")}

CHARGE_KINDS = {
    "performance_bond": _("Performance bond"),
    "quality_deposit": _("Quality guarantee deposit"),
    "fee": _("Fee or charge"),
}

# Wording that makes payment wait for fiscal funds (款项支付条例 forbids it).
FUNDS_CONDITION = re.compile(
    r"(财政|预算|上级)?(资金|拨款|款项)[^。；;，,]{0,8}(到位|到账|拨付|下达)[^。；;]{0,6}"
    r"(后|之后|以后|方可|再|才)|待(财政|上级)?(资金|拨款)[^。；;]{0,6}(到位|到账|拨付|下达)")


def check_charges(charges: list[dict], *, amount: Decimal) -> None:
    """No bond or fee beyond what the profile allows (春风行动 第19条: none at all)."""
    bond_max = rule("fees.performance_bond_max")
    fees_allowed = rule("fees.platform_fee")
    for charge in charges:
        kind = charge.get("kind")
        percent = Decimal(str(charge.get("percent") or 0))
        if kind not in CHARGE_KINDS:
            raise RuleViolation(_("Unknown kind of charge."), field="charges")
        if percent <= 0:
            continue
        if kind == "fee" and not fees_allowed.amount:
            raise RuleViolation(
                _("The contract may not charge the supplier any fee."), code="fee_forbidden",
                basis=fees_allowed.basis, field="charges")
        if percent > Decimal(bond_max.amount):
            raise RuleViolation(
                _("%(kind)s of %(percent)s %% is more than the %(max)s %% allowed."),
                params={"kind": CHARGE_KINDS[kind], "percent": percent,
                        "max": bond_max.amount}, code="bond_forbidden",
                basis=bond_max.basis, field="charges")


def term_due(*, start: dt.datetime, amount: int, unit: str) -> dt.datetime:
    return compute_due(start=start, amount=amount, unit=unit).at


def check_payment_term(*, term: int, unit: str, supplier: Organization, now=None) -> None:
    """The contract may not pay later than the profile allows after the invoice
    (春风行动 第18条: 2 working days). Terms in different units are compared on the
    calendar from today, so 60 days is refused against 2 working days."""
    now = now or timezone.now()
    limit = rule("payment.after_invoice")
    allowed = term_due(start=now, amount=int(limit.amount), unit=limit.unit)
    basis = limit.basis
    if is_sme(supplier):
        sme_max = rule("payment.sme_contract_max")
        sme_due = term_due(start=now, amount=int(sme_max.amount), unit=sme_max.unit)
        if sme_due < allowed:
            allowed, basis = sme_due, sme_max.basis
    if term <= 0:
        raise RuleViolation(_("Give the payment term after the invoice."),
                            field="payment_term")
    if term_due(start=now, amount=term, unit=unit) > allowed:
        raise RuleViolation(
            _("Payment %(term)s %(unit)s after the invoice is later than the %(limit)s "
              "allowed."), params={"term": term, "unit": _(unit),
                                   "limit": limit.display_value()},
            code="payment_term", basis=basis, field="payment_term")


def check_advance(percent: Decimal | None) -> None:
    """When an advance payment is chosen it is at least the profile's share
    (春风行动 第13条: 40 %)."""
    if percent is None:
        return
    minimum = rule("advance_payment.min")
    if not Decimal("0") < percent <= Decimal("100"):
        raise RuleViolation(_("The advance payment is a share of the amount, up to 100 %."),
                            field="advance_percent")
    if minimum.amount is not None and percent < Decimal(minimum.amount):
        raise RuleViolation(
            _("An advance payment, when chosen, is at least %(min)s %% of the contract."),
            params={"min": minimum.amount}, code="advance_too_low", basis=minimum.basis,
            field="advance_percent")


def suggested_advance(supplier: Organization) -> Decimal | None:
    """Higher for SMEs (春风行动 第13条): the minimum plus ten points, or 50 %."""
    minimum = rule("advance_payment.min")
    if minimum.amount is None:
        return None
    base = Decimal(minimum.amount)
    return min(base + 10, Decimal("100")) if is_sme(supplier) else base


def check_terms_text(*texts: str) -> None:
    """Payment may not wait for fiscal funds to arrive (保障中小企业款项支付条例)."""
    forbidden = rule("payment.funds_condition")
    for text in texts:
        match = FUNDS_CONDITION.search(text or "")
        if match and not forbidden.amount:
            raise RuleViolation(
                _("“%(excerpt)s”: payment may not be made conditional on fiscal funds "
                  "arriving."), params={"excerpt": match.group(0)},
                code="funds_condition", basis=forbidden.basis, field="special_terms")


def validate_performance_date(contract, value: dt.date) -> None:
    """An invoice or a payment happens under the contract: not before the day it was signed
    (drafted, while unsigned), not after today. A date from another century would otherwise
    start the payment clock and count late interest from it."""
    signed = timezone.localdate(contract.signed_at or contract.drafted_at)
    if value < signed:
        raise ValidationError(
            _("The date cannot be earlier than the day the contract was signed (%(day)s)."),
            code="before_contract", params={"day": formats.date_format(signed)})
    validate_not_future(value)
