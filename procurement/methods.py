"""How each procurement method runs: one policy per method, read by the services.

The law runs the six methods differently (法 第26–40条; 87号令 for tendering, 74号令
for negotiation, request for quotations and single source, 财库〔2014〕214号 for
competitive consultation). The services ask the method's policy instead of testing
the method by name, so that a rule lives in one place:

- who may take part: anyone who obtains the documents, or only the suppliers the
  procedure invited (``restricted``: invitational tendering draws them at random,
  single source names one, ``Invitation`` rows record them);
- how many responses are needed to open and how many qualified to go on, with the
  registry rule that says so (a method may allow fewer in the cases its rules name);
- who evaluates (a committee of 87号令 第47条, or a panel of 74号令) and how the
  winner is chosen (the demand's evaluation method, the lowest price, or scoring
  with a price weight in a range);
- whether the procedure negotiates in rounds and ends with final quotations
  (``services.rounds``), and how many final quotations it needs;
- the cases where the rules allow two suppliers instead of three, recorded on the
  project when it is drafted (``Project.supplier_exception``; ``allows_two``).

Numbers come from the rule registry (``rules.registry``), never literals here.
"""

from dataclasses import dataclass

from rules.registry import rule

from .models import Project, Threshold

M = Project.Method


@dataclass(frozen=True)
class MethodPolicy:
    method: str
    # Only invited suppliers (``Invitation``) may obtain the documents and respond.
    restricted: bool = False
    # Registry rule: responses needed to open; None: no minimum (single source).
    min_to_open_rule: str | None = "opening.min_bidders"
    # Registry rule: qualified responses needed to evaluate.
    min_qualified_rule: str | None = "evaluation.min_qualified"
    # Registry rule for the size of the committee or panel (odd, at least).
    panel_rule: str = "committee.min_members"
    # "documents": as the demand's evaluation method says (lowest price or scoring);
    # "lowest_price": the lowest price among those meeting the requirements;
    # "scoring": comprehensive scoring; "negotiated": the one supplier's agreed price.
    award_by: str = "documents"
    # Negotiation or consultation in rounds, ending with final quotations.
    rounds: bool = False
    # The registry rules of the price weight range under scoring (goods, services).
    price_weight_rules: tuple[str, str] | None = None
    # The panel above the open-tender threshold (74号令 第7条: five or more).
    panel_large_rule: str | None = None
    # Registry rule: suppliers that must submit final quotations (rounds only).
    final_quotes_rule: str | None = None
    # Registry rule behind "one price, not changeable" (quotation): no rounds.
    fixed_price_rule: str | None = None
    # The cases where the rules allow two suppliers: (the reason recorded on the project,
    # ``Project.supplier_exception``, and the registry rule that allows it).
    exceptions: tuple[tuple[str, str], ...] = ()

    def exception_rule(self, project) -> str | None:
        """The registry rule of the project's recorded exception, if this method has it."""
        reason = getattr(project, "supplier_exception", "") or ""
        return dict(self.exceptions).get(reason) if reason else None

    def allows_two(self, project) -> bool:
        return self.exception_rule(project) is not None

    def _minimum(self, code: str | None, lot) -> int:
        if code is None:
            return 1
        exception = self.exception_rule(lot.project) if lot is not None else None
        return int(rule(exception or code).amount)

    def min_to_open(self, lot=None) -> int:
        return self._minimum(self.min_to_open_rule, lot)

    def min_qualified(self, lot=None) -> int:
        return self._minimum(self.min_qualified_rule, lot)

    def min_final_quotes(self, lot=None) -> int:
        return self._minimum(self.final_quotes_rule or self.min_qualified_rule, lot)

    def minimum_basis(self, code: str | None, lot=None) -> str:
        """The basis of a minimum, naming the exception when the project has one."""
        exception = self.exception_rule(lot.project) if lot is not None else None
        return "; ".join(rule(c).basis for c in (code, exception) if c)

    def panel_rule_for(self, lot) -> str:
        """The panel's registry rule: the larger one above the open-tender threshold."""
        if self.panel_large_rule is None:
            return self.panel_rule
        from .rules import threshold  # procurement.rules imports this module

        limit = threshold(Threshold.Kind.OPEN_TENDER, lot.project.demand.category)
        return self.panel_large_rule if limit and lot.budget >= limit.amount \
            else self.panel_rule

    def price_weight_rule(self, category: str) -> str | None:
        """The registry rule of the price weight range for the demand's category."""
        if not self.price_weight_rules:
            return None
        goods, services = self.price_weight_rules
        return {"goods": goods, "service": services}.get(category)

    def basis(self, code: str | None) -> str:
        return rule(code).basis if code else ""


POLICIES = {
    M.OPEN: MethodPolicy(M.OPEN),
    M.INVITED: MethodPolicy(M.INVITED, restricted=True),
    M.NEGOTIATION: MethodPolicy(
        M.NEGOTIATION, min_to_open_rule="negotiation.min_suppliers",
        min_qualified_rule="negotiation.min_suppliers", panel_rule="negotiation.min_panel",
        award_by="lowest_price", rounds=True, panel_large_rule="negotiation.min_panel_large",
        final_quotes_rule="negotiation.final_quotes",
        exceptions=((Project.SupplierException.FAILED_TENDER_TWO,
                     "negotiation.two_after_failed_tender"),)),
    M.QUOTATION: MethodPolicy(
        M.QUOTATION, min_to_open_rule="inquiry_method.min_suppliers",
        min_qualified_rule="inquiry_method.min_suppliers", panel_rule="negotiation.min_panel",
        award_by="lowest_price", panel_large_rule="negotiation.min_panel_large",
        fixed_price_rule="inquiry_method.one_price"),
    M.CONSULTATION: MethodPolicy(
        M.CONSULTATION, min_to_open_rule="negotiation.min_suppliers",
        min_qualified_rule="negotiation.min_suppliers", panel_rule="negotiation.min_panel",
        award_by="scoring", rounds=True,
        price_weight_rules=("consultation.price_weight_goods",
                            "consultation.price_weight_services"),
        final_quotes_rule="consultation.final_quotes",
        exceptions=((Project.SupplierException.RESEARCH_TWO,
                     "consultation.two_for_research"),)),
    M.SINGLE_SOURCE: MethodPolicy(
        M.SINGLE_SOURCE, restricted=True, min_to_open_rule=None, min_qualified_rule=None,
        panel_rule="negotiation.min_panel", award_by="negotiated"),
}


def policy(method: str) -> MethodPolicy:
    """The policy of ``method`` (a ``Project.Method`` value)."""
    return POLICIES[method]
