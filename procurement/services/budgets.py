import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization
from accounts.permissions import require_kind, require_role
from audit.services import audit_record
from core.exceptions import DomainError
from core.refusals import records_refusals

from ..models import BudgetLine, ProcurementIntention


@records_refusals()
@transaction.atomic
def budget_line_create(*, purchaser: Organization, year: int, code: str, name: str,
                       amount: Decimal, source: str, economic_class: str = "", actor,
                       ip=None) -> BudgetLine:
    require_kind(purchaser, Organization.Kind.PURCHASER)
    require_role(actor, purchaser, Membership.Role.OFFICER, Membership.Role.ADMIN)
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."), field="amount")
    try:
        with transaction.atomic():
            line = BudgetLine.objects.create(
                purchaser=purchaser, year=year, code=code.strip(), name=name.strip(),
                amount=amount, source=source, economic_class=economic_class.strip(),
                created_by=actor)
    except IntegrityError:
        raise DomainError(_("Budget code %(code)s already exists for %(year)s."),
                          params={"code": code, "year": year}, code="duplicate_budget",
                          field="code") from None
    audit_record(action="budget.create", actor=actor, organization=purchaser, obj=line,
                 detail={"amount": amount, "year": year, "code": code}, ip=ip)
    return line


@records_refusals()
@transaction.atomic
def intention_publish(*, purchaser: Organization, title: str, summary: str, budget: Decimal,
                      expected_month: dt.date, actor, now=None, ip=None) -> ProcurementIntention:
    """采购意向 goes public at once (财库〔2020〕10号): the public portal lists it."""
    now = now or timezone.now()
    require_kind(purchaser, Organization.Kind.PURCHASER)
    require_role(actor, purchaser, Membership.Role.OFFICER, Membership.Role.ADMIN)
    if budget <= 0:
        raise DomainError(_("The budget must be more than zero."), field="budget")
    intention = ProcurementIntention.objects.create(
        purchaser=purchaser, title=title.strip(), summary=summary.strip(), budget=budget,
        expected_month=expected_month.replace(day=1), published_at=now, created_by=actor)
    audit_record(action="intention.publish", actor=actor, organization=purchaser,
                 obj=intention, detail={"budget": budget}, ip=ip, now=now)
    return intention
