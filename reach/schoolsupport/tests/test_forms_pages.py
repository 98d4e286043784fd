"""The page forms of school support: each writes its record through the service with its
audit event, answers 404 for a school outside the user's scope and 403 for a role that may not
write, and shows a bad value on the form with nothing stored."""

import datetime as dt

import pytest
from django.test import Client
from django.utils.html import escape

from reach.accounts.models import AuditEvent
from reach.funds.tests.factories import FundFactory, OrganisationFactory
from reach.schoolsupport.models import (
    PairingActivity,
    SchoolPairing,
    SchoolProfile,
    SchoolProject,
    TeacherPlacement,
    TeacherTraining,
)
from reach.schoolsupport.tests.factories import (
    SchoolNeedFactory,
    SchoolPairingFactory,
    SchoolProjectFactory,
)

pytestmark = pytest.mark.django_db


def _client(world, user: str) -> Client:
    client = Client()
    client.force_login(world.users[user])
    return client


def _audited(record, action: str = "create") -> bool:
    return AuditEvent.objects.filter(
        object_type=record._meta.label_lower, object_id=str(record.pk), action=action
    ).exists()


def _url(world, school: str, form: str) -> str:
    return f"/school-support/schools/{world.schools[school].pk}/{form}/new/"


PROJECT = {
    "kind": "semi_boarding_house",
    "title": "Nhà bán trú cho em",
    "budget": "300000000",
    "currency": "VND",
    "funding": "state_budget",
    "planned_on": "2025-09-01",
}


# --- projects ---


def test_an_officer_plans_a_project_against_a_need_and_it_is_audited(world):
    need = SchoolNeedFactory(school=world.schools["ward1"], kind="semi_boarding")
    response = _client(world, "ward01").post(
        _url(world, "ward1", "projects"), {**PROJECT, "need": need.pk}
    )
    assert response.status_code == 302
    project = SchoolProject.objects.get()
    assert (project.school, project.need, project.budget_minor) == (
        world.schools["ward1"],
        need,
        300_000_000,
    )
    assert _audited(project)


def test_a_project_paid_by_a_fund_over_the_school_names_the_fund(world):
    fund = FundFactory(unit=world.units["d12"], currency="VND")
    response = _client(world, "district").post(
        _url(world, "ward1", "projects"), {**PROJECT, "funding": "fund", "fund": fund.pk}
    )
    assert response.status_code == 302
    assert SchoolProject.objects.get().fund == fund


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"budget": "-5"}, "budget"),  # the form: not below 0
        ({"budget": "10.5"}, "budget"),  # the form: not a whole number of dong
        ({"funding": "fund"}, "__all__"),  # the service: a fund-paid project names its fund
    ],
)
def test_a_bad_project_shows_the_error_on_the_form_and_stores_nothing(world, change, field):
    response = _client(world, "ward01").post(
        _url(world, "ward1", "projects"), {**PROJECT, **change}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    page = response.content.decode()
    assert 'id="support-form"' in page
    assert escape(response.context["form"].errors[field][0]) in page
    assert not SchoolProject.objects.exists()
    assert not AuditEvent.objects.filter(object_type="schoolsupport.schoolproject").exists()


def test_a_school_outside_the_scope_is_not_found_and_school_staff_may_not_plan(world):
    ward01, staff = _client(world, "ward01"), _client(world, "school01")
    assert ward01.get(_url(world, "ward2", "projects")).status_code == 404
    assert ward01.post(_url(world, "ward2", "projects"), PROJECT).status_code == 404
    page = staff.get(_url(world, "ward1", "projects"))
    assert page.status_code == 200 and 'id="support-form"' not in page.content.decode()
    assert staff.post(_url(world, "ward1", "projects"), PROJECT).status_code == 403
    assert not SchoolProject.objects.exists()


def test_completing_a_project_records_its_cost_and_meets_its_need(world):
    need = SchoolNeedFactory(school=world.schools["ward1"])
    project = SchoolProjectFactory(school=world.schools["ward1"], need=need)
    response = _client(world, "ward01").post(
        f"/school-support/projects/{project.pk}/",
        {"status": "completed", "on": "2026-01-15", "cost": "95000000"},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    need.refresh_from_db()
    assert (project.status, project.completed_on, project.cost_minor) == (
        "completed",
        dt.date(2026, 1, 15),
        95_000_000,
    )
    assert need.status == "met"
    assert _audited(project, "update") and _audited(need, "update")


def test_a_project_move_before_it_was_planned_shows_the_error_and_changes_nothing(world):
    project = SchoolProjectFactory(school=world.schools["ward1"], planned_on=dt.date(2025, 9, 1))
    response = _client(world, "ward01").post(
        f"/school-support/projects/{project.pk}/", {"status": "under_way", "on": "2025-01-01"}
    )
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    project.refresh_from_db()
    assert project.status == "planned" and project.started_on is None
    assert not _audited(project, "update")


def test_a_project_outside_the_scope_is_not_found_and_a_viewer_sees_no_form(world):
    project = SchoolProjectFactory(school=world.schools["ward2"])
    url = f"/school-support/projects/{project.pk}/"
    assert _client(world, "ward01").get(url).status_code == 404
    move = {"status": "cancelled", "on": "2025-10-01"}
    assert _client(world, "ward01").post(url, move).status_code == 404
    own = SchoolProjectFactory(school=world.schools["ward1"])
    staff = _client(world, "school01")
    page = staff.get(f"/school-support/projects/{own.pk}/")
    assert page.status_code == 200 and "project-status-form" not in page.content.decode()
    assert staff.post(f"/school-support/projects/{own.pk}/", move).status_code == 403
    own.refresh_from_db()
    assert own.status == "planned"


# --- teachers sent and training ---


def test_an_officer_records_a_teacher_sent_by_an_organisation(world):
    union = OrganisationFactory(unit=world.units["ward1"], name="Youth Union")
    response = _client(world, "ward01").post(
        _url(world, "ward1", "teachers"),
        {
            "teacher_name": "Nguyễn Thị Mai",
            "from_organisation": union.pk,
            "starts_on": "2025-09-05",
        },
    )
    assert response.status_code == 302
    placement = TeacherPlacement.objects.get()
    assert (placement.school, placement.from_organisation) == (world.schools["ward1"], union)
    assert _audited(placement)


def test_a_teacher_sent_by_no_one_or_ending_before_starting_is_refused(world):
    client = _client(world, "district")
    alone = client.post(
        _url(world, "ward1", "teachers"), {"teacher_name": "Mai", "starts_on": "2025-09-05"}
    )
    backwards = client.post(
        _url(world, "ward1", "teachers"),
        {
            "teacher_name": "Mai",
            "from_school": world.schools["ward2"].pk,
            "starts_on": "2025-09-05",
            "ends_on": "2025-09-01",
        },
    )
    for response in (alone, backwards):
        assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert not TeacherPlacement.objects.exists()
    assert _client(world, "ward01").get(_url(world, "ward2", "teachers")).status_code == 404


def test_an_officer_records_a_training_and_a_bad_one_is_refused(world):
    client = _client(world, "ward01")
    training = {"held_on": "2025-10-01", "topic": "Active learning", "hours": "8", "teachers": "6"}
    assert client.post(_url(world, "ward1", "trainings"), training).status_code == 302
    recorded = TeacherTraining.objects.get()
    assert (recorded.teachers, recorded.hours) == (6, 8) and _audited(recorded)
    refused = client.post(_url(world, "ward1", "trainings"), {**training, "hours": "0"})
    assert refused.status_code == 200 and 'class="error"' in refused.content.decode()
    assert TeacherTraining.objects.count() == 1
    assert client.post(_url(world, "ward2", "trainings"), training).status_code == 404
    assert (
        _client(world, "school01").post(_url(world, "ward1", "trainings"), training).status_code
        == 403
    )


# --- pairings and their activities ---


PAIR = {"kind": "town_village", "starts_on": "2025-09-01", "focus": "Classroom reform"}


def test_an_office_pairs_a_helping_school_with_the_school(world):
    response = _client(world, "district").post(
        _url(world, "ward1", "pairings"), {**PAIR, "helper": world.schools["ward2"].pk}
    )
    assert response.status_code == 302
    pairing = SchoolPairing.objects.get()
    assert (pairing.helper, pairing.school) == (world.schools["ward2"], world.schools["ward1"])
    assert _audited(pairing)


def test_a_pairing_ending_before_it_starts_or_with_an_unseen_helper_stores_nothing(world):
    backwards = _client(world, "district").post(
        _url(world, "ward1", "pairings"),
        {**PAIR, "helper": world.schools["ward2"].pk, "ends_on": "2025-01-01"},
    )
    assert backwards.status_code == 200 and 'class="error"' in backwards.content.decode()
    unseen = _client(world, "ward01").post(
        _url(world, "ward1", "pairings"), {**PAIR, "helper": world.schools["ward2"].pk}
    )
    assert unseen.status_code == 200 and "errorlist" in unseen.content.decode()
    assert not SchoolPairing.objects.exists()
    assert _client(world, "county").get(_url(world, "ward1", "pairings")).status_code == 404


def test_an_activity_of_a_pair_is_recorded_on_the_pair_page(world):
    pair = SchoolPairingFactory(helper=world.schools["ward2"], school=world.schools["ward1"])
    url = f"/school-support/pairings/{pair.pk}/"
    activity = {"held_on": "2025-10-10", "kind": "teaching_skills", "description": "Model lesson"}
    district = _client(world, "district")
    assert district.post(url, activity).status_code == 302
    recorded = PairingActivity.objects.get()
    assert recorded.pairing == pair and _audited(recorded)
    assert "Model lesson" in district.get(url).content.decode()
    early = district.post(url, {**activity, "held_on": "2025-01-01"})
    assert early.status_code == 200 and 'class="error"' in early.content.decode()
    # the ward's officer sees the pair of its school but does not manage the helping school
    assert _client(world, "ward01").post(url, activity).status_code == 403
    assert _client(world, "county").get(url).status_code == 404
    assert PairingActivity.objects.count() == 1


def test_the_school_page_and_the_received_page_link_the_forms_for_those_who_may_write(world):
    SchoolProfile.objects.create(school=world.schools["ward1"], poor_village=True)
    school = world.schools["ward1"]
    new_project = f"/school-support/schools/{school.pk}/projects/new/"
    officer = _client(world, "ward01")
    assert new_project in officer.get(f"/school-support/schools/{school.pk}/").content.decode()
    assert new_project in officer.get("/school-support/?year=2025").content.decode()
    staff = _client(world, "school01")
    assert new_project not in staff.get(f"/school-support/schools/{school.pk}/").content.decode()
