"""Approval of runs (maker-checker), public notice and closing, corrections; every transition
and the forbidden ones, each audited."""

import datetime as dt

import pytest
from django.utils import timezone

from reach.accounts.models import AuditEvent
from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.common.errors import NotAllowed
from reach.entitlements.choices import LineStatus, RunStage
from reach.entitlements.errors import EntitlementError, FrozenRun
from reach.entitlements.models import EntitlementLine
from reach.entitlements.services import run_entitlements
from reach.entitlements.services.workflow import (
    SelfApproval,
    WorkflowError,
    approve_run,
    close_run,
    publish_run,
    return_run,
    submit_run,
)
from reach.registry.models import HouseholdYearStatus

pytestmark = pytest.mark.django_db
VN_POLICY = "vn-poverty-education"


def second_office_user(world):
    return MembershipFactory(
        user=UserFactory(username="district2"), role="office", unit=world.units["d12"]
    ).user


def stages_audited(run) -> list:
    events = AuditEvent.objects.filter(
        object_type="entitlements.entitlementrun", object_id=str(run.pk), action="update"
    ).order_by("id")
    return [(event.actor_name, event.before["stage"], event.after["stage"]) for event in events]


def test_a_run_goes_submitted_approved_published_closed_and_each_step_is_audited(world, ward_run):
    run = submit_run(run=ward_run, actor=world.users["ward01"])
    assert (run.stage, run.submitted_by) == (RunStage.SUBMITTED, world.users["ward01"])

    run = approve_run(run=run, actor=world.users["district"])
    assert run.stage == RunStage.APPROVED and run.is_frozen
    assert set(run.lines.values_list("status", flat=True)) == {LineStatus.IN_FORCE}

    run = publish_run(run=run, actor=world.users["district"], objection_days=5)
    assert run.stage == RunStage.PUBLISHED
    assert run.objections_until == timezone.localdate() + dt.timedelta(days=5)

    run = close_run(
        run=run, actor=world.users["district"], today=run.objections_until + dt.timedelta(days=1)
    )
    assert run.stage == RunStage.CLOSED
    assert stages_audited(run) == [
        ("ward01", "draft", "submitted"),
        ("district", "submitted", "approved"),
        ("district", "approved", "published"),
        ("district", "published", "closed"),
    ]


def test_the_submitter_may_not_approve_their_own_run(world, ward_run):
    run = submit_run(run=ward_run, actor=world.users["district"])
    with pytest.raises(SelfApproval):
        approve_run(run=run, actor=world.users["district"])
    with pytest.raises(SelfApproval):
        return_run(run=run, actor=world.users["district"], reason="no")
    run = approve_run(run=run, actor=second_office_user(world))
    assert run.stage == RunStage.APPROVED


@pytest.mark.parametrize("username", ["ward01", "school01", "county", "nobody"])
def test_only_the_office_over_the_scope_approves(world, ward_run, username):
    run = (
        submit_run(run=ward_run, actor=world.users["ward01"])
        if username != "ward01"
        else (submit_run(run=ward_run, actor=world.users["district"]))
    )
    with pytest.raises(NotAllowed):
        approve_run(run=run, actor=world.users[username])
    run.refresh_from_db()
    assert run.stage == RunStage.SUBMITTED


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("ward01", True),
        ("school01", True),
        ("district", True),
        ("county", False),
        ("nobody", False),
    ],
)
def test_who_may_submit_a_ward_run(world, ward_run, username, allowed):
    if allowed:
        assert submit_run(run=ward_run, actor=world.users[username]).stage == RunStage.SUBMITTED
    else:
        with pytest.raises(NotAllowed):
            submit_run(run=ward_run, actor=world.users[username])


def test_transitions_out_of_order_are_refused(world, ward_run):
    office = world.users["district"]
    with pytest.raises(WorkflowError, match="needs it to be Submitted"):
        approve_run(run=ward_run, actor=office)
    with pytest.raises(WorkflowError, match="needs it to be Approved"):
        publish_run(run=ward_run, actor=office)
    with pytest.raises(WorkflowError, match="needs it to be Published"):
        close_run(run=ward_run, actor=office)
    run = approve_run(run=submit_run(run=ward_run, actor=world.users["ward01"]), actor=office)
    with pytest.raises(WorkflowError, match="needs it to be Draft / Returned"):
        submit_run(run=run, actor=world.users["ward01"])


def test_a_returned_run_carries_its_reason_and_a_re_run_replaces_it(world, ward_run):
    with pytest.raises(WorkflowError, match="say why"):
        return_run(
            run=submit_run(run=ward_run, actor=world.users["ward01"]),
            actor=world.users["district"],
            reason=" ",
        )
    run = return_run(
        run=ward_run, actor=world.users["district"], reason="Poverty list of 2024 not yet final"
    )
    assert (run.stage, run.return_reason) == (
        RunStage.RETURNED,
        "Poverty list of 2024 not yet final",
    )

    rerun = run_entitlements(policy_codes=[VN_POLICY], school_year=2024, unit=world.units["ward1"])

    run.refresh_from_db()
    assert run.stage == RunStage.REPLACED and not run.lines.exists()
    assert rerun.stage == RunStage.DRAFT and rerun.lines.exists()
    with pytest.raises(WorkflowError):
        submit_run(run=run, actor=world.users["ward01"])


def test_a_run_that_is_not_finished_cannot_be_submitted(world, ward_run):
    ward_run.status = "running"
    ward_run.save()
    with pytest.raises(WorkflowError, match="only a finished run"):
        submit_run(run=ward_run, actor=world.users["ward01"])


def test_publishing_needs_an_objection_period_of_1_to_90_days(world, ward_run):
    run = approve_run(
        run=submit_run(run=ward_run, actor=world.users["ward01"]), actor=world.users["district"]
    )
    with pytest.raises(WorkflowError, match="1 to 90 days"):
        publish_run(run=run, actor=world.users["district"], objection_days=0)
    run = publish_run(run=run, actor=world.users["district"], objection_days=7)
    with pytest.raises(WorkflowError, match="objections are taken until"):
        close_run(run=run, actor=world.users["district"], today=run.objections_until)


def test_an_approved_run_is_frozen_and_a_correction_replaces_its_lines(world, ward_run):
    approved = approve_run(
        run=submit_run(run=ward_run, actor=world.users["ward01"]), actor=world.users["district"]
    )
    pupil = world.persons["ward1"]
    before = set(approved.lines.filter(person=pupil).values_list("benefit_code", flat=True))
    assert before

    with pytest.raises(FrozenRun, match="must be a correction"):
        run_entitlements(policy_codes=[VN_POLICY], school_year=2024, unit=world.units["ward1"])
    with pytest.raises(EntitlementError, match="must say what it corrects"):
        run_entitlements(
            policy_codes=[VN_POLICY], school_year=2024, unit=world.units["ward1"], corrects=approved
        )

    HouseholdYearStatus.objects.filter(household=pupil.household, year=2024).update(status="none")
    correction = run_entitlements(
        policy_codes=[VN_POLICY],
        school_year=2024,
        unit=world.units["ward1"],
        corrects=approved,
        correction_reason="Household left the poor list (decision 12/QĐ)",
    )
    assert correction.corrects == approved and correction.stage == RunStage.DRAFT
    assert not correction.lines.filter(person=pupil).exists()
    assert {e["benefit"] for e in correction.diff["removed"]} == before
    assert set(approved.lines.values_list("status", flat=True)) == {LineStatus.IN_FORCE}  # still

    correction = approve_run(
        run=submit_run(run=correction, actor=world.users["ward01"]), actor=world.users["district"]
    )

    assert set(approved.lines.values_list("status", flat=True)) == {LineStatus.SUPERSEDED}
    in_force = EntitlementLine.objects.filter(status=LineStatus.IN_FORCE, school_year=2024)
    assert not in_force.filter(person=pupil).exists()
    assert set(in_force.values_list("run_id", flat=True)) <= {correction.pk}
