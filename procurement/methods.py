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
- whether the procedure negotiates in rounds and ends with final quotations.

Numbers come from the rule registry (``rules.registry``), never literals here.
"""

from dataclasses import dataclass

from rules.registry import rule

from .models import Project

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

    def min_to_open(self, lot=None) -> int:
        return int(rule(self.min_to_open_rule).amount) if self.min_to_open_rule else 1

    def min_qualified(self, lot=None) -> int:
        return int(rule(self.min_qualified_rule).amount) if self.min_qualified_rule else 1

    def basis(self, code: str | None) -> str:
        return rule(code).basis if code else ""


POLICIES = {
    M.OPEN: MethodPolicy(M.OPEN),
    M.INVITED: MethodPolicy(M.INVITED, restricted=True),
    M.NEGOTIATION: MethodPolicy(
        M.NEGOTIATION, min_to_open_rule="negotiation.min_suppliers",
        min_qualified_rule="negotiation.min_suppliers", panel_rule="negotiation.min_panel",
        award_by="lowest_price", rounds=True),
    M.QUOTATION: MethodPolicy(
        M.QUOTATION, min_to_open_rule="inquiry_method.min_suppliers",
        min_qualified_rule="inquiry_method.min_suppliers", panel_rule="negotiation.min_panel",
        award_by="lowest_price"),
    M.CONSULTATION: MethodPolicy(
        M.CONSULTATION, min_to_open_rule="negotiation.min_suppliers",
        min_qualified_rule="negotiation.min_suppliers", panel_rule="negotiation.min_panel",
        award_by="scoring", rounds=True,
        price_weight_rules=("consultation.price_weight_goods",
                            "consultation.price_weight_services")),
    M.SINGLE_SOURCE: MethodPolicy(
        M.SINGLE_SOURCE, restricted=True, min_to_open_rule=None, min_qualified_rule=None,
        panel_rule="negotiation.min_panel", award_by="negotiated"),
}


def policy(method: str) -> MethodPolicy:
    """The policy of ``method`` (a ``Project.Method`` value)."""
    return POLICIES[method]
