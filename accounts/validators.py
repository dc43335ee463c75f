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

The arithmetic is python-stdnum's (``stdnum.cn.uscc``), a library that many
projects check; we keep our own messages, translated, and say which rule failed.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc

# GB 32100-2015 with its amendments: positions 1–2 may be letters — registration
# authorities such as A (中央军委改革和编制办公室), N (农业农村部门) or Y (其他).
# stdnum reads the first eight characters as digits, so for such a code the format is
# checked here and the check character by stdnum's own arithmetic.
_CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
REGION_CODE_RE = re.compile(r"^\d{6}$")


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def credit_code_check_char(first17: str) -> str:
    """The check character (position 18) of the code's first 17 characters."""
    return uscc.calc_check_digit(first17)


def _length_error(code: str) -> ValidationError:
    return ValidationError(
        _("A unified social credit code has 18 characters; this one has %(n)d."),
        code="credit_code_length",
        params={"n": len(code)},
    )


def _charset_error() -> ValidationError:
    return ValidationError(
        _(
            "The unified social credit code contains characters it cannot have "
            "(letters I, O, Z, S and V are never used; positions 3–8 are digits)."
        ),
        code="credit_code_charset",
    )


def _check_error() -> ValidationError:
    return ValidationError(
        _(
            "The unified social credit code fails its check character "
            "(GB 32100-2015); please check it for a typing error."
        ),
        code="credit_code_check",
    )


def validate_credit_code(value: str) -> None:
    """GB 32100-2015: length, character set, check character — each with its own message."""
    code = normalize_credit_code(value)
    try:
        uscc.validate(code)
    except stdnum_errors.InvalidLength:
        raise _length_error(code) from None
    except stdnum_errors.InvalidChecksum:
        raise _check_error() from None
    except stdnum_errors.InvalidFormat:
        if not _CREDIT_CODE_RE.match(code):
            raise _charset_error() from None
        # A letter authority code (positions 1–2): well-formed by GB 32100-2015.
        if uscc.calc_check_digit(code) != code[17]:
            raise _check_error() from None
    except stdnum_errors.ValidationError:
        raise _charset_error() from None


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
