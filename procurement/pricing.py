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

CENT = Decimal("0.01")

_DIGITS = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_DIGITS.update({c: i for i, c in enumerate("〇一二三四五六七八九")})
_DIGITS["两"] = 2
_SMALL = {"拾": 10, "十": 10, "佰": 100, "百": 100, "仟": 1000, "千": 1000}
_LARGE = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}


def _integer(text: str) -> int | None:
    total = section = digit = 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _SMALL:
            section += (digit or 1) * _SMALL[char]
            digit = 0
        elif char in _LARGE:
            unit = _LARGE[char]
            # 壹亿贰仟万: the 万 group multiplies what came after the 亿.
            if unit == 10_000 and total % 100_000_000 == 0 and total:
                total += (section + digit) * unit
            else:
                total = (total + section + digit) * unit
            section = digit = 0
        else:
            return None
    return total + section + digit


def words_to_yuan(text: str) -> Decimal | None:
    """人民币大写 → Decimal: 壹拾贰万叁仟肆佰伍拾陆元柒角捌分 → 123456.78.

    None when the text is not an amount in words."""
    text = "".join(text.split()).removeprefix("人民币").removeprefix("￥")
    text = text.rstrip("整正").replace("圆", "元")
    if not text or ("元" not in text and not text.endswith(("角", "分"))):
        return None
    whole, _sep, fraction = text.partition("元")
    if not _sep:
        whole, fraction = "", text
    yuan = _integer(whole) if whole else 0
    if yuan is None:
        return None
    jiao = fen = 0
    fraction = fraction.lstrip("零〇")
    if fraction:
        if "角" in fraction:
            head, _s, fraction = fraction.partition("角")
            if head not in _DIGITS:
                return None
            jiao = _DIGITS[head]
            fraction = fraction.lstrip("零〇")
        if fraction:
            if not fraction.endswith("分") or fraction[:-1] not in _DIGITS:
                return None
            fen = _DIGITS[fraction[:-1]]
    return Decimal(yuan) + Decimal(jiao) / 10 + Decimal(fen) / 100


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
