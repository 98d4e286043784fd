"""Runs stay what was submitted: while a run is submitted for approval, no run or retry of an
overlapping key replaces its draft lines (refused with a clear message), so approval puts in
force exactly what was submitted. Replacing drafts is audited once per run, with the count."""

import pytest

from reach.accounts.models import AuditEvent
from reach.entitlements.choices import LineStatus, RunStage, RunStatus
from reach.entitlements.errors import RunFailed, RunUnderReview
from reach.entitlements.models import EntitlementLine, EntitlementRun
from reach.entitlements.services import execute_requested_run, run_entitlements
from reach.entitlements.services.jobs import request_rerun, request_run
from reach.entitlements.services.workflow import approve_run, return_run, submit_run

pytestmark = pytest.mark.django_db
VN_POLICY = "vn-poverty-education"


def lines_of(run) -> set[tuple]:
    return set(
        EntitlementLine.objects.filter(run=run).values_list(
            "pk", "person_id", "benefit_code", "amount_minor"
        )
    )


def test_approving_a_submitted_run_puts_in_force_exactly_the_lines_submitted(world, ward_run):
    submitted = submit_run(run=ward_run, actor=world.users["ward01"])
    lines = lines_of(submitted)
    assert lines

    with pytest.raises(RunUnderReview, match=f"run {ward_run.pk} is submitted for approval"):
        request_run(
            policy_codes=[VN_POLICY],
            school_year=2024,
            unit=world.units["ward1"],
            actor=world.users["ward01"],
        )
    with pytest.raises(RunUnderReview):
        request_rerun(run=submitted, actor=world.users["district"])
    assert not EntitlementRun.objects.exclude(pk=ward_run.pk).exists()

    approved = approve_run(run=submitted, actor=world.users["district"])

    assert approved.stage == RunStage.APPROVED
    in_force = EntitlementLine.objects.filter(status=LineStatus.IN_FORCE)
    assert set(in_force.values_list("pk", "person_id", "benefit_code", "amount_minor")) == lines


def test_a_run_of_a_larger_scope_may_not_replace_a_submitted_runs_lines(world, ward_run):
    submit_run(run=ward_run, actor=world.users["ward01"])

    with pytest.raises(RunUnderReview):
        request_run(
            policy_codes=[VN_POLICY],
            school_year=2024,
            unit=world.units["d12"],
            actor=world.users["district"],
        )


def test_a_run_requested_before_the_submission_fails_and_leaves_the_submitted_lines(
    world, ward_run
):
    requested = request_run(
        policy_codes=[VN_POLICY],
        school_year=2024,
        unit=world.units["ward1"],
        actor=world.users["ward01"],
    ).run
    submitted = submit_run(run=ward_run, actor=world.users["ward01"])
    lines = lines_of(submitted)

    execute_requested_run(run_id=requested.pk)

    requested.refresh_from_db()
    submitted.refresh_from_db()
    assert requested.status == RunStatus.FAILED
    assert "submitted for approval" in requested.error
    assert submitted.stage == RunStage.SUBMITTED and lines_of(submitted) == lines


def test_the_run_command_may_not_replace_a_submitted_runs_lines(world, ward_run):
    lines = lines_of(submit_run(run=ward_run, actor=world.users["ward01"]))

    with pytest.raises(RunFailed, match="submitted for approval"):
        run_entitlements(policy_codes=[VN_POLICY], school_year=2024, unit=world.units["ward1"])

    assert lines_of(ward_run) == lines


def test_a_returned_run_may_be_run_again(world, ward_run):
    submit_run(run=ward_run, actor=world.users["ward01"])
    return_run(run=ward_run, actor=world.users["district"], reason="wrong year")

    again = run_entitlements(policy_codes=[VN_POLICY], school_year=2024, unit=world.units["ward1"])

    ward_run.refresh_from_db()
    assert again.status == RunStatus.DONE and ward_run.stage == RunStage.REPLACED
    assert not lines_of(ward_run) and lines_of(again)


def test_replacing_a_drafts_lines_writes_one_audit_event_with_their_count(world, ward_run):
    count = EntitlementLine.objects.filter(run=ward_run).count()

    again = run_entitlements(
        policy_codes=[VN_POLICY],
        school_year=2024,
        unit=world.units["ward1"],
        actor=world.users["ward01"],
    )

    [event] = AuditEvent.objects.filter(action="delete", object_id=str(again.pk))
    assert event.object_type == "entitlements.entitlementrun"
    assert event.actor_name == "ward01"
    assert event.before == {"draft_lines": count, "runs_replaced": [ward_run.pk]}


def test_a_first_run_deletes_nothing_and_audits_no_deletion(world, ward_run):
    assert not AuditEvent.objects.filter(action="delete").exists()
