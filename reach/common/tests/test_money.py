"""Money in integer minor units: what people write, parsed exactly, and written back."""

import pytest

from reach.common.money import format_major, to_minor


@pytest.mark.parametrize(
    ("value", "currency", "minor"),
    [
        (2000, "CNY", 200000),
        ("4.5", "CNY", 450),
        (4.5, "CNY", 450),  # a YAML float, read back through its repr
        ("0.01", "CNY", 1),
        (150000, "VND", 150000),
        ("4.5", "VND", None),  # dong have no minor unit
        ("0.001", "CNY", None),
        ("1,000", "VND", None),
        (True, "VND", None),
        ("1e999999999", "VND", None),  # numbers stay below 10**15
        ("999999999999999", "VND", 999_999_999_999_999),
        (None, "VND", None),
    ],
)
def test_to_minor_takes_whole_minor_units_below_10_to_the_15_only(value, currency, minor):
    assert to_minor(value, currency) == minor


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [(200000, "CNY", "2000"), (450, "CNY", "4.5"), (5, "CNY", "0.05"), (1350000, "VND", "1350000")],
)
def test_format_major_has_no_grouping_and_no_trailing_zeros(minor, currency, text):
    assert format_major(minor, currency) == text


@pytest.mark.parametrize(
    ("minor", "currency", "lang", "text"),
    [
        (150000, "VND", "vi", "150.000"),
        (150000, "VND", "en", "150,000"),
        (123456, "CNY", "zh-hans", "1,234.56"),
        (123456, "CNY", "vi", "1.234,56"),
        (-250, "CNY", "en", "-2.5"),
    ],
)
def test_format_major_groups_thousands_the_way_the_language_writes_them(
    minor, currency, lang, text
):
    assert format_major(minor, currency, lang=lang) == text
