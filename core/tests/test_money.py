"""人民币大写: written as the People's Bank's rules write them, and read back.

The expected strings are written out by hand (from the rules for 中文大写金额:
a 零 for each gap, 整 when there is no 分), not derived from the function.
"""

from decimal import Decimal

import pytest

from core.money import words_to_yuan, yuan_in_words

KNOWN = [
    ("0", "零元整"),
    ("0.05", "伍分"),
    ("0.50", "伍角整"),
    ("1", "壹元整"),
    ("10", "壹拾元整"),
    ("105", "壹佰零伍元整"),
    ("1000.10", "壹仟元壹角整"),
    ("1004.01", "壹仟零肆元零壹分"),
    ("1234.50", "壹仟贰佰叁拾肆元伍角整"),
    ("10000", "壹万元整"),
    ("100010", "壹拾万零壹拾元整"),
    ("107000.53", "壹拾万柒仟元伍角叁分"),
    ("1680000", "壹佰陆拾捌万元整"),
    ("3000500", "叁佰万零伍佰元整"),
    ("100000000", "壹亿元整"),
    ("100000001", "壹亿零壹元整"),
    ("123456789.12", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"),
    ("200000000.00", "贰亿元整"),
]


@pytest.mark.parametrize(("amount", "words"), KNOWN)
def test_amounts_are_written_as_the_banks_write_them(amount, words):
    assert yuan_in_words(Decimal(amount)) == words


@pytest.mark.parametrize(("amount", "words"), KNOWN)
def test_the_words_read_back_to_the_amount(amount, words):
    assert words_to_yuan(words) == Decimal(amount)


@pytest.mark.parametrize("words", ["人民币壹拾贰万叁仟肆佰伍拾陆元柒角捌分",
                                   "壹拾贰万叁仟肆佰伍拾陆圆柒角捌分"])
def test_the_prefix_and_the_old_character_are_read(words):
    assert words_to_yuan(words) == Decimal("123456.78")


@pytest.mark.parametrize("text", ["伍拾万", "five hundred", "", "壹元X角"])
def test_what_is_not_an_amount_in_words_reads_as_none(text):
    assert words_to_yuan(text) is None
