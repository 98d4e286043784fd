"""The budget by funding source and unit: the estimate follows the latest runs (approved or
not), approved is the lines in force, paid the disbursements split like their lines' funding;
the units below the scope add up to it, and a user sees only their units."""

import io

import pytest
from django.conf import settings
from django.test import Client
from python_calamine import CalamineWorkbook

from reach.entitlements.models import EntitlementLine
from reach.entitlements.services import run_entitlements
from reach.payments.budget import budget
from reach.payments.tests.factories import approved_run, pay, split_policy
from reach.policy.services import load_policy_file
from reach.policy.tests.factories import write_yaml
from reach.registry.models import HouseholdYearStatus
from reach.registry.tests.test_api import token_client

pytestmark = pytest.mark.django_db
VND = "VND"


@pytest.fixture
def policy(tmp_path):
    load_policy_file(path=write_yaml(tmp_path / "split.yaml", split_policy()))


@pytest.fixture
def run(world, policy):
    """District 12 approved (support 1,000,000 = 700,000 central + 300,000 province for the
    two poor pupils; fee 333,333 = 166,667 province + 166,666 county for them and the
    near-poor commuter); ward 1's pupil paid 500,000 of the support and the whole fee."""
    run = approved_run(world, policy="split-policy")
    office = world.users["district"]
    for code, amount in (("support", 500_000), ("fee", None)):
        line = EntitlementLine.objects.get(
            run=run, person=world.persons["ward1"], benefit_code=code
        )
        pay(line, office, amount=amount)
    return run


def figures(row, source):
    entry = row.get(source, VND)
    return entry.estimate, entry.approved, entry.paid


def test_a_draft_run_is_estimated_but_not_approved(world, policy):
    """Estimate: central 2 × 700,000; province 2 × 300,000 + 3 × 166,667 = 1,100,001; county
    3 × 166,666 = 499,998; nothing approved or paid before approval."""
    run_entitlements(policy_codes=["split-policy"], school_year=2024, unit=world.units["d12"])

    total, _below = budget(user=world.users["district"], school_year=2024)

    assert figures(total, "central") == (1_400_000, 0, 0)
    assert figures(total, "province") == (1_100_001, 0, 0)
    assert figures(total, "county") == (499_998, 0, 0)


def test_an_approved_run_is_estimated_approved_and_paid_per_source(world, run):
    """Paid: 500,000 of the support splits 350,000 central + 150,000 province; the fee
    333,333 splits 166,667 province + 166,666 county: province 316,667 in all."""
    total, _below = budget(user=world.users["district"], school_year=2024)

    assert figures(total, "central") == (1_400_000, 1_400_000, 350_000)
    assert figures(total, "province") == (1_100_001, 1_100_001, 316_667)
    assert figures(total, "county") == (499_998, 499_998, 166_666)
    (all_sources,) = total.totals()
    assert (all_sources.estimate, all_sources.approved, all_sources.paid) == (
        2_999_999,
        2_999_999,
        833_333,
    )
    assert all_sources.to_pay == 2_999_999 - 833_333


def test_a_correction_in_preparation_replaces_the_estimate_not_what_is_approved(world, run):
    """The commuter's household becomes poor: the correction gives all three pupils support
    and fee. Estimate central 3 × 700,000 = 2,100,000; province 3 × 300,000 + 3 × 166,667 =
    1,400,001; county 3 × 166,666 = 499,998. Approved and paid stay as they were."""
    HouseholdYearStatus.objects.filter(household=world.households["commuter"], year=2024).update(
        status="poor"
    )
    run_entitlements(
        policy_codes=["split-policy"],
        school_year=2024,
        unit=world.units["d12"],
        corrects=run,
        correction_reason="the commuter's household is poor",
    )

    total, _below = budget(user=world.users["district"], school_year=2024)

    assert figures(total, "central") == (2_100_000, 1_400_000, 350_000)
    assert figures(total, "province") == (1_400_001, 1_100_001, 316_667)
    assert figures(total, "county") == (499_998, 499_998, 166_666)


def test_the_wards_below_the_district_add_up_to_it(world, run):
    """Ward 1 (its pupil): province 300,000 + 166,667 = 466,667, all of it paid but 150,000 of
    the support's 300,000. Ward 2 (its pupil and the commuter): province 300,000 + 2 × 166,667
    = 633,334, nothing paid."""
    total, below = budget(user=world.users["district"], school_year=2024, unit=world.units["d12"])

    by_unit = {row.unit.code: row for row in below}
    assert set(by_unit) == {"26734", "26737"}
    assert figures(by_unit["26734"], "province") == (466_667, 466_667, 316_667)
    assert figures(by_unit["26737"], "province") == (633_334, 633_334, 0)
    for source in ("central", "province", "county"):
        parts = [figures(row, source) for row in below]
        assert tuple(map(sum, zip(*parts, strict=True))) == figures(total, source)


def test_a_ward_officer_sees_only_their_ward_and_not_the_next_one(world, run):
    client = Client()
    client.force_login(world.users["ward01"])

    own = client.get("/payments/budget/?year=2024")
    other = client.get("/payments/budget/?year=2024&unit=26737")
    api = token_client("ward01").get("/api/v1/budget?year=2024")
    api_other = token_client("ward01").get("/api/v1/budget?year=2024&unit=26737")

    assert figures(own.context["total"], "province") == (466_667, 466_667, 316_667)
    assert other.status_code == 404
    province = next(entry for entry in api.json()["sources"] if entry["source"] == "province")
    assert (province["estimate_minor"], province["paid_minor"]) == (466_667, 316_667)
    assert api_other.status_code == 404


def test_the_budget_spreadsheet_reads_back_with_each_source_and_the_total(world, run):
    client = Client()
    client.force_login(world.users["district"])

    response = client.get("/payments/budget/?year=2024&unit=761&format=xlsx")

    table = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    rows = table.to_python()[4:]
    district = [row for row in rows if row[0] == world.units["d12"].name]
    assert [row[3:6] for row in district] == [
        [1_400_000, 1_400_000, 350_000],  # central
        [499_998, 499_998, 166_666],  # county
        [1_100_001, 1_100_001, 316_667],  # province
        [2_999_999, 2_999_999, 833_333],  # all sources
    ]
    assert {row[0] for row in rows} == {world.units[key].name for key in ("d12", "ward1", "ward2")}


def test_the_budget_takes_three_group_by_queries(world, run, django_assert_num_queries):
    """The user's scope (one query), the estimate, the approved lines, the payments, the
    units below."""
    user = type(world.users["district"]).objects.get(pk=world.users["district"].pk)
    with django_assert_num_queries(5):
        budget(user=user, school_year=2024, unit=world.units["d12"])


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "Not stated in the source"), ("vi", "Nguồn không nêu"), ("zh-hans", "来源未说明")],
)
def test_a_benefit_whose_source_names_no_payer_shows_not_stated_in_the_budget(
    world, tmp_path, language, words
):
    """A policy file that does not know who pays says `not_stated`; the budget says so."""
    document = split_policy()
    document["benefits"][0]["funding"] = [{"source": "not_stated", "share": 100}]
    load_policy_file(path=write_yaml(tmp_path / "split.yaml", document))
    run_entitlements(policy_codes=["split-policy"], school_year=2024, unit=world.units["d12"])
    client = Client()
    client.force_login(world.users["district"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page = client.get("/payments/budget/?year=2024").content.decode()

    total, _below = budget(user=world.users["district"], school_year=2024)
    assert figures(total, "not_stated") == (2 * 1_000_000, 0, 0)  # the two poor pupils
    assert f"<td>{words}</td>" in page
