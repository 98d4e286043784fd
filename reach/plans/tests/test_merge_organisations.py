"""An organisation a task table named in a way Reach did not know ("Vụ GD MN", created on
commit) is merged later into the one Reach knows: its tasks follow, nothing is doubled, and the
next table finds the known one by the old name."""

import pytest
from django.core.management import call_command

from reach.accounts.models import AuditEvent
from reach.common.errors import NotAllowed
from reach.geo.models import Organisation
from reach.plans.imports.services import commit_task_import
from reach.plans.models import TaskAssignment
from reach.plans.services import PlanError, merge_organisation
from reach.plans.tests.factories import OrganisationFactory, PlanTaskFactory
from reach.plans.tests.test_import import appendix_xlsx, ministry, stage  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(world, ministry):  # noqa: F811
    admin = world.users["admin"]
    commit_task_import(actor=admin, batch=stage(ministry, admin, appendix_xlsx()))
    known = OrganisationFactory(
        code="VU-GDMN", name="Vụ Giáo dục Mầm non", unit=ministry.unit, kind="education_office"
    )
    return ministry, Organisation.objects.get(name="Vụ GD MN"), known


def test_the_duplicates_tasks_follow_it_and_the_next_import_knows_the_old_name(world, imported):
    plan, duplicate, known = imported
    tasks = set(TaskAssignment.objects.filter(organisation=duplicate).values_list("task", "role"))
    assert tasks

    merged = merge_organisation(actor=world.users["admin"], duplicate=duplicate, into=known)

    assert not Organisation.objects.filter(name="Vụ GD MN").exists()
    assert set(TaskAssignment.objects.filter(organisation=known).values_list("task", "role")) == (
        tasks
    )
    assert merged.moved == {"task assignments": len(tasks)}
    again = stage(plan, world.users["admin"], appendix_xlsx())
    assert "Vụ GD MN" not in again.new_organisations


def test_a_task_both_held_is_kept_once(world, imported):
    plan, duplicate, known = imported
    task = PlanTaskFactory(plan=plan, section="IX")
    TaskAssignment.objects.create(task=task, organisation=duplicate, role="lead")
    TaskAssignment.objects.create(task=task, organisation=known, role="lead")

    merged = merge_organisation(actor=world.users["admin"], duplicate=duplicate, into=known)

    assert TaskAssignment.objects.filter(task=task).count() == 1
    assert merged.already_held == {"task assignments": 1}


def test_the_merge_is_audited_on_both(world, imported):
    _plan, duplicate, known = imported
    duplicate_id = duplicate.pk
    merge_organisation(actor=world.users["admin"], duplicate=duplicate, into=known)

    deleted = AuditEvent.objects.get(
        object_type="geo.organisation", object_id=str(duplicate_id), action="delete"
    )
    assert "Vụ Giáo dục Mầm non" in deleted.reason
    assert AuditEvent.objects.filter(
        object_type="geo.organisation", object_id=str(known.pk), reason__contains="Vụ GD MN"
    ).exists()


def test_only_a_planner_over_both_may_merge_and_never_into_itself(world, imported):
    _plan, duplicate, known = imported
    with pytest.raises(NotAllowed):
        merge_organisation(actor=world.users["ward01"], duplicate=duplicate, into=known)
    with pytest.raises(PlanError):
        merge_organisation(actor=world.users["admin"], duplicate=known, into=known)
    assert Organisation.objects.filter(pk=duplicate.pk).exists()


def test_the_command_merges_by_code(world, imported, capsys):
    _plan, duplicate, known = imported

    call_command("merge_organisation", duplicate.code, "--into", known.code)

    assert "task assignments moved" in capsys.readouterr().out
    assert not Organisation.objects.filter(code=duplicate.code).exists()
