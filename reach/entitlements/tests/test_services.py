"""Entitlement runs: the lines of the shipped policies, exclusive groups, idempotence, the
difference between runs, joining and retrying runs, failures and totals."""

import datetime as dt

import pytest
from django.utils import timezone

from reach.accounts.models import AuditEvent
from reach.entitlements import engine
from reach.entitlements.choices import RunStatus
from reach.entitlements.errors import RunFailed, UnknownPolicy
from reach.entitlements.models import EntitlementLine, EntitlementRun
from reach.entitlements.services import (
    WORKER_STOPPED,
    run_entitlements,
)
from reach.entitlements.tests.factories import EntitlementRunFactory, make_place, make_pupil
from reach.geo.tests.factories import UnitFactory
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir, load_policy_file
from reach.policy.tests.factories import benefit, policy_document, write_yaml
from reach.registry.models import Enrolment, HouseholdYearStatus
from reach.registry.tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db
GUIDING = "cn-guiding-2015"  # the county's own items and top-ups
NATIONAL = "cn-national-student-aid"  # China's national standards, under the county's
VN_POLICY = "vn-poverty-education"


@pytest.fixture
def place(db):
    load_policies_dir(path=default_policies_dir())
    return make_place()


def lines_of(run: EntitlementRun) -> dict[tuple[int, str], int]:
    return {
        (line.person_id, line.benefit_code): line.amount_minor
        for line in EntitlementLine.objects.filter(run=run)
    }


def test_run_entitlements_poor_upper_secondary_pupil_in_guiding_gets_national_2000_and_county_four(
    place,
):
    pupil = make_pupil(
        unit=place.units["town"],
        level="upper_secondary",
        grade=10,
        birth_date=dt.date(2008, 3, 1),
    )
    steps = []

    run = run_entitlements(
        policy_codes=[NATIONAL, GUIDING],
        school_year=2024,
        unit=place.units["county"],
        progress=lambda done, total: steps.append((done, total)),
    )

    assert run.status == RunStatus.DONE
    assert lines_of(run) == {
        (pupil.pk, "upper_secondary_national_grant_2000"): 2000_00,
        (pupil.pk, "upper_secondary_poverty_special_grant"): 1000_00,
        (pupil.pk, "upper_secondary_tuition_waiver"): 760_00,
        (pupil.pk, "upper_secondary_textbook_waiver"): 400_00,
        (pupil.pk, "upper_secondary_accommodation_waiver"): 500_00,
    }
    line = EntitlementLine.objects.get(run=run, benefit_code="upper_secondary_national_grant_2000")
    assert (line.currency, line.school_year, line.policy_code) == ("CNY", 2024, NATIONAL)
    assert line.unit == place.units["town"]
    assert line.household_id == pupil.household_id
    assert line.benefit.version.number == run.versions[NATIONAL] == 1
    assert line.funding == [{"source": "not_stated", "minor": 2000_00}]  # facts §3.4: no payer
    county = EntitlementLine.objects.get(run=run, benefit_code="upper_secondary_tuition_waiver")
    assert county.policy_code == GUIDING
    assert county.funding == [{"source": "province_prefecture_county", "minor": 760_00}]
    assert (
        steps[-1]
        == (run.progress_total, run.progress_total)
        == (
            run.progress_done,
            run.progress_total,
        )
    )
    assert [done for done, _total in steps] == list(range(1, run.progress_total + 1))
    assert run.totals["amount_minor"] == {"CNY": 4660_00}
    assert run.diff["counts"] == {"added": 5, "removed": 0, "changed": 0, "unchanged": 0}
    event = AuditEvent.objects.get(object_type="entitlements.entitlementrun", action="create")
    assert event.after["diff"]["added"] == 5


def test_run_entitlements_pupil_outside_guiding_gets_the_national_2000_but_no_county_line(place):
    """Guiding's file applies to the county's unit path only; the national one to all of CN.
    The other county is Guiyang's Nanming district (520102), under the same province."""
    guizhou = place.units["county"].parent
    other_county = UnitFactory(code="520102000000", level="district", parent=guizhou)
    outside = make_pupil(unit=other_county, level="upper_secondary", grade=10)
    inside = make_pupil(unit=place.units["town"], level="upper_secondary", grade=10)

    run = run_entitlements(policy_codes=[NATIONAL, GUIDING], school_year=2024, unit=None)

    by_policy: dict[tuple[int, str], int] = {}
    for line in EntitlementLine.objects.filter(run=run):
        key = (line.person_id, line.policy_code)
        by_policy[key] = by_policy.get(key, 0) + line.amount_minor
    assert by_policy == {
        (outside.pk, NATIONAL): 2000_00,
        (inside.pk, NATIONAL): 2000_00,
        (inside.pk, GUIDING): (1000 + 760 + 400 + 500) * 100,
    }


def test_run_entitlements_non_poor_pupil_and_pupils_out_of_scope_get_nothing(place):
    make_pupil(unit=place.units["town"], status=None, level="upper_secondary", grade=10)
    make_pupil(unit=place.units["difficult"], level="upper_secondary", grade=10)  # VN

    run = run_entitlements(policy_codes=[GUIDING], school_year=2024, unit=None)

    assert lines_of(run) == {}
    assert run.totals["lines"] == 0


def test_run_entitlements_poor_primary_pupil_gets_meals_5_yuan_x_their_school_days_else_200(place):
    counted = make_pupil(unit=place.units["town"], school_days=180)
    default = make_pupil(unit=place.units["town"])

    run = run_entitlements(policy_codes=[NATIONAL], school_year=2024, unit=place.units["town"])

    lines = lines_of(run)
    assert lines[(counted.pk, "nutrition_meal_subsidy_5")] == 5_00 * 180
    assert lines[(default.pk, "nutrition_meal_subsidy_5")] == 5_00 * 200


def test_run_entitlements_exclusive_group_keeps_only_the_largest_tuition_line(place):
    # Near-poor (50%) and ethnic minority in an extremely difficult commune (70%): 70% stays.
    pupil = make_pupil(
        unit=place.units["difficult"],
        status="near_poor",
        level="lower_secondary",
        grade=7,
        birth_date=dt.date(2012, 1, 1),
        ethnic_minority=True,
    )

    run = run_entitlements(policy_codes=[VN_POLICY], school_year=2024, unit=place.units["vn"])

    assert lines_of(run) == {(pupil.pk, "tuition_reduction_70_81"): 300_000 * 70 // 100 * 9}


def test_run_entitlements_poor_ethnic_pupil_keeps_the_exemption_over_the_70_reduction(place):
    # Poor (100% exemption) and ethnic minority in a difficult commune (70%): 100% stays.
    pupil = make_pupil(
        unit=place.units["difficult"],
        status="poor",
        level="lower_secondary",
        grade=7,
        birth_date=dt.date(2012, 1, 1),
        ethnic_minority=True,
    )

    run = run_entitlements(policy_codes=[VN_POLICY], school_year=2024, unit=None)

    assert lines_of(run) == {
        (pupil.pk, "tuition_exemption_81"): 300_000 * 9,
        (pupil.pk, "learning_cost_support"): 150_000 * 9,
    }


def test_run_entitlements_exclusive_group_tie_keeps_the_benefit_first_in_the_file(place, tmp_path):
    tied = {"per": "year", "value": 500000}
    document = policy_document(
        benefit("second_in_file_first_by_code", exclusive_group="g", amount=tied),
        benefit("a_first_by_code", exclusive_group="g", amount=tied),
        benefit("smaller", exclusive_group="g", amount={"per": "year", "value": 1}),
    )
    load_policy_file(path=write_yaml(tmp_path / "test.yaml", document))
    pupil = make_pupil(unit=place.units["ordinary"], status="poor", level="primary")

    run = run_entitlements(policy_codes=["test-policy"], school_year=2024, unit=None)

    assert lines_of(run) == {(pupil.pk, "second_in_file_first_by_code"): 500000}


def test_run_entitlements_grants_a_benefit_to_the_household_statuses_its_condition_allows(
    place, tmp_path
):
    """Benefits that name household statuses meet only pupils of those statuses (or of their
    other alternatives: an orphan); one that names none meets a pupil of any status, one named
    by no condition ("escaped_poor") and one without a status that year ("none") alike."""
    primary = {"field": "level", "op": "eq", "value": "primary"}
    document = policy_document(
        benefit("poor_only"),
        benefit(
            "poor_or_near_poor",
            condition={
                "all": [
                    primary,
                    {"field": "household_status", "op": "in", "value": ["poor", "near_poor"]},
                ]
            },
        ),
        benefit("any_status", condition=primary),
        benefit(
            "orphan_or_poor",
            condition={
                "all": [
                    primary,
                    {
                        "any": [
                            {"field": "orphan", "op": "is_true"},
                            {"field": "household_status", "op": "eq", "value": "poor"},
                        ]
                    },
                ]
            },
        ),
    )
    load_policy_file(path=write_yaml(tmp_path / "test.yaml", document))
    unit = place.units["ordinary"]
    poor, near_poor, escaped, without, orphan = (
        make_pupil(unit=unit, status="poor"),
        make_pupil(unit=unit, status="near_poor"),
        make_pupil(unit=unit, status="escaped_poor"),
        make_pupil(unit=unit, status=None),
        make_pupil(unit=unit, status="escaped_poor", orphan=True),
    )

    run = run_entitlements(policy_codes=["test-policy"], school_year=2024, unit=None)

    granted = {}
    for person, code in lines_of(run):
        granted.setdefault(person, set()).add(code)
    assert granted == {
        poor.pk: {"poor_only", "poor_or_near_poor", "any_status", "orphan_or_poor"},
        near_poor.pk: {"poor_or_near_poor", "any_status"},
        escaped.pk: {"any_status"},
        without.pk: {"any_status"},
        orphan.pk: {"any_status", "orphan_or_poor"},
    }


def test_run_entitlements_without_a_fee_for_the_unit_leaves_the_pupil_out_with_a_warning(place):
    other_province = make_place_outside_hcmc(place)
    make_pupil(unit=other_province, status="near_poor", level="lower_secondary", grade=7)

    run = run_entitlements(policy_codes=[VN_POLICY], school_year=2024, unit=None)

    assert lines_of(run) == {}
    assert any("tuition_reduction_50_81" in warning for warning in run.totals["warnings"])


def make_place_outside_hcmc(place):
    province = UnitFactory(code="1", level="province", parent=place.units["vn"])
    return UnitFactory(code="00001", parent=province)


def test_run_entitlements_twice_gives_the_same_lines_and_an_empty_diff(place):
    make_pupil(unit=place.units["town"], level="upper_secondary", grade=10)
    make_pupil(unit=place.units["town"], level="primary", boarding=True)
    first = run_entitlements(policy_codes=[GUIDING], school_year=2024, unit=place.units["county"])
    before = {(p, b): a for (p, b), a in lines_of(first).items()}

    second = run_entitlements(policy_codes=[GUIDING], school_year=2024, unit=place.units["county"])

    assert second.pk != first.pk
    assert lines_of(second) == before
    assert lines_of(first) == {}  # the lines moved to the latest run of the key
    assert second.diff["counts"] == {
        "added": 0,
        "removed": 0,
        "changed": 0,
        "unchanged": len(before),
    }
    assert second.diff["added"] == second.diff["removed"] == second.diff["changed"] == []
    assert second.totals == first.totals


def test_run_entitlements_after_a_status_change_reports_added_and_removed(place):
    was_poor = make_pupil(unit=place.units["town"], level="upper_secondary", grade=10)
    becomes_poor = make_pupil(unit=place.units["town"], status="none", level="preschool")
    run_entitlements(policy_codes=[NATIONAL, GUIDING], school_year=2024, unit=None)
    HouseholdYearStatus.objects.filter(household=was_poor.household, year=2024).update(
        status="escaped_poor"
    )
    HouseholdYearStatus.objects.filter(household=becomes_poor.household, year=2024).update(
        status="poor"
    )

    run = run_entitlements(policy_codes=[NATIONAL, GUIDING], school_year=2024, unit=None)

    assert run.diff["counts"] == {"added": 1, "removed": 5, "changed": 0, "unchanged": 0}
    assert run.diff["added"] == [
        {
            "person": becomes_poor.pk,
            "policy": GUIDING,
            "benefit": "preschool_living_subsidy",
            "amount_minor": 200_00,
        }
    ]
    assert {entry["person"] for entry in run.diff["removed"]} == {was_poor.pk}


def test_run_entitlements_reports_changed_amounts(place):
    pupil = make_pupil(unit=place.units["town"], school_days=180)
    run_entitlements(policy_codes=[NATIONAL], school_year=2024, unit=None)
    Enrolment.objects.filter(person=pupil).update(school_days=190)

    run = run_entitlements(policy_codes=[NATIONAL], school_year=2024, unit=None)

    assert run.diff["changed"] == [
        {
            "person": pupil.pk,
            "policy": NATIONAL,
            "benefit": "nutrition_meal_subsidy_5",
            "before": 5_00 * 180,
            "after": 5_00 * 190,
        }
    ]


def test_run_entitlements_a_second_request_joins_the_running_run(place):
    make_pupil(unit=place.units["town"], level="upper_secondary", grade=10)
    running = EntitlementRunFactory(policy_codes=GUIDING, unit=place.units["county"])

    run = run_entitlements(policy_codes=[GUIDING], school_year=2024, unit=place.units["county"])

    assert run.pk == running.pk
    assert run.status == RunStatus.RUNNING
    assert EntitlementLine.objects.count() == 0
    assert EntitlementRun.objects.count() == 1


def test_run_entitlements_picks_up_a_pending_run_of_the_key(place):
    pending = EntitlementRunFactory(
        policy_codes=GUIDING, status=RunStatus.PENDING, started_at=None, heartbeat_at=None
    )

    run = run_entitlements(policy_codes=[GUIDING], school_year=2024, unit=None)

    assert run.pk == pending.pk
    assert run.status == RunStatus.DONE


def test_run_entitlements_marks_a_stale_running_run_failed_and_starts_again(place):
    make_pupil(unit=place.units["town"], level="upper_secondary", grade=10)
    stale = EntitlementRunFactory(
        policy_codes=GUIDING, heartbeat_at=timezone.now() - dt.timedelta(minutes=11)
    )

    run = run_entitlements(policy_codes=[GUIDING], school_year=2024, unit=None)

    stale.refresh_from_db()
    assert (stale.status, stale.error) == (RunStatus.FAILED, WORKER_STOPPED)
    assert run.pk != stale.pk
    assert run.status == RunStatus.DONE
    assert len(lines_of(run)) == 4  # the county's 1,000 + 760 + 400 + 500


def test_run_entitlements_failure_marks_the_run_failed_and_keeps_the_previous_lines(
    place, monkeypatch
):
    make_pupil(unit=place.units["town"], level="upper_secondary", grade=10)
    done = run_entitlements(policy_codes=[GUIDING], school_year=2024, unit=None)
    before = lines_of(done)

    def explode(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(engine, "write_lines", explode)

    with pytest.raises(RunFailed) as raised:
        run_entitlements(policy_codes=[GUIDING], school_year=2024, unit=None)

    failed = raised.value.run
    failed.refresh_from_db()
    assert failed.status == RunStatus.FAILED
    assert "the database went away" in failed.error
    assert failed.finished_at is not None
    assert lines_of(failed) == {}
    assert lines_of(done) == before
    assert AuditEvent.objects.filter(
        object_type="entitlements.entitlementrun", object_id=str(failed.pk), action="update"
    ).exists()
    # The key is free again: the next request runs, and finds nothing changed.
    monkeypatch.undo()
    again = run_entitlements(policy_codes=[GUIDING], school_year=2024, unit=None)
    assert again.status == RunStatus.DONE
    assert lines_of(again) == before
    assert again.diff["counts"]["unchanged"] == len(before) == 4  # the county's four lines


def test_run_entitlements_unknown_policy_raises_before_any_run(place):
    with pytest.raises(UnknownPolicy, match="no-such-policy"):
        run_entitlements(policy_codes=["no-such-policy"], school_year=2024, unit=None)
    assert EntitlementRun.objects.count() == 0


def test_run_entitlements_key_is_the_sorted_policy_codes(place):
    run = run_entitlements(policy_codes=[VN_POLICY, GUIDING, GUIDING], school_year=2024, unit=None)
    assert run.policy_codes == f"{GUIDING},{VN_POLICY}"
    assert set(run.versions) == {GUIDING, VN_POLICY}


def test_run_entitlements_pupil_enrolled_twice_gets_each_benefit_once(place):
    pupil = make_pupil(unit=place.units["town"], level="primary", grade=6)
    EnrolmentFactory(person=pupil, school_year=2024, level="lower_secondary", grade=7)

    run = run_entitlements(policy_codes=[NATIONAL], school_year=2024, unit=None)

    meals = {key: amount for key, amount in lines_of(run).items() if "meal" in key[1]}
    assert meals == {(pupil.pk, "nutrition_meal_subsidy_5"): 5_00 * 200}


def test_run_entitlements_pupil_enrolled_twice_is_judged_on_the_first_enrolment_only(place):
    # Near-poor in Ho Chi Minh City, enrolled in lower secondary (a fee in the table) and then
    # in continuing education (none): the first enrolment gives the 50% reduction, and the
    # second, never used, leaves nobody out.
    pupil = make_pupil(
        unit=place.units["ordinary"], status="near_poor", level="lower_secondary", grade=7
    )
    EnrolmentFactory(person=pupil, school_year=2024, level="continuing_education", grade=None)

    run = run_entitlements(policy_codes=[VN_POLICY], school_year=2024, unit=None)

    assert lines_of(run) == {(pupil.pk, "tuition_reduction_50_81"): 300_000 * 50 // 100 * 9}
    assert run.totals["warnings"] == []


def test_run_entitlements_a_narrower_scope_takes_over_its_pupils_lines(place):
    make_pupil(unit=place.units["town"], level="upper_secondary", grade=10)
    wide = run_entitlements(policy_codes=[GUIDING], school_year=2024, unit=None)

    narrow = run_entitlements(policy_codes=[GUIDING], school_year=2024, unit=place.units["town"])

    assert len(lines_of(narrow)) == 4  # the county's 1,000 + 760 + 400 + 500
    assert lines_of(wide) == {}
    assert narrow.diff["counts"]["unchanged"] == 4


def test_run_totals_by_benefit_unit_and_funding_add_up(place):
    town = place.units["town"]
    make_pupil(unit=town, level="upper_secondary", grade=10)
    make_pupil(unit=town, level="primary", boarding=True, school_days=150)
    make_pupil(unit=town, level="preschool", grade=None, status="none", orphan=True)
    for _index in range(2):
        make_pupil(
            unit=place.units["difficult"],
            status="near_poor",
            level="lower_secondary",
            grade=7,
            ethnic_minority=True,
            boarding=True,
        )

    run = run_entitlements(policy_codes=[GUIDING, VN_POLICY], school_year=2024, unit=None)

    lines = EntitlementLine.objects.filter(run=run)
    totals = run.totals
    for currency in ("CNY", "VND"):
        of_currency = [line for line in lines if line.currency == currency]
        grand = sum(line.amount_minor for line in of_currency)
        assert totals["amount_minor"][currency] == grand > 0
        for key in ("by_benefit", "by_unit", "by_funding"):
            rows = [row for row in totals[key] if row["currency"] == currency]
            assert sum(row["amount_minor"] for row in rows) == grand
        funding: dict[str, int] = {}
        for line in of_currency:
            for part in line.funding:
                funding[part["source"]] = funding.get(part["source"], 0) + part["minor"]
        assert {
            row["source"]: row["amount_minor"]
            for row in totals["by_funding"]
            if row["currency"] == currency
        } == funding
    assert totals["lines"] == lines.count() == sum(row["lines"] for row in totals["by_unit"])
    by_unit = {(row["unit"], row["currency"]): row["lines"] for row in totals["by_unit"]}
    # 2 pupils x (70% tuition + semi-boarding food of Decree 116/2016 and of Decree 66/2025)
    assert by_unit[("26734", "VND")] == 6
    # Decree 116/2016 pays September to April (15 kg x 8), Decree 66/2025 May from 1/5/2025
    semi_boarding = lines.filter(benefit_code="semi_boarding_food_116").first()
    assert semi_boarding.in_kind == [{"item": "rice", "unit": "kg", "quantity": "120"}]
    assert semi_boarding.amount_minor == 2_340_000 * 40 // 100 * 8
    may = lines.filter(benefit_code="semi_boarding_food_66").first()
    assert may.amount_minor == 936_000 * 1
    assert may.in_kind == [{"item": "rice", "unit": "kg", "quantity": "15"}]


def test_run_2025_private_pupil_gets_the_provinces_support_200000_x_9_and_where_not_set_is_left_out(
    place,
):
    """HCMC (VN.79) has set 200,000 a month for lower secondary; province 1 has set nothing:
    its pupil gets no line, and the run says the value is not set there."""
    from reach.accounts.tests.factories import UserFactory
    from reach.policy.models import ReferenceTable, ReferenceValue
    from reach.policy.services import save_reference_value

    table = ReferenceTable.objects.get(code="private_tuition_support")
    save_reference_value(
        actor=UserFactory(username="root", is_superuser=True),
        value=ReferenceValue(
            table=table,
            school_year=2025,
            keys={"level": "lower_secondary", "unit": "VN.79"},
            value_minor=200000,
        ),
    )
    kept = {"status": "none", "level": "lower_secondary", "grade": 7, "year": 2025}
    hcmc = make_pupil(unit=place.units["ordinary"], ownership="private", **kept)
    elsewhere = make_pupil(unit=make_place_outside_hcmc(place), ownership="private", **kept)

    run = run_entitlements(policy_codes=[VN_POLICY], school_year=2025, unit=None)

    assert lines_of(run) == {(hcmc.pk, "private_school_tuition_support_238"): 1800000}
    assert elsewhere.pk not in {person for person, _code in lines_of(run)}
    assert any(
        "private_school_tuition_support_238" in warning
        and "1 pupils left out" in warning
        and "private_tuition_support not set for level lower_secondary in VN.1.00001" in warning
        for warning in run.totals["warnings"]
    ), run.totals["warnings"]


def test_run_2024_3_year_old_class_born_2021_11_20_gets_lunch_160000_x_9_though_aged_2(place):
    """Vietnamese preschool classes are formed by year of birth: 2024 - 2021 = 3."""
    child = make_pupil(
        unit=place.units["ordinary"],
        status="poor",
        level="preschool",
        grade=None,
        birth_date=dt.date(2021, 11, 20),
    )
    make_pupil(
        unit=place.units["ordinary"],
        status="poor",
        level="preschool",
        grade=None,
        birth_date=dt.date(2022, 1, 1),
    )

    run = run_entitlements(policy_codes=[VN_POLICY], school_year=2024, unit=None)

    lunches = {
        person: amount
        for (person, code), amount in lines_of(run).items()
        if code == "preschool_lunch_support"
    }
    assert lunches == {child.pk: 1440000}


def test_run_guiding_preschool_subsidy_200_in_a_public_or_inclusive_kindergarten_only(place):
    from reach.geo.models import School

    def child(ownership: str, inclusive: str):
        pupil = make_pupil(
            unit=place.units["town"],
            level="preschool",
            grade=None,
            birth_date=dt.date(2020, 3, 1),
            ownership=ownership,
        )
        School.objects.filter(enrolments__person=pupil).update(inclusive=inclusive)
        return pupil

    public = child("public", "unknown")
    inclusive = child("private", "yes")
    child("private", "no")
    child("private", "unknown")

    run = run_entitlements(policy_codes=[GUIDING], school_year=2024, unit=place.units["county"])

    assert lines_of(run) == {
        (public.pk, "preschool_living_subsidy"): 200_00,
        (inclusive.pk, "preschool_living_subsidy"): 200_00,
    }
