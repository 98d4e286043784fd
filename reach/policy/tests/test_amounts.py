"""Amounts in integer minor units, reference tables, in-kind goods and funding splits."""

import datetime as dt
from decimal import Decimal

import pytest

from reach.policy.amounts import (
    AmountNotSet,
    AmountUnavailable,
    FundingShare,
    ReferenceBook,
    ReferenceRow,
    TableInfo,
    compute_amount,
    describe_amount,
    parse_amount,
    parse_funding,
    parse_in_kind,
    split_funding,
)

SEPT_2024 = dt.date(2024, 9, 5)
BOOK = ReferenceBook(
    {
        "base_salary": TableInfo("base_salary", "VND", "month"),
        "tuition_fee": TableInfo("tuition_fee", "VND", "month", ("level", "unit")),
        "meal_rate": TableInfo("meal_rate", "CNY", "day"),
    },
    {
        "base_salary": [
            ReferenceRow(1_800_000, valid_from=dt.date(2023, 7, 1)),
            ReferenceRow(2_340_000, valid_from=dt.date(2024, 7, 1)),
        ],
        "tuition_fee": [
            ReferenceRow(
                100_000, school_year=2024, keys={"level": "upper_secondary", "unit": "VN"}
            ),
            ReferenceRow(
                300_000, school_year=2024, keys={"level": "upper_secondary", "unit": "VN.79"}
            ),
            ReferenceRow(
                310_000, school_year=2024, keys={"level": "upper_secondary", "unit": "VN.79.761"}
            ),
            ReferenceRow(
                999_000, school_year=2024, keys={"level": "upper_secondary", "unit": "VN.7"}
            ),
            ReferenceRow(
                350_000, school_year=2025, keys={"level": "upper_secondary", "unit": "VN.79"}
            ),
        ],
        "meal_rate": [ReferenceRow(333, valid_from=dt.date(2020, 1, 1))],
    },
)


def amount(node: dict, currency: str = "VND", facts: dict | None = None, **kwargs):
    spec, errors = parse_amount(node, path="amount", currency=currency, tables=BOOK.tables)
    assert errors == []
    return compute_amount(
        spec,
        currency=currency,
        facts=facts or {},
        book=BOOK,
        reference_date=kwargs.pop("reference_date", SEPT_2024),
        school_year=kwargs.pop("school_year", 2024),
        **kwargs,
    )


def test_per_year_2000_yuan_is_200000_fen():
    result = amount({"per": "year", "value": 2000}, "CNY")
    assert (result.minor, result.currency, result.formula_words) == (200000, "CNY", "2,000 a year")


def test_per_month_150_000_x_9_months_is_1_350_000():
    result = amount({"per": "month", "value": 150000, "months": 9})
    assert (result.minor, result.formula_words) == (1_350_000, "150,000 × 9 months")


def test_per_month_words_in_vietnamese_and_chinese():
    node = {"per": "month", "value": 150000, "months": 9}
    assert amount(node, lang="vi").formula_words == "150.000 × 9 tháng"
    assert amount(node, lang="zh").formula_words == "150,000 × 9 个月"


def test_per_day_4_5_yuan_x_200_days_is_900_yuan():
    result = amount({"per": "day", "value": "4.5", "days": 200}, "CNY")
    assert (result.minor, result.formula_words) == (90000, "4.5 × 200 days")


def test_per_day_4_yuan_x_school_days_180_is_720_yuan_else_200_days_800():
    node = {"per": "day", "value": 4, "days": 200, "days_field": "school_days"}
    assert amount(node, "CNY", {"school_days": 180}).minor == 72000
    assert amount(node, "CNY", {"school_days": None}).minor == 80000


def test_percent_of_base_salary_40pct_of_2_340_000_is_936_000_a_month():
    result = amount({"percent": 40, "of": "base_salary", "per": "month", "months": 9})
    assert result.minor == 936_000 * 9 == 8_424_000
    assert result.formula_words == "40% of 2,340,000 = 936,000 × 9 months"


def test_percent_of_base_salary_before_july_2024_uses_1_800_000_so_720_000_a_month():
    node = {"percent": 40, "of": "base_salary", "per": "month", "months": 9}
    assert amount(node, reference_date=dt.date(2024, 6, 30)).minor == 720_000 * 9


def test_percent_rounds_half_up_per_period_33_3pct_of_1_800_000_is_599_400_then_x_9():
    node = {"percent": "33.3", "of": "base_salary", "per": "month", "months": 9}
    assert amount(node, reference_date=dt.date(2024, 1, 1)).minor == 599_400 * 9


def test_percent_rounding_half_up_50pct_of_3_33_yuan_a_day_is_1_67_x_10_days():
    node = {"percent": 50, "of": "meal_rate", "per": "day", "days": 10}
    assert amount(node, "CNY").minor == 167 * 10


def test_percent_of_tuition_fee_70pct_of_300_000_in_vn_79_x_9_is_1_890_000():
    node = {"percent": 70, "of": "tuition_fee", "per": "month", "months": 9}
    facts = {"level": "upper_secondary", "unit_path": "VN.79.764.26800"}
    assert amount(node, facts=facts).minor == 210_000 * 9 == 1_890_000


@pytest.mark.parametrize(
    ("unit_path", "fee"),
    [
        ("VN.79.761.26734", 310_000),  # the district's own row is the longest prefix
        ("VN.79", 300_000),
        ("VN.01.001", 100_000),  # only the country row matches
        ("VN.7", 999_000),
        ("VN.70.1", 100_000),  # VN.7 is not a prefix of VN.70
    ],
)
def test_tuition_fee_longest_unit_prefix_wins(unit_path, fee):
    value = BOOK.value(
        "tuition_fee",
        reference_date=SEPT_2024,
        school_year=2024,
        level="upper_secondary",
        unit_path=unit_path,
    )
    assert value == fee


def test_tuition_fee_of_school_year_2025_is_350_000():
    facts = {"level": "upper_secondary", "unit_path": "VN.79.761"}
    node = {"percent": 100, "of": "tuition_fee", "per": "month", "months": 9}
    assert amount(node, facts=facts, school_year=2025).minor == 350_000 * 9


def test_students_own_monthly_fee_200_000_overrides_the_table_50pct_x_9_is_900_000():
    facts = {"level": "upper_secondary", "unit_path": "VN.79", "tuition_fee_month": 200_000}
    node = {"percent": 50, "of": "tuition_fee", "per": "month", "months": 9}
    assert amount(node, facts=facts).minor == 900_000


def test_no_tuition_fee_for_the_level_is_unavailable_and_names_the_column():
    node = {"percent": 50, "of": "tuition_fee", "per": "month", "months": 9}
    with pytest.raises(AmountUnavailable) as caught:
        amount(node, facts={"level": "primary", "unit_path": "VN.79"})
    assert caught.value.column == "tuition_fee_month"


def test_a_cny_policy_finds_no_fee_in_a_vnd_fee_table_so_the_fee_is_unknown_not_misread():
    """The fee table holds dong: a yuan policy (the preschool fee waiver) takes each pupil's own
    fee, 100% of 200 yuan x 10 = 2,000 yuan, and without it names the missing column."""
    node = {"percent": 100, "of": "tuition_fee", "per": "month", "months": 10}
    facts = {"level": "upper_secondary", "unit_path": "VN.79"}  # a VND row would match
    with pytest.raises(AmountUnavailable) as caught:
        amount(node, currency="CNY", facts=facts)
    assert caught.value.column == "tuition_fee_month"
    own_fee = {**facts, "tuition_fee_month": 20_000}  # fen
    assert amount(node, currency="CNY", facts=own_fee).minor == 200_000


def test_no_base_salary_in_force_is_unavailable():
    node = {"percent": 40, "of": "base_salary", "per": "month", "months": 9}
    with pytest.raises(AmountUnavailable, match="no value of base_salary in force on 2020-09-05"):
        amount(node, reference_date=dt.date(2020, 9, 5))


def test_cap_1_000_000_on_150_000_x_9_months_gives_1_000_000():
    result = amount({"per": "month", "value": 150000, "months": 9, "cap": 1000000})
    assert result.minor == 1_000_000
    assert result.formula_words == "150,000 × 9 months = 1,350,000, capped at 1,000,000"


def test_cap_above_the_yearly_amount_changes_nothing():
    result = amount({"per": "month", "value": 150000, "months": 9, "cap": 2000000})
    assert (result.minor, result.formula_words) == (1_350_000, "150,000 × 9 months")


def test_in_kind_15_kg_rice_x_9_months_is_135_kg_beside_the_money():
    goods, errors = parse_in_kind(
        [{"item": "rice", "unit": "kg", "quantity": 15, "per": "month", "months": 9}], path="k"
    )
    assert errors == []
    result = amount({"per": "month", "value": 936000, "months": 9}, in_kind=goods)
    assert result.minor == 8_424_000
    assert [g.as_dict() for g in result.in_kind] == [
        {"item": "rice", "unit": "kg", "quantity": "135"}
    ]


# -- parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("node", "error"),
    [
        ({"per": "month", "value": 150000, "months": 13}, "a.months: must be a whole number 1-12"),
        ({"per": "month", "value": 150000}, "a.months: must be a whole number 1-12"),
        ({"per": "year", "value": 1, "months": 9}, "a.months: only with per: month"),
        ({"per": "day", "value": 4}, "a.days: must be a whole number 1-366"),
        ({"per": "week", "value": 4}, "a.per: must be one of year, month, day"),
        ({"per": "year", "value": "4.5"}, "a.value: must be a whole number of VND"),
        ({"per": "year", "value": -1}, "a.value: must be a whole number of VND"),
        ({"per": "year"}, "a: must have either value or percent"),
        ({"per": "year", "value": 1, "percent": 5, "of": "x"}, "a: must have either value"),
        ({"per": "month", "months": 9, "percent": 40}, "a.of: must name a reference table"),
        ({"per": "month", "months": 9, "percent": 0, "of": "base_salary"}, "a.percent: must be"),
        ({"per": "month", "months": 9, "percent": 40, "of": "nope"}, "a.of: unknown reference"),
        ({"per": "year", "percent": 40, "of": "base_salary"}, "a.of: table base_salary is per"),
        ({"per": "year", "percent": 40, "of": "tuition_fee"}, "a.of: tuition_fee is a monthly"),
        ({"per": "day", "days": 9, "percent": 4, "of": "meal_rate"}, "a.of: table meal_rate is in"),
        ({"per": "year", "value": 1, "days_field": "school_days"}, "a.days_field: only"),
        ({"per": "year", "value": 1, "cap": 0}, "a.cap: must be a whole number"),
        ({"per": "year", "value": 1, "bonus": 2}, "a.bonus: unknown key"),
    ],
)
def test_parse_amount_errors(node, error):
    spec, errors = parse_amount(node, path="a", currency="VND", tables=BOOK.tables)
    assert spec is None
    assert any(line.startswith(error) for line in errors), errors


def test_cny_value_with_three_decimals_is_an_error():
    _spec, errors = parse_amount({"per": "year", "value": "4.505"}, path="a", currency="CNY")
    assert errors == ["a.value: must be a number of CNY with at most 2 decimals"]


# -- funding --------------------------------------------------------------------------------


def test_funding_shares_must_add_up_to_100():
    _shares, errors = parse_funding(
        [{"source": "central", "share": 60}, {"source": "province", "share": 30}], path="f"
    )
    assert errors == ["f: shares add up to 90, not 100"]


def test_funding_shares_may_be_decimal_strings_adding_up_to_exactly_100():
    shares, errors = parse_funding(
        [
            {"source": "a", "share": "33.4"},
            {"source": "b", "share": "33.3"},
            {"source": "c", "share": "33.3"},
        ],
        path="f",
    )
    assert errors == []
    assert [s.share for s in shares] == [Decimal("33.4"), Decimal("33.3"), Decimal("33.3")]


def test_funding_source_twice_and_zero_share_are_errors():
    _shares, errors = parse_funding(
        [{"source": "a", "share": 100}, {"source": "a", "share": 0}], path="f"
    )
    assert "f[1].source: a appears twice" in errors
    assert "f[1].share: must be a number above 0, at most 100" in errors


def shares(*pairs) -> list[FundingShare]:
    return [FundingShare(source, Decimal(str(share))) for source, share in pairs]


def test_split_100_three_ways_thirds_is_34_33_33():
    split = split_funding(100, shares(("a", "33.34"), ("b", "33.33"), ("c", "33.33")))
    assert split == [("a", 34), ("b", 33), ("c", 33)]


def test_split_1_dong_by_33_33_33_34_33_33_goes_to_the_largest_fraction():
    split = split_funding(1, shares(("a", "33.33"), ("b", "33.34"), ("c", "33.33")))
    assert split == [("a", 0), ("b", 1), ("c", 0)]


def test_split_2_dong_four_ways_25_each_ties_go_to_the_first_sources():
    split = split_funding(2, shares(("a", 25), ("b", 25), ("c", 25), ("d", 25)))
    assert split == [("a", 1), ("b", 1), ("c", 0), ("d", 0)]


def test_split_largest_remainder_60_30_10_of_1_350_001():
    split = split_funding(1_350_001, shares(("central", 60), ("province", 30), ("county", 10)))
    # exact parts 810,000.6 / 405,000.3 / 135,000.1: the one leftover dong goes to central
    assert split == [("central", 810_001), ("province", 405_000), ("county", 135_000)]


def test_split_takes_shares_as_stored_on_a_benefit_or_as_pairs():
    stored = [{"source": "central", "share": 70}, {"source": "province", "share": "30"}]
    assert split_funding(1001, stored) == [("central", 701), ("province", 300)]
    assert split_funding(1001, [("central", 70), ("province", 30)]) == [
        ("central", 701),
        ("province", 300),
    ]


def test_split_of_a_negative_amount_mirrors_the_positive_one():
    assert split_funding(-1001, [("central", 70), ("province", 30)]) == [
        ("central", -701),
        ("province", -300),
    ]


@pytest.mark.parametrize("minor", [0, 1, 2, 7, 99, 100, 101, 1_350_000, 8_424_001, 123_456_789])
def test_split_parts_always_add_up_exactly(minor):
    for split_shares in (
        shares(("a", 100)),
        shares(("a", "12.5"), ("b", "37.5"), ("c", 50)),
        shares(("a", "33.33"), ("b", "33.33"), ("c", "33.34")),
        shares(("a", 1), ("b", 1), ("c", 1), ("d", 97)),
    ):
        parts = split_funding(minor, split_shares)
        assert sum(part for _source, part in parts) == minor
        assert all(part >= 0 for _source, part in parts)


@pytest.mark.parametrize(
    ("node", "currency", "lang", "words"),
    [
        ({"per": "month", "value": 150000, "months": 9}, "VND", "vi", "150.000 VND × 9 tháng"),
        ({"per": "year", "value": 2000}, "CNY", "zh", "每年 2,000 CNY"),
        (
            {"per": "day", "value": 4, "days": 200, "days_field": "school_days"},
            "CNY",
            "en",
            "4 CNY × 200 days (the pupil's own school days when known)",
        ),
        (
            {"percent": 40, "of": "base_salary", "per": "month", "months": 9},
            "VND",
            "en",
            "40% of Statutory base salary × 9 months",
        ),
        (
            {"per": "month", "value": 150000, "months": 9, "cap": 1000000},
            "VND",
            "en",
            "150,000 VND × 9 months, at most 1,000,000 VND",
        ),
    ],
)
def test_describe_amount_says_the_formula_before_any_student(node, currency, lang, words):
    spec, errors = parse_amount(node, path="amount", currency=currency, tables=BOOK.tables)
    assert errors == []
    names = {"base_salary": "Statutory base salary"}
    assert describe_amount(spec, currency=currency, lang=lang, table_names=names) == words


def monthly(node: dict):
    spec, errors = parse_amount(node, path="amount", currency="VND")
    assert errors == []
    return spec


def test_months_in_force_160000_x_7_of_9_months_is_1120000_rice_15_x_7():
    spec = monthly({"per": "month", "value": 160000, "months": 9})
    rice = parse_in_kind([{"item": "rice", "unit": "kg", "quantity": 15, "per": "month",
                           "months": 9}], path="in_kind")[0]  # fmt: skip
    amount = compute_amount(
        spec, currency="VND", facts={}, reference_date=dt.date(2020, 9, 5), school_year=2020,
        in_kind=rice, months=7,
    )  # fmt: skip
    assert amount.minor == 1_120_000
    assert amount.formula_words == "160,000 × 7 of 9 months in force"
    assert amount.in_kind[0].quantity == 105


def test_10pct_of_1490000_x_2_of_9_months_is_298000():
    spec = monthly({"percent": 10, "of": "base_salary", "per": "month", "months": 9})
    book = ReferenceBook(
        {"base_salary": TableInfo("base_salary", "VND", "month")},
        {"base_salary": [ReferenceRow(1_490_000, valid_from=dt.date(2019, 7, 1))]},
    )
    amount = compute_amount(
        spec, currency="VND", facts={}, book=book, reference_date=dt.date(2020, 9, 5),
        school_year=2020, months=2,
    )  # fmt: skip
    assert amount.minor == 298_000
    assert amount.formula_words == "10% of 1,490,000 = 149,000 × 2 of 9 months in force"


def test_an_amount_the_source_does_not_give_is_not_set_never_0():
    spec = monthly({"per": "month", "value": None, "months": 9})
    assert spec.not_set
    with pytest.raises(AmountNotSet) as caught:
        compute_amount(spec, currency="VND", facts={}, reference_date=SEPT_2024, school_year=2024)
    assert caught.value.column == ""  # no column of the pupil's can supply it
    assert describe_amount(spec, currency="VND") == "not set (to confirm) × 9 months"
    assert describe_amount(spec, currency="VND", lang="zh").startswith("未设定（待确认）")
