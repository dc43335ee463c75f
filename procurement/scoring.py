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
  (87号令 第56条); under lowest evaluated price, lower evaluated price first.
- Same brand (87号令 第31条): bidders offering the same brand of the core
  product count as one; only the best of them keeps the candidacy.
- Abnormally low (87号令 第60条): a price this far below the mean of the
  others is flagged; the committee must ask for a written explanation.
"""

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
    notes: tuple[str, ...] = field(default_factory=tuple)


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


def _order(results: list[Result], scoring: bool) -> list[Result]:
    if scoring:
        return sorted(results, key=lambda r: (-r.total, r.evaluated_price, r.key))
    return sorted(results, key=lambda r: (r.evaluated_price, r.key))


def evaluate(offers: list[Offer], *, scoring: bool, price_weight: Decimal = Decimal("100"),
             deduction_rate: Decimal = Decimal("10"), consortium_rate: Decimal = Decimal("4"),
             reserved: bool = False, abnormal_threshold: Decimal = Decimal("40")
             ) -> list[Result]:
    """Rank the compliant offers of one lot. Returns results in rank order."""
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
    ordered = _order(results, scoring)
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
        final.append(replace(r, rank=rank))
    return [r for r in final if r.candidate] + [r for r in final if not r.candidate]
