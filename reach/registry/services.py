"""Writes of registry data outside imports: every one checks the actor's permission
(`reach.registry.permissions`), owns its transaction and leaves an audit event on the household.

Refusals: `NotAllowed` (403) when the actor's role may not make the change; `Conflict` (409)
for a national ID already on record, a second enrolment of a person at one level in one school
year, or ending an enrolment that has ended; `DomainError` (422) for an invalid value, its
message starting with the field's name. A national ID on record outside the actor's area gets
the import's neutral "registered elsewhere" and the attempt is audited.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.scoping import restrict
from reach.accounts.services import record_audit_event, snapshot
from reach.common.errors import Conflict, DomainError
from reach.common.schoolyear import current_school_year
from reach.geo.models import PATH_SEPARATOR, School, Unit
from reach.geo.permissions import can_load_reference_data
from reach.registry.choices import EducationLevel, EnrolmentStatus, HouseholdStatus
from reach.registry.imports import values
from reach.registry.imports.validation import REGISTERED_ELSEWHERE, STATUS_RULE
from reach.registry.models import (
    Enrolment,
    Household,
    HouseholdPastUnit,
    HouseholdYearStatus,
    Person,
)
from reach.registry.permissions import (
    can_add_person,
    can_change_record,
    can_edit_person,
    can_enrol,
    can_set_poverty_status,
)

# The personal details a person's record holds; the household it belongs to is not one.
PERSON_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "national_id",
    "ethnicity",
    "ethnic_minority",
    "disabled",
    "orphan",
    "martyr_child",
    "left_behind",
    "migrant",
    "unsupported",
    "caregiver_name",
    "caregiver_relation",
    "relation",
    "education_completed",
    "vocational_certificate",
)
ENDING_STATUSES = (
    EnrolmentStatus.DROPPED_OUT,
    EnrolmentStatus.TRANSFERRED,
    EnrolmentStatus.GRADUATED,
)
EARLIEST_YEAR = 1990


@dataclass(frozen=True)
class EnrolmentDetails:
    """What an enrolment records: `school` None is a school outside the registry."""

    school: School | None
    school_year: int
    level: str
    grade: int | None = None
    boarding: bool = False
    program: str = ""
    school_days: int | None = None
    attendance_rate: int | None = None


def _household_id(obj: models.Model) -> int | None:
    if isinstance(obj, Household):
        return obj.pk
    if isinstance(obj, HouseholdYearStatus | Person):
        return obj.household_id
    if isinstance(obj, Enrolment):
        return obj.person.household_id
    return None


def _invalid(field: str, problem: str) -> DomainError:
    return DomainError(_("%(field)s: %(problem)s") % {"field": field, "problem": problem})


def _validated(obj: models.Model) -> None:
    """`full_clean`, its first problem raised as a `DomainError` naming the field."""
    try:
        obj.full_clean()
    except ValidationError as error:
        field, problems = next(iter(error.message_dict.items()))
        raise _invalid(field, " ".join(problems)) from error


def _write(*, actor: User | None, obj: models.Model, reason: str) -> models.Model:
    """Save `obj` (validated) and audit its before and after, if anything changed."""
    before = None
    if obj.pk is not None:
        stored = type(obj)._default_manager.filter(pk=obj.pk).first()
        before = snapshot(stored) if stored is not None else None
    _validated(obj)
    obj.save()
    after = snapshot(obj)
    if before != after:
        record_audit_event(
            actor=actor,
            action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
            obj=obj,
            before=before,
            after=after,
            household_id=_household_id(obj),
            reason=reason,
        )
    return obj


def _stored(obj: models.Model) -> models.Model | None:
    if obj.pk is None:
        return None
    return type(obj)._default_manager.filter(pk=obj.pk).first()


@transaction.atomic
def save_registry_record(
    *, actor: User | None, obj: models.Model, reason: str = ""
) -> models.Model:
    """Create or update a household, status, person or enrolment, recording before and after.
    The actor needs the permission for the record as stored and as it will be."""
    message = _("Your role does not allow this change to the registry.")
    stored = _stored(obj)
    if stored is not None:
        require(can_change_record(actor, stored), message)
    require(can_change_record(actor, obj), message)
    return _write(actor=actor, obj=obj, reason=reason)


@transaction.atomic
def delete_registry_record(*, actor: User | None, obj: models.Model, reason: str = "") -> None:
    """Delete a registry record, keeping its last values in the audit trail."""
    require(
        can_change_record(actor, obj), _("Your role does not allow this change to the registry.")
    )
    record_audit_event(
        actor=actor,
        action=AuditAction.DELETE,
        obj=obj,
        before=snapshot(obj),
        household_id=_household_id(obj),
        reason=reason,
    )
    obj.delete()


def _check_national_id(actor: User, person: Person) -> None:
    """Normalise and check `person`'s national ID for its household's country; one on record
    for someone else is a `Conflict`, described only when the actor may see that person (else
    "registered elsewhere", and the attempt is audited)."""
    if not person.national_id:
        person.national_id = None
        return
    person.national_id = values.national_id(person.national_id)
    country = person.household.unit.path.split(PATH_SEPARATOR)[0]
    if problem := values.national_id_problem(person.national_id, country):
        raise _invalid("national_id", problem)
    owner = (
        Person.objects.filter(national_id=person.national_id).exclude(pk=person.pk).first()
        if person.national_id
        else None
    )
    if owner is None:
        return
    if restrict(Person.objects.filter(pk=owner.pk), actor).exists():
        raise Conflict(
            _("national_id: National ID %(id)s is already on record for person #%(person)s")
            % {"id": person.national_id, "person": owner.pk}
        )
    record_audit_event(
        actor=actor,
        action=AuditAction.REFUSED,
        obj=owner,
        household_id=owner.household_id,
        reason="national ID named through the API: outside the actor's area",
    )
    raise Conflict(str(REGISTERED_ELSEWHERE))


def _check_birth_date(person: Person) -> None:
    if isinstance(person.birth_date, dt.date):
        try:
            values.birth_date(person.birth_date, timezone.localdate())
        except values.BadValue as bad:
            raise _invalid("birth_date", str(bad)) from bad


def create_person(
    *,
    actor: User,
    household: Household,
    details: Mapping[str, object],
    enrolment: EnrolmentDetails | None = None,
    reason: str = "",
) -> Person:
    """Add a person to `household` with their personal `details` (keys of `PERSON_FIELDS`),
    and, when given, their `enrolment`. The owners of the household's list add anyone; school
    staff add a pupil they enrol at their school."""
    require(
        can_add_person(actor, household, enrolment.school if enrolment else None),
        _("Your role does not allow adding a person to this household."),
    )
    person = Person(household=household)
    _apply(person, details)
    _check_national_id(actor, person)
    if household.members.filter(full_name=person.full_name, birth_date=person.birth_date).exists():
        raise Conflict(
            _("%(name)s, born %(date)s, is already a member of this household.")
            % {"name": person.full_name, "date": person.birth_date}
        )
    with transaction.atomic():
        _write(actor=actor, obj=person, reason=reason)
        if enrolment is not None:
            _enrol(actor=actor, person=person, details=enrolment, reason=reason)
    return person


def correct_person(
    *, actor: User, person: Person, changes: Mapping[str, object], reason: str = ""
) -> Person:
    """Correct `person`'s personal details (`changes`, keys of `PERSON_FIELDS`): the owners of
    the household's list, or the staff of a school the person is enrolled at."""
    require(
        can_edit_person(actor, person),
        _("Your role does not allow correcting this person's details."),
    )
    person = Person.objects.select_related("household__unit").get(pk=person.pk)
    _apply(person, changes)
    if "national_id" in changes:
        _check_national_id(actor, person)
    with transaction.atomic():
        _write(actor=actor, obj=person, reason=reason)
    return person


def _apply(person: Person, details: Mapping[str, object]) -> None:
    for field, value in details.items():
        if field not in PERSON_FIELDS:
            raise _invalid(field, _("not a personal detail that can be set here"))
        setattr(person, field, value)
    _check_birth_date(person)


def enrol_person(
    *, actor: User, person: Person, details: EnrolmentDetails, reason: str = ""
) -> Enrolment:
    """Record `person`'s enrolment at a school in a school year and level: the owners of the
    household's list, or the school's staff."""
    require(
        can_enrol(actor, person, details.school),
        _("Your role does not allow enrolling this person at this school."),
    )
    with transaction.atomic():
        return _enrol(actor=actor, person=person, details=details, reason=reason)


def _enrol(*, actor: User, person: Person, details: EnrolmentDetails, reason: str) -> Enrolment:
    level, school, school_year = details.level, details.school, details.school_year
    if level not in EducationLevel.values:
        raise _invalid(
            "level",
            _("Unknown value “%(value)s”; allowed: %(allowed)s")
            % {"value": level, "allowed": ", ".join(EducationLevel.values)},
        )
    if school is not None and level not in school.levels:
        raise _invalid(
            "level", _("%(school)s does not teach this level.") % {"school": school.name}
        )
    _check_year("school_year", school_year, latest=current_school_year() + 1)
    rate = details.attendance_rate
    if rate is not None and not 0 <= rate <= 100:
        raise _invalid("attendance_rate", _("An attendance rate runs from 0 to 100."))
    if Enrolment.objects.filter(person=person, school_year=school_year, level=level).exists():
        raise Conflict(
            _("This person already has an enrolment at this level in school year %(year)s.")
            % {"year": school_year}
        )
    enrolment = Enrolment(person=person, **asdict(details))
    _write(actor=actor, obj=enrolment, reason=reason)
    return enrolment


@transaction.atomic
def end_enrolment(*, actor: User, enrolment: Enrolment, status: str, reason: str = "") -> Enrolment:
    """End an enrolment under way: the pupil dropped out, transferred or graduated. `reason`
    (e.g. when and why) goes into the audit trail."""
    require(
        can_enrol(actor, enrolment.person, enrolment.school),
        _("Your role does not allow changing this enrolment."),
    )
    if status not in ENDING_STATUSES:
        raise _invalid(
            "status",
            _("Unknown value “%(value)s”; allowed: %(allowed)s")
            % {"value": status, "allowed": ", ".join(ENDING_STATUSES)},
        )
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise Conflict(
            _("This enrolment has already ended (%(status)s).")
            % {"status": EnrolmentStatus(enrolment.status).label}
        )
    enrolment.status = status
    _write(actor=actor, obj=enrolment, reason=reason)
    return enrolment


def _check_year(field: str, year: int, *, latest: int) -> None:
    if not EARLIEST_YEAR <= year <= latest:
        raise _invalid(field, _("Year %(year)s is out of range.") % {"year": year})


@transaction.atomic
def set_household_status(
    *,
    actor: User,
    household: Household,
    year: int,
    status: str,
    decision: str = "",
    reason: str = "",
) -> HouseholdYearStatus:
    """Set `household`'s poverty status of `year` and the decision behind it, as the official
    list of its ward says: only the roles that keep that list (`can_set_poverty_status`)."""
    require(
        can_set_poverty_status(actor, household.unit),
        str(STATUS_RULE),
    )
    if status not in HouseholdStatus.values:
        raise _invalid(
            "status",
            _("Unknown value “%(value)s”; allowed: %(allowed)s")
            % {"value": status, "allowed": ", ".join(HouseholdStatus.values)},
        )
    _check_year("year", year, latest=timezone.localdate().year + 1)
    record = HouseholdYearStatus.objects.select_for_update().filter(
        household=household, year=year
    ).first() or HouseholdYearStatus(household=household, year=year)
    record.status, record.decision = status, decision
    _write(actor=actor, obj=record, reason=reason)
    return record


@dataclass(frozen=True)
class HouseholdMoves:
    """What moving households to their units' successors did: households moved per successor
    code, and those left in a split unit (a split cannot tell which new unit a household is in:
    they are moved one by one)."""

    moved: dict[str, int]
    left_in_split_units: dict[str, int]


@transaction.atomic
def move_households_to_successors(*, actor: User, date: dt.date) -> HouseholdMoves:
    """After a reorganisation taking effect on `date`, move the households of each unit closed
    the day before to its successor (a merger or renaming): each keeps its old unit as a past
    unit until the day before, so a report of an earlier period still finds it there. One set
    of statements per closed unit, one audit event per unit moved; running it again moves
    nothing."""
    require(can_load_reference_data(actor), _("only an administrator applies a reorganisation"))
    last_day = date - dt.timedelta(days=1)
    moved: dict[str, int] = {}
    left: dict[str, int] = {}
    for old in Unit.objects.filter(valid_to=last_day).select_related("successor"):
        households = Household.objects.filter(unit=old)
        if old.successor is None:
            if count := households.count():
                left[old.code] = count
            continue
        HouseholdPastUnit.objects.bulk_create(
            [
                HouseholdPastUnit(household_id=pk, unit=old, valid_to=last_day)
                for pk in households.values_list("pk", flat=True).iterator()
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
        count = households.update(unit=old.successor, updated_at=timezone.now())
        if count:
            moved[old.successor.code] = moved.get(old.successor.code, 0) + count
            record_audit_event(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=old,
                reason=_("%(count)s households moved to %(unit)s from %(date)s")
                % {"count": count, "unit": old.successor.code, "date": date.isoformat()},
            )
    return HouseholdMoves(moved=moved, left_in_split_units=left)
