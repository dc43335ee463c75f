"""Price corrections at evaluation (87号令 第59条), pure and exact: no database.

When a bid's prices disagree with each other they are corrected in this order:

1. the opening table (开标一览表) prevails over the rest of the bid documents —
   on this platform the opening table *is* the price the bidder sealed;
2. the amount in words (大写) prevails over the amount in figures;
3. a unit price with an obvious misplaced decimal point: the opening table's
   total prevails and the unit prices are corrected;
4. a total that differs from the sum of quantity × unit price: the unit prices
   prevail.

The corrected price binds the bidder only once it confirms it; a bidder that
does not confirm has an invalid bid (第59条 第2款, 第51条).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.money import words_to_yuan

CENT = Decimal("0.01")

@dataclass(frozen=True)
class Line:
    item: str
    quantity: Decimal
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Correction:
    stated: Decimal
    corrected: Decimal
    steps: tuple[str, ...]   # which clause applied, in Chinese, for the record
    lines: tuple[Line, ...]  # the unit prices after correction

    @property
    def changed(self) -> bool:
        return self.corrected != self.stated


def _misplaced(total: Decimal, lines_sum: Decimal) -> bool:
    """The sum is the total shifted by a power of ten: a decimal point in the wrong place."""
    if not lines_sum or not total:
        return False
    for power in range(1, 7):
        factor = Decimal(10) ** power
        if abs(lines_sum - total * factor) < CENT * factor or \
                abs(lines_sum * factor - total) < CENT * factor:
            return True
    return False


def correct(price: Decimal, *, words: str = "", lines: list[Line] = ()) -> Correction:
    """Apply 87号令 第59条 to a sealed price, its amount in words and its unit prices."""
    price = Decimal(price).quantize(CENT)
    corrected, steps, lines = price, [], tuple(lines)
    in_words = words_to_yuan(words) if words else None
    if in_words is not None and in_words.quantize(CENT) != corrected:
        steps.append(f"大写金额（{words.strip()}）与小写金额（{corrected:,.2f}元）不一致，"
                     f"以大写金额为准（87号令 第59条第1款第2项）")
        corrected = in_words.quantize(CENT)
    if lines:
        lines_sum = sum((line.amount for line in lines), Decimal("0"))
        if lines_sum != corrected:
            if _misplaced(corrected, lines_sum):
                ratio = corrected / lines_sum
                lines = tuple(Line(line.item, line.quantity,
                                   (line.unit_price * ratio).quantize(CENT, ROUND_HALF_UP))
                              for line in lines)
                steps.append("单价金额小数点有明显错位，以开标一览表的总价为准，并修改单价"
                             "（87号令 第59条第1款第3项）")
            else:
                steps.append(f"总价金额（{corrected:,.2f}元）与按单价汇总金额"
                             f"（{lines_sum:,.2f}元）不一致，以单价金额计算结果为准"
                             "（87号令 第59条第1款第4项）")
                corrected = lines_sum
    return Correction(stated=price, corrected=corrected, steps=tuple(steps), lines=lines)
