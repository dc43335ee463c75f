"""Evaluation arithmetic, pure and exact (Decimal): no database, no clock.

- Evaluated price: small and micro enterprises get the price deduction in
  lots not reserved for SMEs — for goods only when every item is made by a
  small or micro firm (财库〔2020〕46号 第4条); a consortium or subcontract with at
  least 30 % small/micro share gets the smaller one, unless a member declared a
  control relationship, and not for goods all made by large firms (财库〔2022〕19号;
  财库〔2020〕46号 第9条). The rates are the lot's, chosen within the ranges.
- Price score (综合评分法, 87号令 第55条): the lowest evaluated price of the
  compliant bids is the benchmark and scores full marks; every other bid
  scores benchmark / its evaluated price × the price weight. No bid is
  dropped, highest or lowest.
- Ranking: higher total first; on equal totals, lower evaluated price first
  (87号令 第57条); under lowest evaluated price, lower evaluated price first
  (第56条). Equal total and equal price — or equal price under lowest price —
  is a tie (并列): settled as the procurement documents say (``tie_break``),
  or by a random draw reproducible from its recorded seed. Never by the order
  of submission nor a row id.
- Same brand (87号令 第31条): bidders offering the same brand of the core
  product count as one — toward the minimum number of qualified bidders
  (``bidders_counted``) and for the candidacy: only the best keeps it.
- Majority (87号令 第61条, verify): where the
  members disagree, the conclusion follows the majority; the dissent is kept.
- Abnormally low (87号令 第60条): a price this far below the mean of the
  others is flagged; the committee must ask for a written explanation.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
SCORE = Decimal("0.01")
SMALL_MICRO = {"small", "micro"}


@dataclass(frozen=True)
class Offer:
    key: str
    price: Decimal
    scale: str = ""                     # the declared 企业规模
    brand: str = ""                     # brand of the core product
    consortium_small_share: Decimal | None = None  # % of the contract for small/micro firms
    # Goods: the declared makers' scales, one per item (empty: works and services, which
    # the bidder provides itself).
    makers: tuple[str, ...] = ()
    control_relationship: bool = False  # a consortium member controls or manages another
    other_scores: Decimal = Decimal("0")  # technical + commercial, averaged over experts
    technical: Decimal = Decimal("0")     # the technical part of it, for a tie-break


@dataclass(frozen=True)
class Result:
    key: str
    price: Decimal
    evaluated_price: Decimal
    deduction: Decimal
    price_score: Decimal
    total: Decimal
    rank: int = 0
    candidate: bool = True
    abnormally_low: bool = False
    tied: bool = False                  # 并列 with another, settled by ``tie_break``
    drawn: bool = False                 # settled by the random draw
    notes: tuple[str, ...] = field(default_factory=tuple)


# How the procurement documents settle a tie (87号令 第56、57条).
TIE_DRAW = "draw"                       # a random draw, its seed recorded
TIE_TECHNICAL = "technical"             # higher technical (non-price) score first, then a draw
TIE_BREAKS = (TIE_DRAW, TIE_TECHNICAL)


def evaluated_price(offer: Offer, *, deduction_rate: Decimal, consortium_rate: Decimal,
                    reserved: bool, consortium_share: Decimal = Decimal("30")
                    ) -> tuple[Decimal, Decimal]:
    """(evaluated price, deduction rate applied). Reserved lots get no deduction."""
    rate = Decimal("0")
    if not reserved:
        if offer.scale in SMALL_MICRO and all(m in SMALL_MICRO for m in offer.makers):
            rate = deduction_rate
        elif (offer.consortium_small_share is not None
              and offer.consortium_small_share >= consortium_share
              and not offer.control_relationship
              and not (offer.makers and all(m == "large" for m in offer.makers))):
            rate = consortium_rate
    value = (offer.price * (Decimal("1") - rate / Decimal("100"))).quantize(
        CENT, rounding=ROUND_HALF_UP)
    return value, rate


def price_scores(evaluated: dict[str, Decimal], weight: Decimal) -> dict[str, Decimal]:
    if not evaluated:
        return {}
    benchmark = min(evaluated.values())
    return {k: (benchmark / v * weight).quantize(SCORE, rounding=ROUND_HALF_UP)
            for k, v in evaluated.items()}


def abnormally_low(prices: dict[str, Decimal], threshold_percent: Decimal) -> set[str]:
    """Keys whose price is at least ``threshold_percent`` below the mean of the others."""
    flagged = set()
    if len(prices) < 2:
        return flagged
    total = sum(prices.values())
    for key, price in prices.items():
        mean_others = (total - price) / (len(prices) - 1)
        if price <= mean_others * (Decimal("1") - threshold_percent / Decimal("100")):
            flagged.add(key)
    return flagged


def _tie_key(r: Result, scoring: bool):
    """Results with the same key are tied (并列)."""
    return (r.total, r.evaluated_price) if scoring else (r.evaluated_price,)


def _order(results: list[Result], scoring: bool, *, tie_break: str, seed: int | None,
           others: dict[str, Decimal]) -> list[Result]:
    """Rank order: by the statutory key, ties settled by the documents' rule or a draw.

    The draw shuffles the tied keys, listed in a canonical order first (sorted), with
    ``random.Random(seed)``: anyone holding the recorded seed gets the same order."""
    groups = defaultdict(list)
    for r in results:
        groups[_tie_key(r, scoring)].append(r)
    # Reproducible on purpose: the seed itself comes from ``secrets`` and is recorded.
    rng = random.Random(seed)  # noqa: S311
    ordered = []
    for key in sorted(groups, key=lambda k: (-k[0], *k[1:]) if scoring else k):
        group = sorted(groups[key], key=lambda r: r.key)
        if len(group) == 1:
            ordered.extend(group)
            continue
        if seed is None:
            raise ValueError("a tie needs the seed of its draw")
        rng.shuffle(group)  # the draw: a canonical list, shuffled by the recorded seed
        drawn = True
        if tie_break == TIE_TECHNICAL and scoring:
            # sorted() is stable: equal technical scores keep the drawn order.
            group.sort(key=lambda r: -others[r.key])
            drawn = len({others[r.key] for r in group}) < len(group)
        ordered.extend(replace(r, tied=True, drawn=drawn) for r in group)
    return ordered


def bidders_counted(brands: dict[str, str]) -> int:
    """How many bidders count toward the minimum (87号令 第31条): those offering the
    same brand of the core product count as one; a bid with no brand counts alone."""
    named = {b.strip().lower() for b in brands.values() if b.strip()}
    return len(named) + sum(1 for b in brands.values() if not b.strip())


@dataclass(frozen=True)
class Vote:
    member: str
    passed: bool
    reason: str = ""


@dataclass(frozen=True)
class Verdict:
    passed: bool | None                  # None: members still to give theirs
    reasons: tuple[str, ...] = ()        # the majority's reasons, when it fails the bid
    dissent: tuple[Vote, ...] = ()


def majority(votes: list[Vote], members: int) -> Verdict:
    """The committee's conclusion once every member has given a verdict: the majority
    (a committee is odd, so there is one); the minority is the dissent, kept with its
    reasons for the report."""
    if members <= 0 or len(votes) < members:
        return Verdict(None)
    passed = sum(1 for v in votes if v.passed) * 2 > len(votes)
    reasons = () if passed else tuple(dict.fromkeys(
        v.reason for v in votes if not v.passed and v.reason))
    return Verdict(passed, reasons, tuple(v for v in votes if v.passed != passed))


def evaluate(offers: list[Offer], *, scoring: bool, price_weight: Decimal = Decimal("100"),
             deduction_rate: Decimal = Decimal("10"), consortium_rate: Decimal = Decimal("4"),
             reserved: bool = False, abnormal_threshold: Decimal = Decimal("40"),
             tie_break: str = TIE_DRAW, seed: int | None = None) -> list[Result]:
    """Rank the compliant offers of one lot. Returns results in rank order.

    A tie is settled by ``tie_break`` and, where that leaves it, by the draw from
    ``seed`` (required when there is a tie: the caller records it)."""
    priced = {}
    rates = {}
    for offer in offers:
        priced[offer.key], rates[offer.key] = evaluated_price(
            offer, deduction_rate=deduction_rate, consortium_rate=consortium_rate,
            reserved=reserved)
    scores = price_scores(priced, price_weight) if scoring else {k: Decimal("0") for k in priced}
    low = abnormally_low({o.key: o.price for o in offers}, abnormal_threshold)
    results = []
    for offer in offers:
        total = (scores[offer.key] + offer.other_scores) if scoring else Decimal("0")
        results.append(Result(key=offer.key, price=offer.price,
                              evaluated_price=priced[offer.key], deduction=rates[offer.key],
                              price_score=scores[offer.key], total=total,
                              abnormally_low=offer.key in low))
    technical = {o.key: o.technical for o in offers}
    ordered = _order(results, scoring, tie_break=tie_break, seed=seed, others=technical)
    # Same brand: only the best-placed bidder of a brand keeps the candidacy.
    by_brand = defaultdict(list)
    for r in ordered:
        brand = next(o.brand for o in offers if o.key == r.key).strip().lower()
        if brand:
            by_brand[brand].append(r.key)
    demoted = {k for keys in by_brand.values() for k in keys[1:]}
    final = []
    rank = 0
    for r in ordered:
        if r.key in demoted:
            final.append(replace(r, candidate=False,
                                 notes=(*r.notes, "same brand as a better-placed bid "
                                                  "(87号令 第31条)")))
            continue
        rank += 1
        if r.tied:
            how = (f"random draw, seed {seed}" if r.drawn
                   else "higher technical score first, as the documents say")
            r = replace(r, notes=(*r.notes, f"tied (并列), settled by {how} "
                                             "(87号令 第56、57条)"))
        final.append(replace(r, rank=rank))
    return [r for r in final if r.candidate] + [r for r in final if not r.candidate]
