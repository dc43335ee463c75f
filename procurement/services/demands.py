"""Demands: drafted with items and criteria, checked for fair competition.

A clear violation (BLOCK) refuses the save and changes nothing, citing the
rule; a possible one (WARN) is saved as a finding that must be justified
before a project may use the demand. Supervision sees every justification.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization
from accounts.permissions import require_kind, require_role
from audit.services import audit_record
from core.exceptions import DomainError, InvalidTransition, RuleViolation
from core.models import CatalogItem
from core.refusals import records_refusals
from core.transitions import transition

from .. import steps
from ..fairness import scan
from ..models import Demand, DemandItem, EvaluationCriterion, FairnessFinding, FairnessPattern

EDITORS = (Membership.Role.OFFICER, Membership.Role.ADMIN)


def _texts(*, title, technical_requirements, commercial_requirements, qualification_conditions,
           items, criteria) -> dict[str, str]:
    texts = {
        "title": title,
        "technical_requirements": technical_requirements,
        "commercial_requirements": commercial_requirements,
        "qualification_conditions": qualification_conditions,
    }
    texts["items"] = "\n".join(f"{i['name']} {i.get('specification', '')}" for i in items)
    texts["criteria"] = "\n".join(f"{c['name']} {c.get('description', '')}" for c in criteria)
    return texts


def _validate_items(items):
    if not items:
        raise DomainError(_("List at least one item to buy."), code="no_items", field="items")
    codes = {i["catalog_code"] for i in items}
    known = set(CatalogItem.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = codes - known
    if unknown:
        raise DomainError(_("Unknown catalogue code: %(codes)s."),
                          params={"codes": ", ".join(sorted(unknown))}, field="items")
    for i in items:
        if Decimal(i["quantity"]) <= 0:
            raise DomainError(_("Quantities must be more than zero."), field="items")


def _validate_criteria(method, category, criteria):
    if method == Demand.Method.LOWEST_PRICE:
        return
    total = sum(Decimal(c["weight"]) for c in criteria)
    if total != Decimal("100"):
        raise DomainError(_("The weights of the scoring factors add up to %(total)s; they must "
                            "add up to 100."), params={"total": total}, code="weights",
                          field="criteria", basis="87号令 第55条")
    price = sum(Decimal(c["weight"]) for c in criteria if c["kind"] == "price")
    from rules.registry import rule

    code = "price.weight_goods_min" if category == "goods" else "price.weight_services_min"
    minimum = Decimal(rule(code).amount)
    if category != "engineering" and price < minimum:
        raise RuleViolation(
            _("The price weight is %(price)s points; for %(category)s it must be at least "
              "%(minimum)s."), params={"price": price, "category": Demand.Category(category)
                                       .label, "minimum": minimum},
            code="price_weight", basis=rule(code).basis, field="criteria")


def _refuse_blocking(hits):
    blocking = [h for h in hits if h.severity == FairnessPattern.Severity.BLOCK]
    if blocking:
        first = blocking[0]
        raise RuleViolation(
            _("“%(excerpt)s”: %(message)s"),
            params={"excerpt": first.excerpt[:80], "message": first.message},
            code="fair_competition", basis=first.basis, field=first.field)


def _save_findings(demand, hits, now, actor):
    previous = {(f.pattern_id, f.excerpt): f for f in demand.findings.all()}
    demand.findings.all().delete()
    for hit in hits:
        old = previous.get((hit.pattern.pk, hit.excerpt))
        FairnessFinding.objects.create(
            demand=demand, pattern=hit.pattern, severity=hit.severity,
            topic=hit.topic, field=hit.field, excerpt=hit.excerpt,
            message=hit.message, basis=hit.basis,
            # A justification already given for the same clause carries over.
            justification=old.justification if old else "",
            overridden_by=old.overridden_by if old else None,
            overridden_at=old.overridden_at if old else None)
    demand.checked_at = now
    if demand.status == Demand.Status.DRAFT:  # checked for the first time
        transition(demand, Demand.Status.CHECKED, table=steps.DEMAND, actor=actor, now=now,
                   update_fields=["checked_at", "updated_at"])
    else:  # checked again: the status stays
        demand.save(update_fields=["checked_at", "updated_at"])


def _write_children(demand, items, criteria):
    demand.items.all().delete()
    demand.criteria.all().delete()
    catalog = {c.code: c for c in CatalogItem.objects.filter(
        code__in={i["catalog_code"] for i in items})}
    DemandItem.objects.bulk_create(DemandItem(
        demand=demand, name=i["name"], catalog_item=catalog[i["catalog_code"]],
        quantity=Decimal(i["quantity"]), unit=i["unit"],
        specification=i.get("specification", ""), is_core=bool(i.get("is_core"))) for i in items)
    EvaluationCriterion.objects.bulk_create(EvaluationCriterion(
        demand=demand, kind=c["kind"], name=c["name"], weight=Decimal(c["weight"]),
        description=c.get("description", "")) for c in criteria)


@records_refusals("demand.check_refused")
@transaction.atomic
def demand_create(*, purchaser: Organization, actor, title: str, category: str,
                  technical_requirements: str, commercial_requirements: str = "",
                  qualification_conditions: str = "", evaluation_method: str,
                  items: list[dict], criteria: list[dict], budget_line=None, intention=None,
                  tie_break: str = Demand.TieBreak.DRAW, now=None, ip=None) -> Demand:
    """1. validate items and criteria; 2. run the fair-competition check — a clear violation
    refuses everything; 3. save the demand with its warnings as findings."""
    now = now or timezone.now()
    require_kind(purchaser, Organization.Kind.PURCHASER)
    require_role(actor, purchaser, *EDITORS)
    _validate_items(items)
    if evaluation_method == Demand.Method.LOWEST_PRICE:
        criteria = []  # lowest evaluated price has no scoring factors (87号令 第53条)
    _validate_criteria(evaluation_method, category, criteria)
    if budget_line is not None and budget_line.purchaser_id != purchaser.pk:
        raise DomainError(_("That budget line belongs to another unit."), field="budget_line")
    hits = scan(_texts(title=title, technical_requirements=technical_requirements,
                       commercial_requirements=commercial_requirements,
                       qualification_conditions=qualification_conditions, items=items,
                       criteria=criteria))
    _refuse_blocking(hits)
    demand = Demand.objects.create(
        purchaser=purchaser, title=title.strip(), category=category, budget_line=budget_line,
        intention=intention, technical_requirements=technical_requirements,
        commercial_requirements=commercial_requirements,
        qualification_conditions=qualification_conditions,
        evaluation_method=evaluation_method, tie_break=tie_break, created_by=actor)
    _write_children(demand, items, criteria)
    _save_findings(demand, hits, now, actor)
    audit_record(action="demand.create", actor=actor, organization=purchaser, obj=demand,
                 detail={"warnings": len(hits)}, ip=ip, now=now)
    return demand


@records_refusals("demand.check_refused")
@transaction.atomic
def demand_update(*, demand: Demand, actor, ip=None, now=None, **fields) -> Demand:
    now = now or timezone.now()
    require_role(actor, demand.purchaser, *EDITORS)
    if demand.status == Demand.Status.USED:
        raise InvalidTransition(_("A demand used by a project cannot change; re-tender from a "
                                  "copy instead."))
    items, criteria = fields.pop("items"), fields.pop("criteria")
    merged = {k: fields.get(k, getattr(demand, k)) for k in (
        "title", "technical_requirements", "commercial_requirements",
        "qualification_conditions")}
    category = fields.get("category", demand.category)
    method = fields.get("evaluation_method", demand.evaluation_method)
    if method == Demand.Method.LOWEST_PRICE:
        criteria = []
    _validate_items(items)
    _validate_criteria(method, category, criteria)
    hits = scan(_texts(items=items, criteria=criteria, **merged))
    _refuse_blocking(hits)
    for key, value in fields.items():
        setattr(demand, key, value)
    demand.save()
    _write_children(demand, items, criteria)
    _save_findings(demand, hits, now, actor)
    audit_record(action="demand.update", actor=actor, organization=demand.purchaser, obj=demand,
                 detail={"warnings": len(hits)}, ip=ip, now=now)
    return demand


def demand_check(demand: Demand) -> list:
    """Re-run the check on a saved demand (e.g. after the patterns changed)."""
    items = [{"name": i.name, "specification": i.specification} for i in demand.items.all()]
    criteria = [{"name": c.name, "description": c.description} for c in demand.criteria.all()]
    return scan(_texts(title=demand.title, technical_requirements=demand.technical_requirements,
                       commercial_requirements=demand.commercial_requirements,
                       qualification_conditions=demand.qualification_conditions,
                       items=items, criteria=criteria))


@records_refusals()
@transaction.atomic
def demand_override_finding(*, finding: FairnessFinding, actor, justification: str, now=None,
                            ip=None) -> FairnessFinding:
    now = now or timezone.now()
    require_role(actor, finding.demand.purchaser, *EDITORS)
    if finding.severity == FairnessPattern.Severity.BLOCK:
        raise RuleViolation(_("A clear violation cannot be overridden; change the text."),
                            basis=finding.basis, code="fair_competition")
    justification = (justification or "").strip()
    if len(justification) < 10:
        raise DomainError(_("Explain in a sentence or more why this requirement is necessary "
                            "and does not restrict competition."), field="justification",
                          code="justification_required")
    finding.justification = justification
    finding.overridden_by = actor
    finding.overridden_at = now
    finding.save(update_fields=["justification", "overridden_by", "overridden_at"])
    audit_record(action="demand.override", actor=actor, organization=finding.demand.purchaser,
                 obj=finding.demand, detail={"finding": finding.pk, "excerpt": finding.excerpt,
                                             "justification": justification,
                                             "code": "fair_competition", "basis": finding.basis,
                                             "message": finding.message}, ip=ip, now=now)
    return finding
