"""Validators for Chinese identifiers.

统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters
from the 31-character set 0-9 and A-Z without I, O, Z, S, V.

    position 1      registration authority (登记管理部门码)
    position 2      organisation type (机构类别码)
    positions 3-8   administrative region (登记管理机关行政区划码, GB/T 2260)
    positions 9-17  organisation code (主体标识码, GB 11714)
    position 18     check character

The check character C18 = 31 - (Σ Ci × Wi mod 31), with Wi = 3^(i-1) mod 31
and a result of 31 written as 0.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_VALUE = {ch: i for i, ch in enumerate(CREDIT_CODE_CHARSET)}
_CREDIT_CODE_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
REGION_CODE_RE = re.compile(r"^\d{6}$")


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def credit_code_check_char(first17: str) -> str:
    pairs = zip(first17, _CREDIT_CODE_WEIGHTS, strict=True)
    total = sum(_CREDIT_CODE_VALUE[ch] * w for ch, w in pairs)
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="credit_code_length",
            params={"n": len(code)},
        )
    if not _CREDIT_CODE_RE.match(code):
        raise ValidationError(
            _(
                "The unified social credit code contains characters it cannot have "
                "(letters I, O, Z, S and V are never used; positions 3–8 are digits)."
            ),
            code="credit_code_charset",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _(
                "The unified social credit code fails its check character "
                "(GB 32100-2015); please check it for a typing error."
            ),
            code="credit_code_check",
        )


def validate_mobile(value: str) -> None:
    if value and not MOBILE_RE.match(value):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number, e.g. 13800138000."),
            code="mobile",
        )


def validate_region_code(value: str) -> None:
    if value and not REGION_CODE_RE.match(value):
        raise ValidationError(
            _("An administrative region code has 6 digits (GB/T 2260)."), code="region_code"
        )
