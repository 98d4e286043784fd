"""Validation of policy files and reference tables: every error, with file, benefit and path."""

import copy
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reach.policy.loader import (
    PolicyFileError,
    parse_policy,
    read_yaml,
    reference_date,
)
from reach.policy.tests.factories import benefit, policy_document, write_yaml


def errors_of(document: dict, tables=None) -> list[str]:
    with pytest.raises(PolicyFileError) as caught:
        parse_policy(document, file_name="policy.yaml", tables=tables)
    assert str(caught.value) == "\n".join(caught.value.errors)
    return caught.value.errors


def four_benefits(**last_overrides) -> dict:
    return policy_document(
        benefit("tuition_exemption"),
        benefit("tuition_reduction_70"),
        benefit("tuition_reduction_50"),
        benefit("learning_cost_support", **last_overrides),
    )


def test_a_valid_policy_parses_with_its_benefits_in_file_order():
    policy = parse_policy(four_benefits(), file_name="policy.yaml")
    assert [b.code for b in policy.benefits] == [
        "tuition_exemption",
        "tuition_reduction_70",
        "tuition_reduction_50",
        "learning_cost_support",
    ]
    assert policy.reference_date(2024) == dt.date(2024, 9, 5)
    assert policy.benefits[0].effective_from == dt.date(2020, 1, 1)
    assert policy.benefits[0].source == {"document": "Decree 1/2020", "article": "Art. 1"}
    assert len(policy.checksum) == 64


def test_months_13_names_file_benefit_code_and_path():
    amount = {"per": "month", "value": 150000, "months": 13}
    assert errors_of(four_benefits(amount=amount)) == [
        "policy.yaml: benefits[3] (code learning_cost_support).amount.months: "
        "must be a whole number 1-12"
    ]


def test_unknown_field_and_operator_in_a_condition_name_their_path():
    condition = {
        "all": [
            {"field": "level", "op": "eq", "value": "primary"},
            {"field": "income", "op": "lt", "value": 100},
            {"field": "grade", "op": "approx", "value": 3},
        ]
    }
    errors = errors_of(policy_document(benefit("x", condition=condition)))
    assert errors[0].startswith(
        "policy.yaml: benefits[0] (code x).condition.all[1].field: unknown field 'income'"
    )
    assert errors[1].startswith(
        "policy.yaml: benefits[0] (code x).condition.all[2].op: unknown operator 'approx'"
    )


def test_every_error_of_the_file_is_listed():
    document = policy_document(
        benefit("a", kind="gift"),
        benefit("a", funding=[{"source": "central", "share": 60}]),
        benefit("c", names={"vi": "x", "en": "y"}, effective={"from": "soon"}),
        currency="USD",
        school_year_start="13-01",
        colour="blue",
    )
    assert errors_of(document) == [
        "policy.yaml: colour: unknown key",
        "policy.yaml: currency: must be one of VND, CNY",
        'policy.yaml: school_year_start: must be "MM-DD", e.g. "09-05"',
        "policy.yaml: benefits[0] (code a).kind: must be one of exemption, reduction, subsidy, "
        "grant, meal, scholarship",
        "policy.yaml: benefits[1] (code a).code: appears twice (also benefits[0])",
        "policy.yaml: benefits[1] (code a).funding: shares add up to 60, not 100",
        "policy.yaml: benefits[2] (code c).names.zh: missing",
        "policy.yaml: benefits[2] (code c).effective.from: must be a date (YYYY-MM-DD)",
    ]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"code": "Test_Policy"}, "code: must be lower-case letters, digits and dashes"),
        ({"names": {"vi": "a", "zh": "b", "en": ""}}, "names.en: missing"),
        ({"names": {"vi": "a", "zh": "b", "en": "c", "fr": "d"}}, "names.fr: unknown language"),
        ({"jurisdiction": "VN 79"}, "jurisdiction: must be a unit path"),
        ({"effective": {"from": "2024-01-01", "to": "2023-01-01"}}, "effective: from must not"),
        ({"effective": {"to": "2023-01-01"}}, "effective.from: missing"),
        ({"effective": {"from": dt.datetime(2024, 1, 1, 8, 0)}}, "effective.from: must be a date"),
        ({"benefits": []}, "benefits: must be a non-empty list"),
        ({"source": {"article": "1"}}, "source.document: missing"),
        ({"school_year_start": "02-29"}, "school_year_start: must be"),
    ],
)
def test_policy_level_errors(change, error):
    errors = errors_of(policy_document(**change))
    assert any(line.startswith(f"policy.yaml: {error}") for line in errors), errors


def test_missing_keys_are_each_reported():
    errors = errors_of({"code": "x"})
    assert errors == [
        f"policy.yaml: {key}: missing"
        for key in ("names", "jurisdiction", "currency", "effective", "benefits")
    ]


def test_benefit_without_source_needs_the_policy_source():
    document = policy_document(benefit("a"))
    del document["source"]
    assert errors_of(document) == [
        "policy.yaml: benefits[0] (code a).source: missing (and the policy has no source)"
    ]


def test_a_source_may_say_how_confident_the_facts_are_high_medium_or_low():
    sure = {"document": "Notice 2024", "confidence": "medium", "note": "a repost only"}
    policy = parse_policy(policy_document(benefit("a", source=sure)), file_name="policy.yaml")
    assert policy.benefits[0].source["confidence"] == "medium"
    errors = errors_of(policy_document(benefit("a", source={**sure, "confidence": "sure"})))
    assert errors == [
        "policy.yaml: benefits[0] (code a).source.confidence: must be one of high, medium, low"
    ]


def test_benefit_dates_are_clipped_to_the_policy_and_must_overlap_it():
    document = policy_document(
        benefit("inside", effective={"from": "2019-01-01", "to": "2030-01-01"}),
        effective={"from": "2021-10-15", "to": "2025-09-02"},
    )
    [inside] = parse_policy(document, file_name="p.yaml").benefits
    assert (inside.effective_from, inside.effective_to) == (
        dt.date(2021, 10, 15),
        dt.date(2025, 9, 2),
    )
    document["benefits"].append(benefit("never", effective={"from": "2026-01-01"}))
    assert errors_of(document) == [
        "policy.yaml: benefits[1] (code never).effective: never in force within the policy's dates"
    ]


def test_a_benefit_is_in_force_on_the_reference_date_of_the_school_year():
    document = policy_document(
        benefit("old", effective={"to": "2025-09-02"}),
        benefit("new", effective={"from": "2025-09-03"}),
    )
    policy = parse_policy(document, file_name="p.yaml")
    assert [b.code for b in policy.benefits_in_force(2024)] == ["old"]
    assert [b.code for b in policy.benefits_in_force(2025)] == ["new"]
    assert policy.benefits_in_force(2019) == []  # the policy starts in 2020


def test_percent_of_an_unknown_table_is_an_error_when_tables_are_known():
    amount = {"percent": 40, "of": "base_salry", "per": "month", "months": 9}
    errors = errors_of(policy_document(benefit("a", amount=amount)), tables={})
    assert errors == [
        "policy.yaml: benefits[0] (code a).amount.of: unknown reference table 'base_salry'; "
        "known: -"
    ]


def test_the_checksum_ignores_key_order_and_comments(tmp_path):
    one = write_yaml(tmp_path / "one.yaml", policy_document())
    two = tmp_path / "two.yaml"
    two.write_text("# a comment\n" + one.read_text(), "utf-8")
    reordered = dict(reversed(list(policy_document().items())))
    checksums = {
        parse_policy(read_yaml(one), file_name="one.yaml").checksum,
        parse_policy(read_yaml(two), file_name="two.yaml").checksum,
        parse_policy(reordered, file_name="three.yaml").checksum,
    }
    assert len(checksums) == 1


def test_yaml_syntax_error_names_the_file_and_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("code: x\nnames: {vi: a\nbenefits: []\n", "utf-8")
    with pytest.raises(PolicyFileError, match=r"^broken\.yaml:\d+: not valid YAML"):
        read_yaml(path)


def test_reference_date_defaults_to_1_september():
    assert reference_date(2024) == dt.date(2024, 9, 1)
    assert reference_date(2024, "09-05") == dt.date(2024, 9, 5)


# -- robustness -----------------------------------------------------------------------------

ANY_YAML = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=8)
    | st.dates(),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=8) | st.integers(), children, max_size=3)
    ),
    max_leaves=8,
)


def paths_of(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, child in node.items():
            yield from paths_of(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from paths_of(child, (*prefix, index))


VALID = policy_document(
    benefit(
        "a",
        amount={"percent": 40, "of": "base_salary", "per": "month", "months": 9, "cap": 5},
        in_kind=[{"item": "rice", "unit": "kg", "quantity": 15, "per": "month", "months": 9}],
        exclusive_group="g",
        effective={"from": "2021-01-01", "to": "2025-01-01"},
    ),
    benefit("b", condition={"not": {"any": [{"field": "age", "op": "between", "value": [3, 5]}]}}),
)
VALID_PATHS = list(paths_of(VALID))


@settings(max_examples=300, deadline=None, database=None)
@given(path=st.sampled_from(VALID_PATHS), garbage=ANY_YAML)
def test_any_change_to_a_valid_file_parses_or_raises_policy_file_error_only(path, garbage):
    document = copy.deepcopy(VALID)
    if path:
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = garbage
    else:
        document = garbage
    try:
        parse_policy(document, file_name="f.yaml", tables={})
    except PolicyFileError as error:
        assert error.errors and all(line.startswith("f.yaml: ") for line in error.errors)
