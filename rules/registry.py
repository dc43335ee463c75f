"""The rule registry: every statutory number once, with its legal basis.

Two profiles ship (RULES.md): ``national`` — the law's "no later than"
limits — and ``xuchang`` — the stricter 春风行动 plan, the default. A
deployment picks one with ``RULE_PROFILE`` and may override single values
with ``RULE_OVERRIDES`` (JSON, e.g. ``{"contract.sign": 3}``). Services ask
``rule("contract.sign")`` and get the value in force with its basis, so a
deadline, a warning or a refusal can always say why.

Values marked ``verify`` come from secondary transcriptions (RULES.md) and
are kept configurable on purpose.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    WORKDAYS = "workdays", _("working days")
    DAYS = "days", _("calendar days")
    HOURS = "hours", _("hours")
    YEARS = "years", _("years")
    PERCENT = "percent", _("per cent")
    YUAN = "yuan", _("yuan")
    COUNT = "count", _("count")
    FLAG = "flag", _("allowed (yes/no)")


class Category(models.TextChoices):
    CONTRACT = "contract", _("Contract and payment")
    TENDER = "tender", _("Tendering")
    EVALUATION = "evaluation", _("Evaluation and award")
    METHODS = "methods", _("Other procurement methods")
    FEES = "fees", _("Fees and bonds")
    SME = "sme", _("Small and medium-sized enterprises")
    COMPLAINTS = "complaints", _("Inquiries, challenges and complaints")
    DISCLOSURE = "disclosure", _("Disclosure")
    FRAMEWORK = "framework", _("Framework agreements")


@dataclass(frozen=True)
class Rule:
    code: str
    category: str
    description: str
    amount: Decimal | int | bool | None
    unit: str
    basis: str
    maximum: Decimal | int | None = None  # for ranges such as 10–20 %
    verify: bool = False
    overridden: bool = False

    @property
    def is_clock(self) -> bool:
        return self.unit in (Unit.WORKDAYS, Unit.DAYS, Unit.HOURS)

    def display_value(self) -> str:
        if self.amount is None:
            return str(_("set by the contract"))
        if self.unit == Unit.FLAG:
            return str(_("allowed") if self.amount else _("forbidden"))
        value = f"{self.amount}" if self.maximum is None else f"{self.amount}–{self.maximum}"
        return f"{value} {Unit(self.unit).label}"


def R(code, category, description, amount, unit, basis, **kw):
    return Rule(code=code, category=category, description=description, amount=amount,
                unit=unit, basis=basis, **kw)


C, T, E, M, F, S, Q, D, FW = (Category.CONTRACT, Category.TENDER, Category.EVALUATION,
                               Category.METHODS, Category.FEES, Category.SME,
                               Category.COMPLAINTS, Category.DISCLOSURE, Category.FRAMEWORK)
WD, DAYS, HOURS, YEARS, PCT, YUAN, N, FLAG = (
    Unit.WORKDAYS, Unit.DAYS, Unit.HOURS, Unit.YEARS, Unit.PERCENT, Unit.YUAN, Unit.COUNT,
    Unit.FLAG)

# The national profile: the law's own limits.
NATIONAL = [
    # Contract to payment
    R("contract.sign", C, _("Sign the contract after the award notice"), 30, DAYS, "法 第46条"),
    R("contract.publish", C, _("Publish the contract after signing"), 2, WD, "条例 第50条"),
    R("contract.file", C, _("File (备案) the contract after signing"), 7, WD, "法 第47条"),
    R("acceptance.organise", C, _("Organise acceptance after the supplier's request"), None,
      WD, "法 第41条"),
    R("payment.after_invoice", C, _("Pay after the invoice is received"), 30, DAYS,
      "财库〔2019〕38号; 保障中小企业款项支付条例 第9条"),
    R("payment.sme_contract_max", C, _("Longest payment term agreed with an SME"), 60, DAYS,
      "保障中小企业款项支付条例 第10条"),
    R("payment.late_interest", C, _("Late-payment interest to SMEs per day, unless agreed"),
      Decimal("0.05"), PCT, "保障中小企业款项支付条例 第15条", verify=True),
    R("advance_payment.min", C, _("Advance payment, when chosen, at least"), None, PCT,
      "—"),
    R("contract.supplement_max", C, _("Supplementary contract at most"), 10, PCT, "法 第49条"),
    R("payment.funds_condition", C,
      _("Payment made conditional on fiscal funds arriving"), False, FLAG,
      "保障中小企业款项支付条例", verify=True),
    R("records.retention", C, _("Keep procurement records at least"), 15, YEARS, "法 第42条"),
    # Tendering
    R("tender.min_period", T, _("From documents issued to the bid deadline, at least"), 20,
      DAYS, "法 第35条"),
    R("tender.documents_available", T, _("Documents available for at least"), 5, WD,
      "条例 第31条; 87号令 第18条"),
    R("tender.announcement_period", T, _("Tender announcement period"), 5, WD,
      "87号令 第16条"),
    R("tender.clarification_notice", T,
      _("A clarification affecting bids comes this long before the deadline, else the "
        "deadline moves"), 15, DAYS, "条例 第31条; 87号令 第27条"),
    R("opening.min_bidders", T, _("Bidders needed to open"), 3, N, "87号令 第39、41、43条"),
    # Evaluation and award
    R("evaluation.min_qualified", E, _("Qualified bids needed to evaluate"), 3, N,
      "87号令 第44条"),
    R("committee.min_members", E, _("Evaluation committee members, at least (odd)"), 5, N,
      "87号令 第47条"),
    R("committee.min_members_large", E,
      _("Committee members when the budget reaches the large-project amount"), 7, N,
      "87号令 第47条"),
    R("committee.large_budget", E, _("Large-project budget amount"), 10_000_000, YUAN,
      "87号令 第47条"),
    R("committee.expert_share", E, _("Share of experts in the committee, at least"),
      Decimal("66.67"), PCT, "87号令 第47条"),
    R("evaluation.report_to_purchaser", E, _("Send the evaluation report to the purchaser"),
      2, WD, "条例 第43条"),
    R("award.confirm", E, _("Purchaser confirms the winner in ranking order"), 5, WD,
      "条例 第43条"),
    R("award.notice", E, _("Issue the award notice and result announcement"), 2, WD,
      "条例 第43条; 87号令 第69条"),
    R("award.result_period", E, _("Result announcement period"), 1, WD, "87号令 第69条"),
    R("price.weight_goods_min", E, _("Price weight for goods, at least"), 30, PCT,
      "87号令 第55条"),
    R("price.weight_services_min", E, _("Price weight for services, at least"), 10, PCT,
      "87号令 第55条"),
    R("price.abnormally_low", E,
      _("Flag a bid this far below the mean of the others as abnormally low"), 40, PCT,
      "87号令 第60条; 财库〔2026〕2号", verify=True),
    R("bid.over_budget", E,
      _("A price above the budget, or the ceiling price when set, makes the bid invalid"),
      True, FLAG, "87号令 第63条"),
    R("bid.same_brand", E,
      _("Bidders offering the same brand of the core product count as one bidder"), True,
      FLAG, "87号令 第31条"),
    R("evaluation.majority", E,
      _("The committee decides disputed joint findings by majority; dissent is recorded "
        "with its reasons"), True, FLAG, "87号令 第61条", verify=True),
    R("evaluation.tie", E,
      _("Equal score and equal price are tied, settled as the procurement documents say"),
      True, FLAG, "87号令 第56、57条"),
    # Other methods
    R("negotiation.min_response", M, _("Competitive negotiation: documents to first response"),
      3, WD, "74号令"),
    R("negotiation.min_suppliers", M, _("Competitive negotiation: suppliers, at least"), 3, N,
      "74号令"),
    R("negotiation.min_panel", M, _("Negotiation panel members, at least (odd)"), 3, N,
      "74号令"),
    R("inquiry_method.min_period", M, _("Request for quotations: period, at least"), 3, WD,
      "74号令 第45条"),
    R("inquiry_method.min_suppliers", M, _("Request for quotations: suppliers, at least"), 3,
      N, "法 第40条"),
    R("single_source.publicity", M, _("Single source: publicity period, at least"), 5, WD,
      "条例 第38条"),
    # The finance bureau approves another method above the open-tender threshold, and a
    # change of method after a failed tender, before the procurement starts.
    R("method.bureau_approval", M,
      _("Another method above the open-tender threshold: the finance bureau approves"), True,
      FLAG, "法 第27条; 条例 第23条"),
    R("method.change_approval", M,
      _("Change of method after a failed tender: the finance bureau approves"), True, FLAG,
      "87号令 第43条; 法 第27条"),
    R("single_source.objections", M,
      _("Single source: objections during the publicity are decided before negotiating"),
      True, FLAG, "条例 第38条; 74号令 第39条", verify=True),
    R("single_source.negotiation_record", M,
      _("Single source: the negotiation record is signed by every member of the panel"),
      True, FLAG, "74号令 第42条", verify=True),
    R("single_source.within_budget", M,
      _("Single source: the agreed price within the budget, else the procurement ends"),
      True, FLAG, "74号令 第43条", verify=True),
    R("single_source.addition_share", M,
      _("Single source for consistency: additions at most this share of the original contract"),
      10, PCT, "法 第31条"),
    R("consultation.min_period", M, _("Competitive consultation: period, at least"), 10, DAYS,
      "财库〔2014〕214号 第10条"),
    R("consultation.documents_available", M,
      _("Competitive consultation: documents available, at least"), 5, WD,
      "财库〔2014〕214号 第10条"),
    R("consultation.clarification_notice", M,
      _("Competitive consultation: clarification before the deadline, at least"), 5, DAYS,
      "财库〔2014〕214号 第10条"),
    R("consultation.price_weight_goods", M, _("Competitive consultation: goods price weight"),
      30, PCT, "财库〔2014〕214号 第24条", maximum=60),
    R("consultation.price_weight_services", M,
      _("Competitive consultation: services price weight"), 10, PCT,
      "财库〔2014〕214号 第24条", maximum=30),
    # Negotiation, quotation and consultation in their own flows (issue #12).
    R("negotiation.min_panel_large", M,
      _("Negotiation or quotation panel above the open-tender threshold, at least (odd)"), 5,
      N, "74号令 第7条", verify=True),
    R("negotiation.two_after_failed_tender", M,
      _("Negotiation with two suppliers after an open tender in which only two responded "
        "or qualified"), 2, N, "74号令 第27条第2款", verify=True),
    R("negotiation.final_quotes", M,
      _("Competitive negotiation: suppliers submitting final quotations, at least"), 3, N,
      "74号令 第33条、第37条", verify=True),
    R("negotiation.award", M,
      _("Competitive negotiation: the lowest final quotation meeting the requirements wins"),
      True, FLAG, "74号令 第35条", verify=True),
    R("inquiry_method.one_price", M,
      _("Request for quotations: one price, which may not be changed; the lowest meeting "
        "the requirements wins"), True, FLAG, "法 第40条; 74号令 第45条", verify=True),
    R("consultation.final_quotes", M,
      _("Competitive consultation: suppliers submitting final quotations, at least"), 3, N,
      "财库〔2014〕214号 第21条", verify=True),
    R("consultation.two_for_research", M,
      _("Competitive consultation with two suppliers: research projects without sufficient "
        "competition, supported transfers of scientific results"), 2, N,
      "财库〔2015〕124号", verify=True),
    R("invitation.min_drawn", M, _("Invitational tendering: suppliers drawn, at least"), 3, N,
      "法 第34条; 87号令 第14条"),
    R("invitation.pool_multiple", M, _("Invitational tendering: pool size, times those drawn"),
      2, N, "87号令 第14条"),
    # 资格预审公告: its period (87号令 第16条 names 5 WD for tender and qualification
    # notices; RULES.md does not list it: verify).
    R("invitation.qualification_period", M,
      _("Invitational tendering: qualification notice period, at least"), 5, WD,
      "87号令 第14、16条", verify=True),
    # Fees and bonds
    R("fees.bid_bond_max", F, _("Bid bond at most"), 2, PCT, "条例 第33条"),
    R("fees.performance_bond_max", F, _("Performance bond at most"), 10, PCT, "条例 第48条"),
    R("fees.document_fee", F, _("Fee for procurement documents"), True, FLAG, "—"),
    R("fees.platform_fee", F, _("Platform or transaction fee"), True, FLAG, "—"),
    R("fees.central_agency_fee", F, _("Service fee of the central procurement agency"), True,
      FLAG, "—"),
    # SMEs
    R("sme.reserve_all_max_goods", S,
      _("Reserve wholly for SMEs: goods and services up to"), 2_000_000, YUAN,
      "财库〔2020〕46号 第7条", verify=True),
    R("sme.reserve_all_max_works", S, _("Reserve wholly for SMEs: engineering up to"),
      4_000_000, YUAN, "财库〔2020〕46号 第7条", verify=True),
    R("sme.reserve_share", S, _("Share reserved for SMEs above that, at least"), 30, PCT,
      "财库〔2020〕46号 第8条; 财库〔2022〕19号"),
    R("sme.small_micro_share", S, _("Of the reserved share, for small and micro firms"), 60,
      PCT, "财库〔2020〕46号 第8条"),
    R("sme.deduction_goods", S, _("Price deduction for small/micro firms: goods and services"),
      10, PCT, "财库〔2022〕19号", maximum=20),
    R("sme.deduction_works", S, _("Price deduction for small/micro firms: engineering"), 3,
      PCT, "财库〔2022〕19号", maximum=5),
    R("sme.consortium_deduction_goods", S,
      _("Deduction for a consortium with at least 30 per cent small/micro share: goods and "
        "services"), 4, PCT,
      "财库〔2022〕19号", maximum=6),
    R("sme.consortium_deduction_works", S,
      _("Deduction for a consortium with at least 30 per cent small/micro share: "
        "engineering"), 1, PCT,
      "财库〔2022〕19号", maximum=2),
    R("sme.reserved_min_bidders", S, _("SME bidders needed in a reserved lot"), 3, N,
      "财库〔2020〕46号 第10条", verify=True),
    R("sme.not_reserved_reasons", S,
      _("A lot within the reservation limits left unreserved only for a reason the rules "
        "allow"), True, FLAG, "财库〔2020〕46号 第6条", verify=True),
    R("sme.made_by_sme", S,
      _("SME benefits only when every item is made (built, provided) by an SME; mixed "
        "makers get none"), True, FLAG, "财库〔2020〕46号 第4条", verify=True),
    R("sme.consortium_control", S,
      _("No consortium deduction where a small/micro member is controlled by or manages "
        "another member"), True, FLAG, "财库〔2020〕46号 第9条", verify=True),
    R("sme.deduction_published", S,
      _("The deduction rate is stated in the procurement documents"), True, FLAG,
      "财库〔2020〕46号 第12条", verify=True),
    # Inquiries, challenges, complaints
    R("inquiry.answer", Q, _("Answer an inquiry (询问)"), 3, WD, "条例 第52条"),
    R("challenge.file", Q, _("File a challenge (质疑) after the supplier knew"), 7, WD,
      "法 第52条; 条例 第53条"),
    R("challenge.answer", Q, _("Answer a challenge"), 7, WD, "法 第53条"),
    R("complaint.file", Q, _("File a complaint (投诉) after the answer deadline"), 15, WD,
      "法 第55条"),
    R("complaint.review", Q, _("Finance bureau reviews a complaint for acceptance"), 5, WD,
      "94号令 第21条"),
    R("complaint.reply", Q,
      _("The respondent replies in writing to an accepted complaint, with its evidence, "
        "within"), 5, WD, "94号令 第22条", verify=True),
    R("complaint.decide", Q, _("Decide a complaint"), 30, WD, "法 第56条; 条例 第58条"),
    R("complaint.suspend_max", Q, _("Suspend procurement during a complaint, at most"), 30,
      DAYS, "法 第57条"),
    R("complaint.correction", Q,
      _("The complainant corrects an incomplete complaint within"), 5, WD, "94号令 第21条",
      verify=True),
    R("mediation.accept", Q, _("Accept or decline a request for mediation"), 5, WD,
      "春风行动 第29条", verify=True),
    R("mediation.conclude", Q, _("Conclude a mediation (settlement, withdrawal or referral)"),
      30, DAYS, "春风行动 第29条", verify=True),
    # Credit (春风行动 第28条) and penalties
    R("credit.debarment", Q,
      _("Listed as seriously dishonest and barred from government procurement for"), 1,
      YEARS, "法 第77条", maximum=3, verify=True),  # 法 第77条 is not in RULES.md
    R("credit.record_period", Q, _("A credit record counts towards the grade for"), 3,
      YEARS, "春风行动 第28条", verify=True),
    R("credit.spot_check_a", Q, _("Share of grade A organisations sampled for checks each "
                                  "quarter"), 5, PCT, "春风行动 第28条", verify=True),
    R("credit.spot_check_b", Q, _("Share of grade B organisations sampled for checks each "
                                  "quarter"), 10, PCT, "春风行动 第28条", verify=True),
    R("credit.spot_check_c", Q, _("Share of grade C organisations sampled for checks each "
                                  "quarter"), 30, PCT, "春风行动 第28条", verify=True),
    R("credit.spot_check_d", Q, _("Share of grade D organisations sampled for checks each "
                                  "quarter"), 100, PCT, "春风行动 第28条", verify=True),
    # Disclosure
    R("disclosure.publish", D, _("Publish a notice on the platform"), 1, WD, "101号令"),
    R("intention.min_lead", D,
      _("Publish the procurement intention before procurement starts, at least"), 30, DAYS,
      "财库〔2020〕10号", verify=True),
    # Framework agreements
    R("framework.min_admitted", FW, _("Stage 1 admits at least"), 2, N, "110号令",
      verify=True),
    R("framework.min_eliminated", FW, _("Stage 1 eliminates at least"), 20, PCT, "110号令",
      verify=True),
    R("framework.sign", FW, _("Sign the framework agreement after admission"), 30, DAYS,
      "110号令", verify=True),
    R("framework.file", FW, _("File the framework agreement"), 7, WD, "110号令", verify=True),
    R("framework.stage2_publish", FW, _("Publish each stage-2 award"), 2, WD, "110号令",
      verify=True),
]

# 春风行动: stricter values; everything not named here is the national value.
XUCHANG = [
    R("contract.sign", C, _("Sign the contract after the award notice"), 2, WD,
      "春风行动 第18条"),
    R("contract.publish", C, _("Publish the contract after signing"), 1, WD, "春风行动 第18条"),
    R("contract.file", C, _("File (备案) the contract after signing"), 1, WD,
      "春风行动 第18条"),
    R("acceptance.organise", C, _("Organise acceptance after the supplier's request"), 1, WD,
      "春风行动 第18条"),
    R("payment.after_invoice", C, _("Pay after the invoice is received"), 2, WD,
      "春风行动 第18条"),
    R("advance_payment.min", C, _("Advance payment, when chosen, at least"), 40, PCT,
      "春风行动 第13条"),
    R("fees.bid_bond_max", F, _("Bid bond at most"), 0, PCT, "春风行动 第19条"),
    R("fees.performance_bond_max", F, _("Performance bond at most"), 0, PCT,
      "春风行动 第19条"),
    R("fees.document_fee", F, _("Fee for procurement documents"), False, FLAG,
      "春风行动 第19条"),
    R("fees.platform_fee", F, _("Platform or transaction fee"), False, FLAG,
      "春风行动 第19条"),
    R("fees.central_agency_fee", F, _("Service fee of the central procurement agency"), False,
      FLAG, "春风行动 第19条"),
]

PROFILES = {
    "national": {r.code: r for r in NATIONAL},
    "xuchang": {**{r.code: r for r in NATIONAL}, **{r.code: r for r in XUCHANG}},
}
PROFILE_LABELS = {"national": _("National law"), "xuchang": _("Xuchang Chunfeng plan")}


class UnknownRule(KeyError):
    """``rule()`` of a code the registry does not hold: a typing error in the caller.

    A ``KeyError`` (callers that show a clock's code when its rule is gone catch it), whose
    message names the code and the profile instead of KeyError's bare quoted key.
    """

    def __init__(self, code: str, profile: str | None = None):
        super().__init__(code)
        self.code = code
        self.profile = profile

    def __str__(self):
        return (f"No rule {self.code!r} in the {self.profile or profile_name()!r} profile; "
                f"the codes are listed in rules.registry (and on /rules/).")


def _coerce(rule: Rule, value):
    """An override's value in the rule's own type; ``ValueError`` when it cannot be one."""
    if rule.unit == Unit.FLAG:
        return bool(value)
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("a number is needed, not true/false")
    number = Decimal(str(value))
    if number < 0:
        raise ValueError("a limit cannot be negative")
    if isinstance(rule.amount, Decimal):
        return number
    if number != number.to_integral_value():
        raise ValueError("a whole number is needed")
    return int(number)


def profile_name() -> str:
    return settings.RULE_PROFILE


def rules_in_force(profile: str | None = None) -> dict[str, Rule]:
    """Every rule of ``profile`` (the one in force by default), with ``RULE_OVERRIDES``."""
    profile = profile or profile_name()
    if profile not in PROFILES:
        raise ValueError(f"No rule profile {profile!r}; the profiles are "
                         f"{', '.join(sorted(PROFILES))}.")
    base = PROFILES[profile]
    overrides = getattr(settings, "RULE_OVERRIDES", {}) or {}
    if not overrides:
        return base
    merged = dict(base)
    for code, value in overrides.items():
        merged[code] = replace(base[code], amount=_coerce(base[code], value), overridden=True)
    return merged


def rule(code: str, profile: str | None = None) -> Rule:
    """The rule ``code`` in force: its value (overrides applied) and its legal basis."""
    try:
        return rules_in_force(profile)[code]
    except KeyError:
        raise UnknownRule(code, profile) from None


def validate_overrides() -> None:
    """RULE_OVERRIDES naming an unknown rule or a bad value fails at start."""
    for code, value in (getattr(settings, "RULE_OVERRIDES", {}) or {}).items():
        if code not in PROFILES["national"]:
            raise ImproperlyConfigured(f"RULE_OVERRIDES: unknown rule {code!r}.")
        try:
            _coerce(PROFILES["national"][code], value)
        except (ValueError, ArithmeticError) as exc:
            raise ImproperlyConfigured(f"RULE_OVERRIDES: bad value for {code!r}: {value!r}") \
                from exc
