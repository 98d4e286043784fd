import datetime as dt
import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reach.accounts.models import AuditEvent
from reach.accounts.permissions import command_line_actor
from reach.geo.models import Unit
from reach.geo.services import DATA_DIR, load_schools, load_units
from reach.geo.tests.factories import SchoolFactory, UnitFactory
from reach.registry.generate import (
    GenerationError,
    GenerationResult,
    age_on,
    china_id_check_char,
    generate_households,
)
from reach.registry.models import Enrolment, Household, HouseholdYearStatus, Person
from reach.registry.tests.factories import PersonFactory

DISTRICT_12 = "761"
GUIDING = "522723000000"
EXPECTED_LEVELS = [
    (range(3, 6), {"preschool"}),
    (range(6, 11), {"primary"}),
    (range(11, 15), {"lower_secondary"}),
    (range(15, 18), {"upper_secondary", "vocational_secondary"}),
    (range(18, 23), {"higher_education"}),
]


@pytest.fixture
def demo(db):
    load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
    load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def snapshot() -> dict[str, list[tuple]]:
    """Every generated value, keyed by natural keys rather than database ids."""
    return {
        "households": sorted(
            Household.objects.values_list("code", "unit__code", "head_name", "address")
        ),
        "statuses": sorted(
            HouseholdYearStatus.objects.values_list("household__code", "year", "status", "decision")
        ),
        "persons": sorted(
            Person.objects.values_list(
                "household__code",
                "full_name",
                "sex",
                "birth_date",
                "national_id",
                "ethnicity",
                "ethnic_minority",
                "disabled",
                "orphan",
                "martyr_child",
                "relation",
                "education_completed",
                "vocational_certificate",
            ),
            key=str,
        ),
        "enrolments": sorted(
            Enrolment.objects.values_list(
                "person__household__code",
                "person__full_name",
                "person__birth_date",
                "school__code",
                "school_year",
                "level",
                "grade",
                "boarding",
                "status",
                "attendance_rate",
            ),
            key=str,
        ),
    }


def delete_generated_rows() -> None:
    Enrolment.objects.all().delete()
    Person.objects.all().delete()
    HouseholdYearStatus.objects.all().delete()
    Household.objects.all().delete()


def cn_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 written out: weight 2^(17-i) mod 11, check (12 - sum mod 11) mod 11."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    return "0123456789X"[(12 - total % 11) % 11]


@pytest.mark.django_db
@pytest.mark.parametrize("code", [DISTRICT_12, GUIDING])
def test_generate_households_same_inputs_give_identical_rows_on_a_fresh_database(demo, code):
    first = generate_households(unit=unit(code), households=120, seed=7)
    before = snapshot()
    delete_generated_rows()

    second = generate_households(unit=unit(code), households=120, seed=7)

    assert second == first
    assert snapshot() == before
    assert len(before["persons"]) == first.persons


@pytest.mark.django_db
def test_generate_households_another_seed_adds_different_households(demo):
    generate_households(unit=unit(DISTRICT_12), households=100, seed=1)
    names_seed_1 = set(Person.objects.values_list("full_name", "birth_date"))

    result = generate_households(unit=unit(DISTRICT_12), households=100, seed=2)

    assert result.households == 100
    assert Household.objects.count() == 200
    added = set(
        Person.objects.exclude(household__code__contains="-1-").values_list(
            "full_name", "birth_date"
        )
    )
    assert len(added - names_seed_1) > 0.9 * len(added)


@pytest.mark.django_db
def test_generate_households_rerun_with_same_seed_creates_nothing(demo):
    first = generate_households(unit=unit(DISTRICT_12), households=80, seed=3)
    rows = snapshot()

    second = generate_households(unit=unit(DISTRICT_12), households=80, seed=3)

    assert first.households == 80
    assert second == GenerationResult(households=0, persons=0, enrolments=0, statuses=0)
    assert snapshot() == rows


@pytest.mark.django_db
def test_generate_households_rerun_with_more_households_adds_only_the_missing_ones(demo):
    generate_households(unit=unit(DISTRICT_12), households=50, seed=4)

    result = generate_households(unit=unit(DISTRICT_12), households=120, seed=4)

    assert result.households == 70
    in_two_runs = snapshot()
    delete_generated_rows()
    generate_households(unit=unit(DISTRICT_12), households=120, seed=4)
    assert snapshot() == in_two_runs


@pytest.mark.django_db
def test_household_codes_are_commune_seed_and_index(demo):
    generate_households(unit=unit(DISTRICT_12), households=60, seed=11)

    for code, commune_code, commune_path in Household.objects.values_list(
        "code", "unit__code", "unit__path"
    ):
        assert re.fullmatch(rf"{commune_code}-11-\d{{6}}", code)
        assert commune_path.startswith("VN.79.761.")
    indexes = sorted(int(code[-6:]) for code in Household.objects.values_list("code", flat=True))
    assert indexes == list(range(60))


@pytest.mark.django_db
def test_generate_households_in_a_commune_places_every_household_there(demo):
    generate_households(unit=unit("26734"), households=30, seed=1)

    assert set(Household.objects.values_list("unit__code", flat=True)) == {"26734"}


@pytest.mark.django_db
def test_vietnam_district_rates_are_roughly_as_configured(demo):
    result = generate_households(unit=unit(DISTRICT_12), households=2000, seed=21)

    statuses = Counter(
        HouseholdYearStatus.objects.filter(year=2024).values_list("status", flat=True)
    )
    persons = list(
        Person.objects.values(
            "birth_date", "national_id", "ethnicity", "ethnic_minority", "disabled"
        )
    )
    ages = [age_on(p["birth_date"], dt.date(2024, 9, 1)) for p in persons]
    adults = [p for p, age in zip(persons, ages, strict=True) if age >= 14]
    assert 3.4 < result.persons / result.households < 3.8
    assert sum(statuses.values()) == 2000
    assert 0.005 < statuses["poor"] / 2000 < 0.04
    assert 0.01 < statuses["near_poor"] / 2000 < 0.055
    assert 0.002 < statuses["escaped_poor"] / 2000 < 0.025
    assert statuses["none"] / 2000 > 0.88
    assert 0.15 < sum(age < 15 for age in ages) / len(ages) < 0.33
    assert 0.04 < sum(age >= 65 for age in ages) / len(ages) < 0.14
    assert 0.02 < sum(p["ethnic_minority"] for p in persons) / len(persons) < 0.12
    assert all(p["ethnic_minority"] == (p["ethnicity"] != "Kinh") for p in persons)
    assert 0.007 < sum(p["disabled"] for p in persons) / len(persons) < 0.025
    assert 0.85 < sum(bool(p["national_id"]) for p in adults) / len(adults) < 0.95
    assert not any(p["national_id"] for p, age in zip(persons, ages, strict=True) if age < 14)
    enrolments = Counter(Enrolment.objects.values_list("status", flat=True))
    assert 0.002 < enrolments["dropped_out"] / sum(enrolments.values()) < 0.04


@pytest.mark.django_db
def test_guiding_county_rates_are_roughly_as_configured(demo):
    result = generate_households(unit=unit(GUIDING), households=2000, seed=22)

    statuses = Counter(
        HouseholdYearStatus.objects.filter(year=2024).values_list("status", flat=True)
    )
    minority = Counter(Person.objects.values_list("ethnic_minority", flat=True))
    boarding = Counter(
        Enrolment.objects.filter(
            school__boarding=True, level__in=["primary", "lower_secondary"]
        ).values_list("boarding", flat=True)
    )
    assert 3.0 < result.persons / result.households < 3.4
    assert 0.05 < statuses["poor"] / 2000 < 0.11
    assert 0.015 < statuses["escaped_poor"] / 2000 < 0.05
    assert set(statuses) <= {"poor", "escaped_poor", "none"}
    assert 0.4 < minority[True] / result.persons < 0.62
    assert 0.3 < boarding[True] / boarding.total() < 0.5
    assert HouseholdYearStatus.objects.filter(
        status="poor", decision="贵定县扶贫办认定 2024"
    ).exists()


@pytest.mark.django_db
def test_poor_households_have_last_years_status_and_a_decision(demo):
    generate_households(unit=unit(DISTRICT_12), households=600, seed=5)

    for status in HouseholdYearStatus.objects.filter(year=2024).exclude(status="none"):
        assert re.fullmatch(r"QĐ \d+/QĐ-UBND ngày 15/12/2023", status.decision)
        assert HouseholdYearStatus.objects.filter(household=status.household_id, year=2023).exists()
    assert (
        not HouseholdYearStatus.objects.filter(year=2024, status="none")
        .exclude(decision="")
        .exists()
    )


@pytest.mark.django_db
def test_vietnamese_national_ids_are_unique_and_encode_province_sex_and_birth_year(demo):
    generate_households(unit=unit(DISTRICT_12), households=300, seed=1)
    generate_households(unit=unit(DISTRICT_12), households=300, seed=2)

    ids = Person.objects.exclude(national_id=None).values_list("national_id", "sex", "birth_date")
    assert len({national_id for national_id, _, _ in ids}) == len(ids) > 500
    for national_id, sex, birth_date in ids:
        century_sex = (birth_date.year // 100 - 19) * 2 + (sex == "f")
        assert re.fullmatch(r"\d{12}", national_id)
        assert national_id[:6] == f"079{century_sex}{birth_date.year % 100:02d}"


@pytest.mark.django_db
def test_chinese_national_ids_are_unique_with_valid_check_characters(demo):
    generate_households(unit=unit(GUIDING), households=300, seed=1)
    generate_households(unit=unit(GUIDING), households=300, seed=2)

    ids = Person.objects.exclude(national_id=None).values_list("national_id", "sex", "birth_date")
    assert len({national_id for national_id, _, _ in ids}) == len(ids) > 500
    for national_id, sex, birth_date in ids:
        assert national_id[:14] == f"522723{birth_date:%Y%m%d}"
        assert int(national_id[16]) % 2 == (sex == "m")
        assert national_id[17] == cn_check_char(national_id[:17])


@pytest.mark.django_db
def test_generated_national_ids_avoid_ids_already_in_the_database(demo):
    generate_households(unit=unit(GUIDING), households=40, seed=5)
    generated = set(Person.objects.exclude(national_id=None).values_list("national_id", flat=True))
    delete_generated_rows()
    held_by_others = sorted(generated)[:3]
    for national_id in held_by_others:
        PersonFactory(national_id=national_id)

    generate_households(unit=unit(GUIDING), households=40, seed=5)

    regenerated = Person.objects.filter(household__code__contains="-5-").exclude(national_id=None)
    ids = set(regenerated.values_list("national_id", flat=True))
    assert len(ids) == len(generated)
    assert ids.isdisjoint(held_by_others)
    assert all(i[17] == cn_check_char(i[:17]) for i in ids)


def test_china_id_check_char_matches_the_standards_example():
    assert china_id_check_char("11010519491231002") == cn_check_char("11010519491231002") == "X"


@pytest.mark.django_db
@pytest.mark.parametrize("code", [DISTRICT_12, GUIDING])
def test_enrolment_levels_grades_and_schools_match_age_on_1_september(demo, code):
    generate_households(unit=unit(code), households=400, seed=9)

    enrolments = Enrolment.objects.select_related("person__household__unit", "school__unit")
    assert enrolments.count() > 100
    for enrolment in enrolments:
        age = age_on(enrolment.person.birth_date, dt.date(2024, 9, 1))
        assert enrolment.school_year == 2024
        assert any(age in ages and enrolment.level in levels for ages, levels in EXPECTED_LEVELS)
        if enrolment.level in {"primary", "lower_secondary", "upper_secondary"}:
            assert enrolment.grade == age - 5
        if enrolment.school is None:
            assert enrolment.level == "higher_education"
            continue
        commune = enrolment.person.household.unit
        assert enrolment.level in enrolment.school.levels
        assert enrolment.school.unit.path.startswith(commune.path.rpartition(".")[0] + ".")
        assert enrolment.boarding <= enrolment.school.boarding
        if enrolment.status == "enrolled":
            assert 70 <= enrolment.attendance_rate <= 100


@pytest.mark.django_db
def test_education_completed_is_possible_at_the_persons_age(demo):
    generate_households(unit=unit(DISTRICT_12), households=400, seed=10)

    youngest = {
        "primary": 11,
        "lower_secondary": 15,
        "upper_secondary": 18,
        "vocational": 18,
        "higher": 22,
    }
    for birth_date, completed in Person.objects.values_list("birth_date", "education_completed"):
        assert age_on(birth_date, dt.date(2024, 9, 1)) >= youngest.get(completed, 0)


@pytest.mark.django_db
def test_generate_households_records_one_audit_event(demo):
    result = generate_households(unit=unit(GUIDING), households=40, seed=6)
    generate_households(unit=unit(GUIDING), households=40, seed=6)

    event = AuditEvent.objects.get()
    assert event.action == "create"
    assert (event.object_type, event.object_id) == ("geo.unit", str(unit(GUIDING).pk))
    assert event.reason == "reach generate"
    assert event.after == {
        "generated": {
            "households": 40,
            "persons": result.persons,
            "enrolments": result.enrolments,
            "statuses": result.statuses,
            "seed": 6,
            "year": 2024,
        }
    }


@pytest.mark.django_db
def test_generate_households_reports_progress_per_chunk(demo):
    calls = []

    generate_households(
        unit=unit(DISTRICT_12), households=250, seed=1, progress=lambda *a: calls.append(a)
    )

    done = [d for d, _ in calls]
    assert len(calls) > 1 and done == sorted(done) and calls[-1] == (250, 250)
    assert {total for _, total in calls} == {250}


@pytest.mark.django_db
def test_generate_households_without_communes_or_schools_is_refused():
    lonely_district = UnitFactory(level="district")
    commune_without_schools = UnitFactory(level="commune", parent=lonely_district)
    SchoolFactory(unit=UnitFactory(level="commune"))

    with pytest.raises(GenerationError, match="no communes"):
        generate_households(unit=UnitFactory(level="district"), households=5, seed=1)
    with pytest.raises(GenerationError, match="no schools"):
        generate_households(unit=commune_without_schools, households=5, seed=1)
    assert not Household.objects.exists()


@pytest.mark.django_db
def test_generate_command_prints_progress_and_counts(demo):
    out = StringIO()

    call_command("generate", unit=DISTRICT_12, households=1000, seed=2, stdout=out)

    lines = out.getvalue().splitlines()
    assert "  40% 400/1000 households" in lines
    assert re.fullmatch(
        r"Created 1000 households, \d+ persons, \d+ enrolments, \d+ statuses in [\d.]+ s", lines[-1]
    )


@pytest.mark.django_db
def test_generate_command_says_when_everything_exists_already(demo):
    call_command("generate", unit=DISTRICT_12, households=10, seed=2, stdout=StringIO())
    out = StringIO()

    call_command("generate", unit=DISTRICT_12, households=10, seed=2, stdout=out)

    assert "Created 0 households" in out.getvalue()
    assert "(all 10 households of seed 2 exist already)" in out.getvalue()


@pytest.mark.django_db
def test_generate_command_rejects_an_unknown_unit(demo):
    with pytest.raises(CommandError, match="unknown unit code 'NOPE'"):
        call_command("generate", unit="NOPE", households=10, seed=1, stdout=StringIO())


@pytest.mark.django_db
def test_generate_command_rejects_a_unit_without_communes():
    UnitFactory(code="EMPTY", level="district")

    with pytest.raises(CommandError, match="no communes"):
        call_command("generate", unit="EMPTY", households=10, seed=1, stdout=StringIO())
