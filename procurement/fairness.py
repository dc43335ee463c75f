"""The fair-competition check (公平竞争审查) on a demand's text.

Patterns live in the database (FairnessPattern) so the finance bureau can add
and correct them; the defaults are in ``procurement/data/fairness_patterns.py``.

The text is read the way a reviewer reads it:

1. sentences, split at 。；; and line breaks;
2. within a sentence, *scopes*, split before 但/但是/但须 — what is said after
   "but" is never excused by a negation said before it, and vice versa;
3. within a scope, *sub-clauses*, split at commas (not a thousands separator).

Two readers use the patterns:

- ``condition`` (qualification or scoring conditions): the pattern must match
  in the scope (``[^，。；]`` keeps it within a sub-clause; "未胶装的，按无效投标处理"
  spans one), and the pattern's exception (a lawful negation such as
  "不作为评审因素", "不得以…作为") must not be found in the sub-clauses it
  matched nor open the next one — "中标后在本地设立售后服务网点的，不作为评审因素"
  is lawful, "须在许昌设立分支机构，不要求注册资本" is not.
- ``fee`` (bonds and fees): the pattern names the fee; the exception holds the
  words that waive it (不收取, 免收…). The waiver counts only in the fee's own
  sub-clause, so "本项目不收取标书费，但投标人须缴纳投标保证金5000元" waives the
  document fee and imposes the bid bond. Amounts (元/万元, Chinese numerals)
  and percentages (%/百分之/千分之) are read as numbers — "0元" is zero,
  "10000元" is not. Whether the fee is allowed, and up to what percentage,
  is the rule registry's (``fees.*``): under ``xuchang`` every fee is
  forbidden (春风行动 第19条); under ``national`` a bid bond may be at most 2%
  (条例 第33条) and a performance bond 10% (条例 第48条) — an amount in yuan
  cannot be judged without the budget and passes there.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

from rules.registry import Unit, rule

from .models import FairnessPattern

SENTENCES = re.compile(r"[。；;！!？?\n]+")
# Before 但 (not 不但): the start of a new negation scope; the connective stays with it.
SCOPES = re.compile(r"(?<!不)(?=但)")
# A full-width comma, or an ASCII one that is not a thousands separator (10,000元).
COMMAS = re.compile(r"[，]|,(?!\d{3}(?!\d))")
# 除投标保证金外 / 除履约保证金以外: what is named inside is the exception to the rest.
EXCEPT = re.compile(r"除(?P<named>[^，,]{1,40}?)(?:以)?外")

# Which registry rule decides each fee topic (the numbers are the registry's, never here).
FEE_RULES = {
    FairnessPattern.Topic.BID_BOND: "fees.bid_bond_max",
    FairnessPattern.Topic.PERFORMANCE_BOND: "fees.performance_bond_max",
    FairnessPattern.Topic.DOCUMENT_FEE: "fees.document_fee",
    FairnessPattern.Topic.PLATFORM_FEE: "fees.platform_fee",
    FairnessPattern.Topic.AGENCY_FEE: "fees.central_agency_fee",
}

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3,
              "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7,
              "八": 8, "捌": 8, "九": 9, "玖": 9}
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN = "零〇一壹二贰两三叁四肆五伍六陆七柒八捌九玖十拾百佰千仟万亿点"
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
AMOUNT = re.compile(rf"(?P<n>{_NUM}|[{_CN}]+)\s*(?P<unit>万|千)?\s*元")
PERCENT = re.compile(rf"(?P<n>{_NUM})\s*[%％]|(?P<per>百|千)分之(?P<cn>{_NUM}|[{_CN}]+)")


def chinese_number(text: str) -> Decimal | None:
    """Decimal of a simple Chinese numeral (二十万, 壹万伍仟, 五, 零点五); None if not one."""
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(_NUM, text):
        return Decimal(text.replace(",", ""))
    whole, _, fraction = text.partition("点")
    total, section, digit = Decimal(0), Decimal(0), None
    for ch in whole:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (digit if digit is not None else 1) * _CN_UNITS[ch]
            digit = None
        elif ch in ("万", "亿"):
            section += digit or 0
            total += section * (10_000 if ch == "万" else 100_000_000)
            section, digit = Decimal(0), None
        else:
            return None
    total += section + (digit or 0)
    if fraction:
        digits = "".join(str(_CN_DIGITS[ch]) for ch in fraction if ch in _CN_DIGITS)
        if len(digits) != len(fraction):
            return None
        total += Decimal("0." + digits)
    return total


def read_amounts(text: str) -> list[Decimal]:
    """Every sum of money in yuan in ``text``."""
    found = []
    for m in AMOUNT.finditer(text):
        try:
            number = chinese_number(m["n"])
        except InvalidOperation:
            number = None
        if number is None:
            continue
        if m["unit"] == "万":
            number *= 10_000
        elif m["unit"] == "千":
            number *= 1_000
        found.append(number)
    return found


def read_percentages(text: str) -> list[Decimal]:
    """Every percentage in ``text`` (2%, 百分之二, 千分之五 = 0.5)."""
    found = []
    for m in PERCENT.finditer(text):
        if m["n"]:
            found.append(Decimal(m["n"].replace(",", "")))
            continue
        number = chinese_number(m["cn"])
        if number is not None:
            found.append(number if m["per"] == "百" else number / 10)
    return found


@dataclass(frozen=True)
class Scope:
    """The sub-clauses of one sentence between two 但."""

    sentence: str
    clauses: tuple[str, ...]

    @property
    def text(self) -> str:
        return "，".join(self.clauses)


def read_clauses(text: str):
    """Yield every scope of every sentence of ``text``."""
    for sentence in SENTENCES.split(text or ""):
        sentence = sentence.strip()
        if not sentence:
            continue
        for part in SCOPES.split(sentence):
            clauses = tuple(c.strip() for c in COMMAS.split(part) if c.strip())
            if clauses:
                yield Scope(sentence, clauses)


# A sub-clause that only qualifies the one before it ("…的，均不作为评审因素"), as opposed
# to one that says something of its own ("…，不要求注册资本").
QUALIFIER = re.compile(r"^(均|则|也|亦|可|将|一律)?不(得|予|再)?(作为|列为|构成|纳入|计入|计分|"
                       r"加分|得分|考虑|作)")


def excused(scope: Scope, match: re.Match, exception: re.Pattern | None) -> bool:
    """Whether ``exception`` makes ``match`` (in ``scope.text``) lawful: found in the
    sub-clauses the match covers, or opening the next one — "中标后在本地设立售后服务网点的，
    不作为评审因素" — but not in a sub-clause that says something else
    ("须在许昌设立分支机构，不要求注册资本" is still a branch requirement)."""
    if exception is None:
        return False
    start = 0
    covered, following = [], None
    for clause in scope.clauses:
        end = start + len(clause)
        if start <= match.end() and end >= match.start() and end > start:
            covered.append(clause)
        elif start > match.end() and following is None:
            following = clause
        start = end + 1  # the joining comma
    if any(exception.search(c) for c in covered):
        return True
    following = following or ""
    return bool(QUALIFIER.search(following) and exception.search(following))


@dataclass(frozen=True)
class FeeReading:
    """One fee as a sub-clause states it."""

    waived: bool
    amounts: tuple[Decimal, ...] = ()
    percentages: tuple[Decimal, ...] = ()

    @property
    def imposed(self) -> bool:
        if self.waived:
            return False
        if self.amounts or self.percentages:  # "0元" / "百分之零" is no fee
            return any(n > 0 for n in self.amounts + self.percentages)
        return True  # named and not waived: required without a sum ("须提交履约保证金")

    def describe(self) -> str:
        parts = [f"{p.normalize():f}%" for p in self.percentages]
        parts += [f"{a.normalize():f}元" for a in self.amounts]
        return "、".join(parts) or gettext("required")


def read_fee(scope: Scope, index: int, fee: re.Pattern, waiver: re.Pattern | None,
             every_fee: list[re.Pattern]) -> FeeReading | None:
    """How sub-clause ``index`` of ``scope`` states the fee that ``fee`` names; None if it
    does not name it (or names it only as the exception of something that is no waiver).
    ``every_fee`` are the patterns of all fees, so that each takes its own sums."""
    clause = scope.clauses[index]

    def waives(text):
        return bool(waiver and waiver.search(text))

    excepts = [m for m in EXCEPT.finditer(clause)]
    matches = list(fee.finditer(clause))
    if not matches:
        return None
    outside = [m for m in matches
               if not any(e.start() <= m.start() < e.end() for e in excepts)]
    if not outside:
        # "除履约保证金外，不收取其他费用": the fee named as the exception of a waiver is the
        # one that is charged; as the exception of anything else it says nothing.
        rest = clause[excepts[-1].end():] or (scope.clauses[index + 1]
                                              if index + 1 < len(scope.clauses) else "")
        return FeeReading(waived=False) if waives(rest) else None
    own = clause
    for e in reversed(excepts):  # the exception's words are not this fee's waiver or sum
        own = own[:e.start()] + " " * (e.end() - e.start()) + own[e.end():]
    match = outside[0]
    # Other fees named in the same sub-clause keep their own sums ("投标保证金5000元及履约
    # 保证金为合同金额的5%"); a sum before the first fee named is its ("缴纳5000元投标保证金").
    named = sorted({m.start() for p in every_fee for m in p.finditer(own)})
    before = [s for s in named if s < match.start()]
    after = [s for s in named if s >= match.end()]
    span = own[match.start() if before else 0:after[0] if after else len(own)]
    reading = FeeReading(waived=waives(own), amounts=tuple(read_amounts(span)),
                         percentages=tuple(read_percentages(span)))
    if reading.waived or reading.amounts or reading.percentages:
        return reading
    # "投标保证金，本项目不收取" / "投标保证金金额，人民币贰万元整": the sum or the waiver
    # follows in a later sub-clause that names no fee of its own.
    for following in scope.clauses[index + 1:]:
        if any(p.search(following) for p in every_fee):
            break
        if waives(following):
            return FeeReading(waived=True)
        amounts, percentages = read_amounts(following), read_percentages(following)
        if amounts or percentages:
            return FeeReading(waived=False, amounts=tuple(amounts),
                              percentages=tuple(percentages))
    return reading


def fee_violation(topic: str, reading: FeeReading, profile: str | None = None):
    """(rule, what was read) when ``reading`` breaks the profile's fee rule, else None."""
    the_rule = rule(FEE_RULES[topic], profile)
    if not reading.imposed:
        return None
    if the_rule.unit == Unit.FLAG:
        return None if the_rule.amount else the_rule
    maximum = Decimal(the_rule.amount or 0)
    if maximum == 0:
        return the_rule  # forbidden outright: any sum, any percentage, or none stated
    if any(p > maximum for p in reading.percentages):
        return the_rule
    return None  # within the maximum, or a sum in yuan that needs the budget to judge


@dataclass(frozen=True)
class Hit:
    pattern: FairnessPattern
    field: str
    excerpt: str
    topic: str
    severity: str
    message: str
    basis: str


def _compile(patterns):
    compiled = []
    for p in patterns:
        try:
            compiled.append((p, re.compile(p.pattern),
                             re.compile(p.exception) if p.exception else None))
        except re.error:
            continue  # a broken admin pattern must not stop procurement; admin validates
    return compiled


def scan(texts: dict[str, str], patterns=None, profile: str | None = None) -> list[Hit]:
    """Every clause of every field that a pattern flags, most severe first.

    ``profile`` is the rule profile that decides the fees (the one in force by default).
    """
    if patterns is None:
        patterns = list(FairnessPattern.objects.filter(is_active=True))
    compiled = _compile(patterns)
    fees = [(p, rx, ex) for p, rx, ex in compiled if p.reader == FairnessPattern.Reader.FEE
            and p.topic in FEE_RULES]
    conditions = [(p, rx, ex) for p, rx, ex in compiled
                  if p.reader != FairnessPattern.Reader.FEE]
    every_fee = [rx for _, rx, _ in fees]
    hits, seen = [], set()

    def add(pattern, field, scope, **kw):
        excerpt = scope.sentence[:300]
        key = (pattern.pk or id(pattern), field, excerpt, kw.get("topic", pattern.topic))
        if key in seen:
            return
        seen.add(key)
        hits.append(Hit(pattern=pattern, field=field, excerpt=excerpt,
                        topic=kw.get("topic", pattern.topic),
                        severity=kw.get("severity", pattern.severity),
                        message=kw.get("message", pattern.message)[:300],
                        basis=kw.get("basis", pattern.basis)[:200]))

    for field, text in texts.items():
        for scope in read_clauses(text):
            for pattern, rx, exception in conditions:
                if any(not excused(scope, m, exception) for m in rx.finditer(scope.text)):
                    add(pattern, field, scope)
            for pattern, rx, waiver in fees:
                for index in range(len(scope.clauses)):
                    reading = read_fee(scope, index, rx, waiver, every_fee)
                    if reading is None:
                        continue
                    broken = fee_violation(pattern.topic, reading, profile)
                    if broken is None:
                        continue
                    detail = gettext("(read: %(reading)s; allowed: %(allowed)s)") % {
                        "reading": reading.describe(), "allowed": broken.display_value()}
                    add(pattern, field, scope, message=f"{pattern.message}{detail}",
                        basis=broken.basis)
    order = {FairnessPattern.Severity.BLOCK: 0, FairnessPattern.Severity.WARN: 1}
    return sorted(hits, key=lambda h: order.get(h.severity, 2))
