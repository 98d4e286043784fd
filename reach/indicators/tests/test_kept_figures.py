"""The roll-up read from the figures' counts kept per unit (`reach refresh_figures`): each count
of persons equals the one counted from the records, for the unit, each sub-unit and the year
before; a reader who does not see every person under the unit, or a year never refreshed, is
counted from the records; the sub-units of a year are those in force in it."""

import pytest

from reach.accounts.tests.factories import UserFactory
from reach.geo.models import Unit
from reach.indicators.figures import FIGURE_NAMES, Rollup
from reach.indicators.kept_figures import KEPT_NAMES
from reach.indicators.parameters import indicator_parameters
from reach.indicators.selectors import rollup_for_user
from reach.plans.services import refresh_figures
from reach.plans.tests.test_reorganisation import merged  # noqa: F401  (a fixture)
from reach.registry.generate import generate_households

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(world):
    """Households generated across District 12's two wards for 2023 and for 2024, beside the
    `world`'s own."""
    for seed, year in ((11, 2023), (12, 2024)):
        generate_households(unit=world.units["d12"], households=40, seed=seed, year=year)
    return world


def counted(user, unit: Unit | None, year: int) -> Rollup:
    """The roll-up counted from the records: parameters passed, no kept count is read."""
    return rollup_for_user(user, school_year=year, unit=unit, params=indicator_parameters())


def numbers(rollup: Rollup, name: str) -> list[tuple[str | None, int, int]]:
    return [
        (
            line.unit.code if line.unit else None,
            getattr(line.current, name),
            getattr(line.previous, name),
        )
        for line in (rollup.total, *rollup.rows)
    ]


@pytest.mark.parametrize("name", sorted(KEPT_NAMES))
def test_a_kept_count_equals_the_count_from_the_records(generated, name):
    user, d12 = generated.users["district"], generated.units["d12"]
    live = {year: counted(user, d12, year) for year in (2024, 2025)}
    assert live[2024].total.current.child_population, "the generated unit has someone to count"

    refresh_figures()
    for year in (2024, 2025):
        kept = rollup_for_user(user, school_year=year, unit=d12)
        assert kept.counted_as_of is not None
        assert numbers(kept, name) == numbers(live[year], name)


def test_households_are_counted_beside_the_kept_counts(generated):
    user = generated.users["district"]
    live = counted(user, None, 2024)

    refresh_figures()
    kept = rollup_for_user(user, school_year=2024)
    assert kept.counted_as_of is not None
    for name in FIGURE_NAMES:
        assert numbers(kept, name) == numbers(live, name), name


def test_a_year_never_refreshed_is_counted_from_the_records(generated):
    user, d12 = generated.users["district"], generated.units["d12"]
    refresh_figures(school_years=[2023])

    rollup = rollup_for_user(user, school_year=2024, unit=d12)
    assert rollup.counted_as_of is not None  # the year before (2023) read from the table
    assert numbers(rollup, "child_deprived") == numbers(counted(user, d12, 2024), "child_deprived")
    assert rollup.total.previous == counted(user, d12, 2024).total.previous


@pytest.mark.parametrize("unit_key", [None, "ward1"])
def test_a_reader_who_sees_part_of_the_persons_is_counted_from_the_records(generated, unit_key):
    user = generated.users["school01"]  # the pupils of one school, wherever they live
    unit = generated.units[unit_key] if unit_key else None
    refresh_figures()

    rollup = rollup_for_user(user, school_year=2024, unit=unit)
    assert rollup.counted_as_of is None
    for name in FIGURE_NAMES:
        assert numbers(rollup, name) == numbers(counted(user, unit, 2024), name), name
    everyone = rollup_for_user(generated.users["admin"], school_year=2024, unit=unit)
    assert rollup.total.current.child_population < everyone.total.current.child_population


def test_a_closed_unit_is_listed_in_the_years_it_was_in_force_only(merged):  # noqa: F811
    admin = UserFactory(is_superuser=True)
    rollups = {year: rollup_for_user(admin, school_year=year, unit=merged) for year in (2024, 2025)}
    rows = {year: {row.unit.code: row for row in rollup.rows} for year, rollup in rollups.items()}

    # District 12, closed on 2025-06-30, holds its twelve children in 2024 and is gone in 2025,
    # where the five wards formed from it hold them (Tam An: those of three old wards)
    assert rows[2024]["761"].current.right_age_population == 12
    assert "761" not in rows[2025]
    assert "D12-TA" not in rows[2024]
    assert (
        rows[2025]["D12-TA"].current.right_age_attending,
        rows[2025]["D12-TA"].current.right_age_population,
    ) == (2, 3)
    assert sum(row.current.right_age_population for row in rows[2025].values()) == 12
    # the year before of a ward formed in 2025: the wards it was formed from
    assert rows[2025]["D12-TA"].previous.right_age_population == 3

    refresh_figures()
    for year, live in rollups.items():
        kept = rollup_for_user(admin, school_year=year, unit=merged)
        assert kept.counted_as_of is not None
        for name in FIGURE_NAMES:
            assert numbers(kept, name) == numbers(live, name), (year, name)


def test_the_page_says_as_of_when_its_figures_were_counted(client, generated):
    client.force_login(generated.users["district"])
    before = client.get("/indicators/", {"year": 2024, "unit": "761"})
    assert b'id="counted-as-of"' not in before.content

    refresh_figures()
    after = client.get("/indicators/", {"year": 2024, "unit": "761"})
    assert b'id="counted-as-of"' in after.content
    assert after.context["rollup"].total == before.context["rollup"].total
