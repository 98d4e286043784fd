"""Every model that holds a person, a household, a unit or a school declares where its rows sit
in the unit tree (`scope = ScopePath(...)`), and `restrict` reads that declaration."""

import datetime as dt

import pytest
from django.apps import apps
from django.db.models import Model

from reach.accounts.scoping import restrict
from reach.casework.choices import ActionKind, Reason
from reach.casework.models import CaseAction, CaseVisitReason, DropoutCase, WorkGroupMember
from reach.casework.tests.factories import (
    CaseVisitFactory,
    DropoutCaseFactory,
    WorkGroupMemberFactory,
)
from reach.common.scoping import ScopePath
from reach.geo.models import School, Unit
from reach.registry.models import Household, Person
from reach.registry.tests.factories import EnrolmentFactory

HOLDERS_OF = (Person, Household, Unit, School)

# Models with a key to one of those that declare no scope, each with the reason it needs none.
WITHOUT_SCOPE = {
    # The grants a user's scope is computed from (`scope_of` reads them), not data in a scope.
    "accounts.Membership",
    # Official decisions about a unit (extremely difficult communes): public reference data.
    "geo.UnitYearAttribute",
    # Holds no person; seen by overlap (`list_runs_for_user`: runs above too), lines are scoped.
    "entitlements.EntitlementRun",
}


def _holds_a_scoped_row(model: type[Model]) -> bool:
    return any(
        field.concrete and (field.many_to_one or field.one_to_one)
        for field in model._meta.get_fields()
        if field.related_model in HOLDERS_OF
    )


def _declares_scope(model: type[Model]) -> bool:
    return isinstance(getattr(model, "scope", None), ScopePath)


DECLARED = sorted(
    (model for model in apps.get_models() if _declares_scope(model)),
    key=lambda model: model._meta.label,
)


def test_every_model_with_a_key_to_a_person_household_unit_or_school_declares_its_scope():
    missing = [
        model._meta.label
        for model in apps.get_models()
        if _holds_a_scoped_row(model)
        and not _declares_scope(model)
        and model._meta.label not in WITHOUT_SCOPE
    ]
    assert missing == [], f"declare `scope = ScopePath(...)` on {', '.join(missing)}"


def test_the_exempt_models_are_installed_and_really_declare_no_scope():
    labels = {model._meta.label: model for model in apps.get_models()}
    assert WITHOUT_SCOPE <= labels.keys()
    assert [label for label in sorted(WITHOUT_SCOPE) if _declares_scope(labels[label])] == []


@pytest.mark.parametrize("username", ["district", "ward01", "school01"])
@pytest.mark.parametrize("model", DECLARED, ids=lambda model: model._meta.label)
def test_every_declared_scope_resolves_for_unit_and_school_members(world, model, username):
    restrict(model._default_manager.all(), world.users[username]).exists()


def test_school_staff_see_a_household_and_a_pupil_once_however_many_enrolments_lead_there(
    world,
):
    school = world.schools["ward1"]
    sibling = Person.objects.get(full_name="Sibling at home")
    EnrolmentFactory(person=sibling, school=school)
    EnrolmentFactory(person=world.persons["commuter"], school=school, school_year=2023)
    staff = world.users["school01"]

    households = restrict(Household.objects.all(), staff).values_list("code", flat=True)
    persons = restrict(Person.objects.all(), staff).values_list("full_name", flat=True)

    assert sorted(households) == ["HH-commuter", "HH-ward1"]
    assert sorted(persons) == ["Pupil commuter", "Pupil ward1", "Sibling at home"]


@pytest.fixture
def commuter_case(world) -> DropoutCase:
    """A case of the pupil who lives in ward 26737 and attends the school of ward 26734, with a
    visit, its reason and an action."""
    visit = CaseVisitFactory(case=DropoutCaseFactory(person=world.persons["commuter"]))
    CaseVisitReason.objects.create(visit=visit, reason=Reason.DISTANCE)
    CaseAction.objects.create(
        case=visit.case, kind=ActionKind.RETURN_SUPPORT, taken_on=dt.date(2024, 9, 21)
    )
    return visit.case


@pytest.mark.parametrize(
    ("username", "sees"),
    [("district", True), ("school01", True), ("ward01", False), ("county", False)],
)
@pytest.mark.parametrize(
    "model_name", ["DropoutCase", "CaseVisit", "CaseVisitReason", "CaseAction"]
)
def test_a_case_and_what_was_recorded_on_it_are_seen_by_whoever_sees_the_child(
    world, commuter_case, model_name, username, sees
):
    model = apps.get_model("casework", model_name)
    assert restrict(model.objects.all(), world.users[username]).exists() is sees


@pytest.mark.parametrize(
    ("username", "sees"),
    [("district", True), ("ward01", True), ("school01", True), ("county", False)],
)
def test_a_work_group_member_is_seen_within_the_groups_unit(world, username, sees):
    WorkGroupMemberFactory(work_group__unit=world.units["ward1"])
    assert restrict(WorkGroupMember.objects.all(), world.users[username]).exists() is sees
