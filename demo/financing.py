"""Demo contract financing: two banks' offers to winners (春风行动 第26条)."""

from decimal import Decimal

from accounts.models import Membership
from demo import data
from financing.models import FinancingOffer
from financing.services import financing_offer_save


def seed(orgs: dict) -> None:
    for key, name, rate, percent, months, description in data.FINANCING_OFFERS:
        bank = orgs[key]
        if FinancingOffer.objects.filter(bank=bank, name=name).exists():
            continue
        staff = Membership.objects.filter(organization=bank, is_active=True).select_related(
            "user").first().user
        financing_offer_save(bank=bank, actor=staff, name=name, rate=rate,
                             max_percent=Decimal(percent), term_months=months,
                             description=description)
