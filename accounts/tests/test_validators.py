"""The unified social credit code (GB 32100-2015) is checked with python-stdnum, and
refused with our own translated message for the rule it breaks.

The valid codes below are written out, never derived by the code under test: real,
published codes of well-known companies and banks (each printed on its business licence
and in its annual reports), checked once with ``stdnum.cn.uscc.is_valid``.
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.validators import credit_code_check_char, validate_credit_code, validate_mobile

PUBLISHED_CODES = [
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "91100000100003962T",  # 中国工商银行股份有限公司
    "911000001000013428",  # 中国银行股份有限公司
    "911100001000044477",  # 中国建设银行股份有限公司
    "91520000214434146R",  # 贵州茅台酒股份有限公司
    "91440400192548256N",  # 珠海格力电器股份有限公司
    "91110000600037341L",  # the example in python-stdnum's own documentation
    "91350100M000100Y43",  # the example printed in GB 32100-2015 commentary
]


@pytest.mark.parametrize("code", PUBLISHED_CODES)
def test_published_codes_pass(code):
    validate_credit_code(code)


@pytest.mark.parametrize("code", ["91350100m000100y43", " 91350100M000100Y43 ",
                                  "9111 0000 6000 3734 1L"])
def test_lower_case_and_spaces_are_normalised(code):
    validate_credit_code(code)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91350100M000100Y4", "credit_code_length"),
        ("91350100M000100Y433", "credit_code_length"),
        ("", "credit_code_length"),
        ("91350100M000100Y44", "credit_code_check"),  # wrong check character
        ("914403001922038217", "credit_code_check"),  # Huawei's, last digit mistyped
        ("914403001922083216", "credit_code_check"),  # two digits swapped
        ("91350100M000100I43", "credit_code_charset"),  # I is never used
        ("913501A0M000100Y43", "credit_code_charset"),  # region must be digits
        ("I1350100M000100Y43", "credit_code_charset"),  # nor as the authority
    ],
)
def test_invalid_credit_codes_are_refused_with_their_reason(code, error):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == error


def test_a_check_character_of_31_is_written_as_zero():
    # 9 1 4 1 1 0 0 2 M A 0 0 0 0 0 1 0 weighted by 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10
    # 30 28: 9 + 3 + 36 + 27 + 19 + 0 + 0 + 34 + 420 + 290 + 0 + … + 30 + 0 = 868 = 28 × 31,
    # so C18 = 31 - 0 = 31, written 0.
    validate_credit_code("91411002MA00000100")
    with pytest.raises(ValidationError):
        validate_credit_code("91411002MA0000010Y")


def test_a_letter_registration_authority_is_accepted_with_its_check_character():
    # N = 农业农村部门 (GB 32100-2015 as amended): stdnum reads positions 1–2 as digits,
    # so the format is ours. N2 4 1 1 0 0 2 M A 0 … 0: 22×1 + 2×3 + 4×9 + 27 + 19 + 34 + 420
    # + 290 = 854 = 27 × 31 + 17; C18 = 31 - 17 = 14 → "E".
    validate_credit_code("N2411002MA0000000E")
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("N2411002MA0000000F")
    assert exc.value.code == "credit_code_check"


def test_the_check_character_helper_agrees_with_published_codes():
    for code in PUBLISHED_CODES:
        assert credit_code_check_char(code[:17]) == code[17]


def test_messages_are_ours_and_translated():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        validate_credit_code("91350100M000100Y44")
    assert "校验码" in exc.value.messages[0]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        validate_credit_code("123")
    assert "18" in exc.value.messages[0] and "3" in exc.value.messages[0]


def test_mobile_numbers():
    validate_mobile("13800138000")
    with pytest.raises(ValidationError):
        validate_mobile("12800138000")
    with pytest.raises(ValidationError):
        validate_mobile("1380013800")
