"""Objections to the lines of a public notice: recorded only on a published run's line within
its objection period, by staff over the pupil; resolved once, by the office over the run:
upheld (a correction run that says what it corrects) or dismissed (with a reason). Audited."""

import datetime as dt

import pytest
from django.db import IntegrityError

from reach.accounts.models import AuditEvent
from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.common.errors import NotAllowed
from reach.entitlements.choices import ObjectionStatus, RunStage, RunStatus
from reach.entitlements.models import EntitlementRun, Objection
from reach.entitlements.selectors import list_objections_for_user
from reach.entitlements.services import run_entitlements
from reach.entitlements.services.objections import (
    dismiss_objection,
    record_objection,
    uphold_objection,
)
from reach.entitlements.services.workflow import (
    WorkflowError,
    approve_run,
    close_run,
    publish_run,
    submit_run,
)
from reach.geo.models import Unit
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir

pytestmark = pytest.mark.django_db
VN_POLICY = "vn-poverty-education"


def approved_run(world, unit_key: str = "d12"):
    load_policies_dir(path=default_policies_dir())
    run = run_entitlements(policy_codes=[VN_POLICY], school_year=2024, unit=world.units[unit_key])
    run = submit_run(run=run, actor=world.users["admin"])
    return approve_run(run=run, actor=world.users["district"])


@pytest.fixture
def published(world):
    """The district's run, approved and published with a five-day objection period."""
    return publish_run(run=approved_run(world), actor=world.users["district"], objection_days=5)


def line_of(run, world, key: str = "ward1"):
    return run.lines.filter(person=world.persons[key]).first()


def ward2_officer():
    ward2 = Unit.objects.get(code="26737")
    return MembershipFactory(
        user=UserFactory(username="ward02"), role="ward_officer", unit=ward2
    ).user


def objection_to(run, world, **kwargs):
    return record_objection(
        line=line_of(run, world),
        actor=world.users["ward01"],
        raised_by="Trần Thị Bình",
        contact="0909 000 111",
        reason="The family has left poverty this year",
        **kwargs,
    )


def audit_of(objection) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type="entitlements.objection", object_id=str(objection.pk)
        ).order_by("id")
    )


def test_an_objection_to_a_published_line_is_open_and_its_recording_is_audited(world, published):
    objection = objection_to(published, world)

    assert objection.status == ObjectionStatus.OPEN
    assert (objection.raised_by, objection.recorded_by) == ("Trần Thị Bình", world.users["ward01"])
    (event,) = audit_of(objection)
    assert (event.actor_name, event.action, event.before) == ("ward01", "create", None)
    assert event.after["reason"] == "The family has left poverty this year"
    assert event.after["status"] == "open"
    assert event.household_id == world.households["ward1"].pk and event.at is not None


def test_an_objection_is_taken_on_the_last_day_of_the_period_and_refused_the_day_after(
    world, published
):
    last_day = published.objections_until
    assert objection_to(published, world, today=last_day).status == ObjectionStatus.OPEN
    with pytest.raises(WorkflowError, match="objection period ended"):
        objection_to(published, world, today=last_day + dt.timedelta(days=1))
    assert Objection.objects.count() == 1


def test_an_objection_needs_a_published_run(world):
    run = approved_run(world)
    with pytest.raises(WorkflowError, match="published notice"):
        objection_to(run, world)
    assert not Objection.objects.exists()


def test_a_closed_run_takes_no_more_objections(world, published):
    after = published.objections_until + dt.timedelta(days=1)
    close_run(run=published, actor=world.users["district"], today=after)
    with pytest.raises(WorkflowError, match="published notice"):
        objection_to(published, world, today=published.objections_until)


def test_an_objection_needs_who_objects_and_why(world, published):
    with pytest.raises(WorkflowError, match="who objects and why"):
        record_objection(
            line=line_of(published, world), actor=world.users["ward01"], raised_by=" ", reason="x"
        )


@pytest.mark.parametrize("username", ["county", "ward02", "nobody"])
def test_a_user_outside_the_pupils_unit_may_not_record_an_objection(world, published, username):
    ward2_officer()
    user = world.users.get(username) or UserFactory(username=username)
    with pytest.raises(NotAllowed):
        record_objection(
            line=line_of(published, world), actor=user, raised_by="A. B.", reason="wrong amount"
        )
    assert not Objection.objects.exists()


def test_school_staff_of_the_pupils_school_may_record_an_objection(world, published):
    objection = record_objection(
        line=line_of(published, world),
        actor=world.users["school01"],
        raised_by="Lê Văn Cường",
        reason="The pupil boards at school",
    )
    assert objection.recorded_by == world.users["school01"]


def test_dismissing_needs_a_reason_and_records_it_with_who_and_when(world, published):
    objection = objection_to(published, world)
    with pytest.raises(WorkflowError, match="why the objection is dismissed"):
        dismiss_objection(objection=objection, actor=world.users["district"], reason="  ")

    objection = dismiss_objection(
        objection=objection, actor=world.users["district"], reason="The 2024 status stands"
    )

    assert objection.status == ObjectionStatus.DISMISSED
    assert objection.resolution == "The 2024 status stands"
    assert objection.resolved_by == world.users["district"] and objection.resolved_at
    assert objection.correction is None
    created, resolved = audit_of(objection)
    assert resolved.actor_name == "district" and resolved.action == "update"
    assert resolved.before == {"status": "open", "resolution": ""}
    assert resolved.after["status"] == "dismissed"
    assert resolved.after["resolution"] == "The 2024 status stands"
    assert resolved.after["resolved_by"] == world.users["district"].pk


def test_upholding_starts_a_correction_run_that_says_what_it_corrects(world, published):
    objection = objection_to(published, world)
    line = line_of(published, world)

    objection = uphold_objection(
        objection=objection, actor=world.users["district"], resolution="Recheck the 2024 status"
    )

    correction = objection.correction
    assert objection.status == ObjectionStatus.UPHELD
    assert correction.corrects == published and correction.status == RunStatus.PENDING
    assert (correction.policy_codes, correction.school_year, correction.unit) == (
        published.policy_codes,
        published.school_year,
        published.unit,
    )
    assert correction.correction_reason == (
        f"objection {objection.pk} upheld (line {line.pk}, {line.policy_code}/"
        f"{line.benefit_code}): Recheck the 2024 status"
    )
    (_created, resolved) = audit_of(objection)
    assert resolved.after["correction"] == correction.pk
    assert resolved.after["status"] == "upheld"


def test_a_second_upheld_objection_joins_the_correction_already_waiting(world, published):
    first = uphold_objection(
        objection=objection_to(published, world), actor=world.users["district"], resolution="a"
    )
    second = uphold_objection(
        objection=objection_to(published, world), actor=world.users["district"], resolution="b"
    )
    assert first.correction == second.correction
    assert EntitlementRun.objects.filter(corrects=published).count() == 1


def test_an_objection_is_resolved_only_once(world, published):
    objection = dismiss_objection(
        objection=objection_to(published, world), actor=world.users["district"], reason="no"
    )
    with pytest.raises(WorkflowError, match="already Dismissed"):
        uphold_objection(objection=objection, actor=world.users["district"], resolution="yes")
    with pytest.raises(WorkflowError, match="already Dismissed"):
        dismiss_objection(objection=objection, actor=world.users["district"], reason="again")
    assert not EntitlementRun.objects.filter(corrects=published).exists()
    assert len(audit_of(objection)) == 2


@pytest.mark.parametrize("username", ["ward01", "school01", "county"])
def test_only_the_office_over_the_run_resolves_objections(world, published, username):
    objection = objection_to(published, world)
    with pytest.raises(NotAllowed):
        dismiss_objection(objection=objection, actor=world.users[username], reason="no")
    with pytest.raises(NotAllowed):
        uphold_objection(objection=objection, actor=world.users[username], resolution="yes")
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.OPEN


def test_a_run_with_open_objections_cannot_be_closed(world, published):
    objection = objection_to(published, world)
    after = published.objections_until + dt.timedelta(days=1)
    with pytest.raises(WorkflowError, match="1 objections are still open"):
        close_run(run=published, actor=world.users["district"], today=after)

    dismiss_objection(objection=objection, actor=world.users["district"], reason="no")
    assert close_run(run=published, actor=world.users["district"], today=after).stage == (
        RunStage.CLOSED
    )


def test_the_database_refuses_a_dismissal_without_a_reason(world, published):
    objection = objection_to(published, world)
    objection.status, objection.resolved_at = ObjectionStatus.DISMISSED, published.published_at
    with pytest.raises(IntegrityError):
        objection.save()


def test_each_user_lists_the_objections_of_the_pupils_they_may_see(world, published):
    ward2_officer()
    objection = objection_to(published, world)
    record_objection(
        line=line_of(published, world, "ward2"),
        actor=world.users["district"],
        raised_by="Phạm Văn Dũng",
        reason="amount",
    )

    def seen(user):
        return {o.line.person_id for o in list_objections_for_user(user, run=published)}

    ward1, ward2 = world.persons["ward1"].pk, world.persons["ward2"].pk
    assert seen(world.users["district"]) == {ward1, ward2}
    assert seen(world.users["ward01"]) == {ward1}
    assert seen(UserFactory(username="ward02")) == {ward2}
    assert seen(world.users["county"]) == set()
    assert list(list_objections_for_user(world.users["ward01"], person=world.persons["ward1"])) == [
        objection
    ]
