import pytest
from django.core.exceptions import ValidationError

from accounts.validators import credit_code_check_char, validate_credit_code, validate_mobile


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the example printed in GB 32100-2015 commentary
        "91350100m000100y43",  # lower case is normalised
        " 91350100M000100Y43 ",
    ],
)
def test_valid_credit_codes_pass(code):
    validate_credit_code(code)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91350100M000100Y4", "credit_code_length"),
        ("91350100M000100Y433", "credit_code_length"),
        ("91350100M000100Y44", "credit_code_check"),  # wrong check character
        ("91350100M000100I43", "credit_code_charset"),  # I is never used
        ("913501A0M000100Y43", "credit_code_charset"),  # region must be digits
    ],
)
def test_invalid_credit_codes_are_refused_with_their_reason(code, error):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == error


def test_check_character_of_31_is_written_as_zero():
    # Find a body whose weighted sum is divisible by 31 and check the rule.
    body = next(
        f"9141100200000{n:04d}" for n in range(10000)
        if credit_code_check_char(f"9141100200000{n:04d}") == "0"
    )
    validate_credit_code(body + "0")


def test_mobile_numbers():
    validate_mobile("13800138000")
    with pytest.raises(ValidationError):
        validate_mobile("12800138000")
    with pytest.raises(ValidationError):
        validate_mobile("1380013800")
