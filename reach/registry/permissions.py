"""Who may change the registry: households, their poverty status, persons and enrolments.

A household's poverty status comes from the official poor / near-poor list of its ward (in
China its village), decided by the people's committee: only the roles that keep that list (a
ward officer over the ward, an office over the district or county, administrators) set it or
change a household's head, address or unit. School staff add and correct their own pupils:
personal details and enrolments at their school, never a status and never another school's
pupils. Viewers change nothing.
"""

from django.db.models import Model

from reach.accounts.choices import Role
from reach.accounts.models import User
from reach.accounts.permissions import grants_of, holds_role
from reach.accounts.scoping import is_administrator
from reach.geo.models import School, Unit
from reach.registry.models import Enrolment, Household, HouseholdYearStatus, ImportBatch, Person

LIST_OWNERS = (Role.WARD_OFFICER, Role.OFFICE)
IMPORTERS = (Role.WARD_OFFICER, Role.OFFICE, Role.SCHOOL_STAFF)


def can_import_households(user: User | None, unit: Unit | None = None) -> bool:
    """Whether `user` may upload a household file at all (`unit` None), or import rows of
    households in `unit`: the list's owners over it, or staff of a school in it."""
    if unit is None:
        return is_administrator(user) or any(g.role in IMPORTERS for g in grants_of(user))
    return holds_role(user, LIST_OWNERS, over=unit.path) or holds_role(
        user, [Role.SCHOOL_STAFF], school_in=unit.path
    )


def can_set_poverty_status(user: User | None, unit: Unit) -> bool:
    """Whether `user` keeps the poor / near-poor list of `unit` and so sets the poverty status
    (and its decision) of its households."""
    return holds_role(user, LIST_OWNERS, over=unit.path)


def can_edit_household(user: User | None, household: Household) -> bool:
    """Whether `user` may change a household's head, address or unit: the list's owners."""
    return can_set_poverty_status(user, household.unit)


def schools_staffed_by(user: User | None) -> set[int]:
    """The ids of the schools `user` works at as school staff."""
    return {g.school_id for g in grants_of(user) if g.role == Role.SCHOOL_STAFF and g.school_id}


def can_enrol(user: User | None, person: Person, school: School | None) -> bool:
    """Whether `user` may record or change `person`'s enrolment at `school`: the list's owners
    over the person's household (wherever the child goes to school), or the school's staff."""
    if holds_role(user, LIST_OWNERS, over=person.household.unit.path):
        return True
    return school is not None and holds_role(user, [Role.SCHOOL_STAFF], school_id=school.pk)


def can_add_person(user: User | None, household: Household, school: School | None) -> bool:
    """Whether `user` may add a person to `household`: the list's owners over it, or the staff
    of `school`, adding a pupil they enrol there."""
    if can_edit_household(user, household):
        return True
    return school is not None and holds_role(user, [Role.SCHOOL_STAFF], school_id=school.pk)


def can_edit_person(user: User | None, person: Person) -> bool:
    """Whether `user` may correct `person`'s personal details: the list's owners over the
    household, or the staff of a school the person is enrolled at."""
    if holds_role(user, LIST_OWNERS, over=person.household.unit.path):
        return True
    staffed = schools_staffed_by(user)
    return bool(staffed) and person.enrolments.filter(school_id__in=staffed).exists()


def can_change_record(user: User | None, record: Model) -> bool:
    """Whether `user` may save or delete `record` (a household, status, person or enrolment)
    as it stands, by the rules above; records of other kinds are the administrators'."""
    if isinstance(record, Household):
        return can_edit_household(user, record)
    if isinstance(record, HouseholdYearStatus):
        return can_set_poverty_status(user, record.household.unit)
    if isinstance(record, Person):
        if record.pk is None:
            return can_add_person(user, record.household, None)
        return can_edit_person(user, record)
    if isinstance(record, Enrolment):
        return can_enrol(user, record.person, record.school)
    return is_administrator(user)


def can_commit_import(user: User | None, batch: ImportBatch) -> bool:
    """Whether `user` may merge `batch`: the importer who staged it, or an administrator."""
    if is_administrator(user):
        return True
    owner = user is not None and batch.created_by_id is not None and batch.created_by_id == user.pk
    return owner and can_import_households(user)
