"""Writing plans and reporting progress on their tasks."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reach.accounts.models import AuditEvent
from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.common.errors import Conflict, NotAllowed
from reach.common.uploads import UploadRefused
from reach.plans.models import Plan, PlanTask, TaskAssignment
from reach.plans.services import Basis, PlanError, create_plan, record_task_update
from reach.plans.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_create_plan_records_its_bases_and_the_plan_it_implements(world, plans):
    plan = create_plan(
        actor=world.users["ward01"],
        code="KH-26734-2023",
        number="12/KH-UBND",
        title="Kế hoạch giảm nghèo 2023",
        unit=world.units["ward1"],
        issued_on=dt.date(2023, 3, 1),
        implements=plans["district"],
        bases=[Basis(plan=plans["district"]), Basis(document="Quyết định 90/QĐ-TTg")],
    )
    assert plan.implements == plans["district"]
    assert [str(b) for b in plan.bases.all()] == [str(plans["district"]), "Quyết định 90/QĐ-TTg"]
    event = AuditEvent.objects.get(object_type="plans.plan", object_id=str(plan.pk))
    assert event.after["bases"][1] == "Quyết định 90/QĐ-TTg"


def test_create_plan_a_ward_officer_cannot_issue_for_the_district(world):
    with pytest.raises(NotAllowed):
        create_plan(actor=world.users["ward01"], code="X", title="X", unit=world.units["d12"])


def test_create_plan_same_code_twice_is_a_conflict(world, plans):
    with pytest.raises(Conflict):
        create_plan(actor=world.users["district"], code="351/KH-GDĐT", title="X",
                    unit=world.units["d12"])  # fmt: skip


def test_create_plan_period_ending_before_it_starts_is_refused(world):
    with pytest.raises(PlanError):
        create_plan(actor=world.users["district"], code="X", title="X", unit=world.units["d12"],
                    starts_on=dt.date(2023, 12, 1), ends_on=dt.date(2023, 1, 1))  # fmt: skip
    assert not Plan.objects.exists()


def test_record_task_update_sets_the_status_keeps_the_evidence_and_audits(world, plans):
    task = plans["ward1"].tasks.get(number="2")
    update = record_task_update(
        actor=world.users["ward01"],
        task=task,
        status="in_progress",
        note="Đã tổ chức 2 buổi tập huấn",
        evidence=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 minutes"),
    )
    task.refresh_from_db()
    assert task.status == "in_progress"
    assert update.evidence_name == "bien-ban.pdf" and update.evidence.read() == b"%PDF-1.4 minutes"
    event = AuditEvent.objects.get(object_type="plans.plantask", object_id=str(task.pk))
    assert (event.before, event.after["status"]) == ({"status": "planned"}, "in_progress")


def test_record_task_update_evidence_over_the_upload_limit_is_refused(world, plans, settings):
    settings.REACH_UPLOAD_MAX_MB = 1
    task = plans["ward1"].tasks.get(number="2")
    big = SimpleUploadedFile("anh.jpg", b"x" * (1024 * 1024 + 1))
    with pytest.raises(UploadRefused) as refusal:
        record_task_update(actor=world.users["ward01"], task=task, status="done", evidence=big)
    assert refusal.value.status == 413
    task.refresh_from_db()
    assert task.status == "planned" and not task.updates.exists()


def test_record_task_update_evidence_of_an_unknown_kind_is_refused(world, plans):
    task = plans["ward1"].tasks.get(number="2")
    with pytest.raises(UploadRefused):
        record_task_update(actor=world.users["ward01"], task=task, status="done",
                           evidence=SimpleUploadedFile("run.exe", b"MZ"))  # fmt: skip


def test_record_task_update_with_nothing_to_say_is_refused(world, plans):
    task = plans["ward1"].tasks.get(number="2")
    with pytest.raises(PlanError):
        record_task_update(actor=world.users["ward01"], task=task, status="planned")


def test_record_task_update_by_a_member_of_the_lead_organisation(world, plans):
    """The ward's Youth Union leads a task of the district's plan: its members report on it,
    though they do not manage the district's plan; its viewers do not."""
    union = OrganisationFactory(code="DTN-26734", name="Đoàn phường Thạnh Xuân",
                                kind="youth_union", unit=world.units["ward1"])  # fmt: skip
    task = plans["district"].tasks.get(number="1")
    TaskAssignment.objects.create(task=task, organisation=union, role="lead")
    member = MembershipFactory(user=UserFactory(username="union"), role="ward_officer",
                               organisation=union).user  # fmt: skip
    viewer = MembershipFactory(user=UserFactory(username="union-viewer"), role="viewer",
                               organisation=union).user  # fmt: skip
    record_task_update(actor=member, task=task, status="done", note="Đã vận động 12 em")
    assert PlanTask.objects.get(pk=task.pk).status == "done"
    with pytest.raises(NotAllowed):
        record_task_update(actor=viewer, task=task, status="in_progress", note="x")
    other = plans["district"].tasks.get(number="2")  # not assigned to the union
    with pytest.raises(NotAllowed):
        record_task_update(actor=member, task=other, status="done", note="x")


def test_record_task_update_by_a_ward_officer_on_another_wards_task_is_refused(world, plans):
    with pytest.raises(NotAllowed):
        record_task_update(actor=world.users["ward01"], task=plans["ward2"].tasks.get(number="1"),
                           status="done", note="x")  # fmt: skip
