"""人民币大写 — amounts in Chinese capital numerals, written and read back.

``yuan_in_words`` writes them as every Chinese contract, notice and invoice
prints them (GB/T and the People's Bank's rules for 中文大写金额: 零 for a gap,
整 after 元 or 角 with no 分); ``words_to_yuan`` reads a bidder's words back for
the price corrections of 87号令 第59条. Pure functions, no database.
"""

from decimal import Decimal

_WORD_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ["", "拾", "佰", "仟"]
_SECTIONS = ["", "万", "亿", "万亿"]


def yuan_in_words(amount) -> str:
    """人民币大写, as on every Chinese contract and notice: 1234.50 → 壹仟贰佰叁拾肆元伍角整."""
    cents = int((amount * 100).to_integral_value())
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    words = ""
    if yuan:
        groups = []
        while yuan:
            groups.append(yuan % 10000)
            yuan //= 10000
        gap = False
        for index in range(len(groups) - 1, -1, -1):
            group = groups[index]
            if group == 0:
                gap = True
                continue
            # A 零 before a lower group when a whole group was skipped or it is short.
            pending = bool(words) and (gap or group < 1000)
            part = ""
            for pos in range(3, -1, -1):
                digit = group // 10**pos % 10
                if digit == 0:
                    pending = pending or bool(part)
                    continue
                if pending:
                    part += "零"
                    pending = False
                part += _WORD_DIGITS[digit] + _UNITS[pos]
            words += part + _SECTIONS[index]
            gap = False
        words += "元"
    if jiao == 0 and fen == 0:
        return (words or "零元") + "整"
    if jiao:
        words += _WORD_DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if fen:
        words += _WORD_DIGITS[fen] + "分"
    else:
        words += "整"
    return words


_READ_DIGITS = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_READ_DIGITS.update({c: i for i, c in enumerate("〇一二三四五六七八九")})
_READ_DIGITS["两"] = 2
_SMALL = {"拾": 10, "十": 10, "佰": 100, "百": 100, "仟": 1000, "千": 1000}
_LARGE = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}


def _integer(text: str) -> int | None:
    total = section = digit = 0
    for char in text:
        if char in _READ_DIGITS:
            digit = _READ_DIGITS[char]
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
            if head not in _READ_DIGITS:
                return None
            jiao = _READ_DIGITS[head]
            fraction = fraction.lstrip("零〇")
        if fraction:
            if not fraction.endswith("分") or fraction[:-1] not in _READ_DIGITS:
                return None
            fen = _READ_DIGITS[fraction[:-1]]
    return Decimal(yuan) + Decimal(jiao) / 10 + Decimal(fen) / 100
