"""PDF documents in Chinese, rendered by WeasyPrint with the Noto Sans CJK SC font."""

from django.template.loader import render_to_string
from weasyprint import HTML


def render_pdf(template: str, context: dict) -> bytes:
    return HTML(string=render_to_string(template, context)).write_pdf()


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
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
                part += _DIGITS[digit] + _UNITS[pos]
            words += part + _SECTIONS[index]
            gap = False
        words += "元"
    if jiao == 0 and fen == 0:
        return (words or "零元") + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if fen:
        words += _DIGITS[fen] + "分"
    else:
        words += "整"
    return words
