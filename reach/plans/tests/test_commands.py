"""`reach plan_reminders`: overdue tasks and those due soon, by lead organisation."""

import io

import pytest
from django.core.management import call_command

from reach.plans.models import TaskAssignment
from reach.plans.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_plan_reminders_lists_overdue_and_due_tasks_by_lead(world, plans):
    union = OrganisationFactory(name="Đoàn phường Thạnh Xuân", unit=world.units["ward1"])
    TaskAssignment.objects.create(task=plans["ward1"].tasks.get(number="2"), organisation=union,
                                  role="lead")  # fmt: skip
    out = io.StringIO()
    call_command("plan_reminders", "--unit", "26734", "--today", "2023-04-01", stdout=out)
    text = out.getvalue()
    # Ward 1's tasks end 2023-03-31: task 1 is done, task 2 is overdue.
    assert "Overdue: 1" in text and "  Đoàn phường Thạnh Xuân:" in text and "W1-2023/KH I.2" in text
    assert "1 overdue, 0 due within 7 days." in text


def test_plan_reminders_due_within_days(world, plans):
    out = io.StringIO()
    call_command("plan_reminders", "--days", "3", "--today", "2023-03-28", stdout=out)
    # 3 plans x 2 tasks end 2023-03-31, one of them done: 5 due within 3 days, none overdue.
    assert "0 overdue, 5 due within 3 days." in out.getvalue()
