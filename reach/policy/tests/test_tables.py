"""Reference tables: validating their files, and the value in force for a student."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reach.policy.loader import PolicyFileError
from reach.policy.tables import parse_reference, read_reference_dir, reference_book
from reach.policy.tests.factories import base_salary_table, tuition_fee_table, write_yaml


def test_reference_table_parses_values_in_minor_units():
    table = parse_reference(base_salary_table(), file_name="base_salary.yaml")
    assert table.table.per == "month"
    assert [(row.valid_from, row.value_minor) for row in table.rows] == [
        (dt.date(2023, 7, 1), 1_800_000),
        (dt.date(2024, 7, 1), 2_340_000),
    ]


def test_keyed_table_rows_carry_level_and_unit():
    table = parse_reference(tuition_fee_table(), file_name="tuition_fee.yaml")
    assert table.rows[1].keys == {"level": "lower_secondary", "unit": "VN.79"}
    assert table.rows[1].school_year == 2024


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"per": "week"}, "per: must be one of year, month, day"),
        ({"currency": "EUR"}, "currency: must be one of VND, CNY"),
        ({"keys": ["level", "district"]}, "keys: must be a list of level, unit"),
        ({"values": [{"value": 1}]}, "values[0]: needs from (a date) or school_year"),
        ({"values": [{"from": "2024-01-01", "value": "1.5"}]}, "values[0].value: must be"),
        ({"values": [{"from": "2024-01-01"}]}, "values[0].value: missing"),
        (
            {"values": [{"from": "2024-01-01", "value": 1, "level": "x"}]},
            "values[0].level: unknown",
        ),
        (
            {"values": [{"from": "2024-01-01", "value": 1}, {"from": "2024-01-01", "value": 2}]},
            "values[1]: same date and keys as values[0]",
        ),
    ],
)
def test_reference_table_errors(change, error):
    with pytest.raises(PolicyFileError) as caught:
        parse_reference(base_salary_table(**change), file_name="base_salary.yaml")
    assert any(line.startswith(f"base_salary.yaml: {error}") for line in caught.value.errors), (
        caught.value.errors
    )


def test_keyed_table_rows_need_valid_keys():
    values = [{"school_year": 2024, "level": "college", "unit": "VN 79", "value": 1}]
    with pytest.raises(PolicyFileError) as caught:
        parse_reference(tuition_fee_table(values=values), file_name="fee.yaml")
    assert caught.value.errors == [
        "fee.yaml: values[0].level: must be one of preschool, primary, lower_secondary, "
        "upper_secondary, vocational_secondary, higher_education, continuing_education",
        "fee.yaml: values[0].unit: must be a unit path such as VN.79",
    ]


def test_a_reference_directory_becomes_one_book(tmp_path):
    write_yaml(tmp_path / "base_salary.yaml", base_salary_table())
    write_yaml(tmp_path / "tuition_fee.yaml", tuition_fee_table())
    book = reference_book(read_reference_dir(tmp_path))
    assert sorted(book.tables) == ["base_salary", "tuition_fee"]
    on_5_september = {"reference_date": dt.date(2024, 9, 5), "school_year": 2024}
    assert book.value("base_salary", **on_5_september) == 2_340_000
    fee = book.value(
        "tuition_fee", level="lower_secondary", unit_path="VN.79.761", **on_5_september
    )
    assert fee == 300_000


def test_every_error_of_every_table_in_a_directory_is_reported(tmp_path):
    write_yaml(tmp_path / "a.yaml", base_salary_table(per="week"))
    write_yaml(tmp_path / "b.yaml", tuition_fee_table(currency="EUR"))
    with pytest.raises(PolicyFileError) as caught:
        read_reference_dir(tmp_path)
    assert caught.value.errors == [
        "a.yaml: per: must be one of year, month, day",
        "b.yaml: currency: must be one of VND, CNY",
    ]


ANY_YAML = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | st.dates(),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=8) | st.integers(), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=100, deadline=None, database=None)
@given(
    garbage=ANY_YAML,
    row=st.dictionaries(
        st.sampled_from(["from", "school_year", "value", "level", "unit"]), ANY_YAML
    ),
)
def test_any_table_content_parses_or_raises_policy_file_error_only(garbage, row):
    for content in (garbage, tuition_fee_table(values=[row])):
        try:
            parse_reference(content, file_name="t.yaml")
        except PolicyFileError as error:
            assert error.errors


def test_a_table_filled_in_the_admin_ships_no_value_and_is_set_by_place():
    base = {
        "code": "private_tuition_support",
        "names": {"vi": "Hỗ trợ", "zh": "补助", "en": "Support"},
        "currency": "VND",
        "per": "month",
        "admin_values": True,
    }
    assert parse_reference(base | {"keys": ["level", "unit"]}, file_name="t.yaml").rows == ()
    with pytest.raises(PolicyFileError) as raised:
        parse_reference(
            base | {"keys": ["level"], "values": [{"school_year": 2025, "level": "primary",
                                                   "value": 1}]},
            file_name="t.yaml",
        )  # fmt: skip
    assert any("add unit" in error for error in raised.value.errors)
    assert any("entered in the admin" in error for error in raised.value.errors)
