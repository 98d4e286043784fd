from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reach.indicators.tests.factories import enrol, household_in, person_aged

pytestmark = pytest.mark.django_db


def test_indicators_command_prints_the_unit_its_wards_and_the_right_age_rate(world):
    home = household_in(world.units["ward1"], status="poor")
    person_aged(8, household=home)
    enrol(person_aged(9, household=home), "primary", school_year=2023)
    out = StringIO()

    call_command("indicators", year=2024, unit="761", stdout=out)

    text = out.getvalue()
    assert "School year 2024-2025, ages on 2024-09-01" in text
    assert "Thạnh Xuân" in text and "Thạnh Lộc" in text
    # ward 1: world's pupil attends; of the poor household's two children neither does
    assert "2/3 (1, 50.0%)" in text.splitlines()[3]
    assert "Right-age attendance of children of poor and near-poor households: 50.0%" in text
    assert "(3 of 6; target 90%)" in text
    # in 2023 only the child then 8 attended; no household had a status yet
    assert "child-deprived households -2 (-50.0 points)" in text
    assert "right-age rate - points" in text
    assert "Out of school: 3; dropped out: 0" in text


def test_indicators_command_rejects_an_unknown_unit(world):
    with pytest.raises(CommandError, match="unknown unit NOPE"):
        call_command("indicators", year=2024, unit="NOPE", stdout=StringIO())
