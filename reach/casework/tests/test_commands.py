import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from reach.casework.models import DropoutCase
from reach.casework.tests.factories import CaseVisitFactory, DropoutCaseFactory, WorkGroupFactory
from reach.indicators.tests.factories import household_in, person_aged

pytestmark = pytest.mark.django_db


def test_open_cases_command_is_idempotent(world):
    person_aged(8, household=household_in(world.units["ward1"]))
    out = StringIO()

    call_command("open_cases", year=2024, unit="26734", stdout=out)
    call_command("open_cases", year=2024, unit="26734", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines == [
        "Cases opened: 1 out of school, 0 dropped out, 0 at risk.",
        "Cases opened: 0 out of school, 0 dropped out, 0 at risk.",
    ]
    assert DropoutCase.objects.count() == 1


def test_case_reminders_list_overdue_cases_by_work_group(world):
    group = WorkGroupFactory(unit=world.units["ward1"], name="Tổ Thạnh Xuân")
    overdue = DropoutCaseFactory(
        person=world.persons["ward1"], work_group=group, opened_on=dt.date(2024, 9, 1)
    )
    CaseVisitFactory(case=overdue, visited_on=dt.date(2024, 9, 5))
    recent = DropoutCaseFactory(person=world.persons["ward2"], opened_on=dt.date(2024, 10, 1))
    CaseVisitFactory(case=recent, visited_on=dt.date(2024, 10, 20))
    out = StringIO()

    call_command("case_reminders", today=dt.date(2024, 10, 31), stdout=out)

    assert out.getvalue().splitlines() == [
        "Tổ Thạnh Xuân:",
        f"  #{overdue.pk} Pupil ward1 (Thạnh Xuân): last visit 2024-09-05, opened 2024-09-01",
        "1 case(s) without a visit for 30 days.",
    ]
