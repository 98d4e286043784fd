"""Courses, participants, attendance, completion and declared training needs.

A completed course with a certificate updates the person's education or training level (a
vocational course: the vocational certificate; a class that completes a level: that level, if
higher), so the adult education deprivation indicator (reach/indicators) moves; the change is
audited on the person's household.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.scoping import restrict
from reach.accounts.services import record_audit_event, snapshot
from reach.common.errors import Conflict, OutOfScope
from reach.geo.models import Organisation, Unit
from reach.learning.choices import CourseKind, ParticipantStatus
from reach.learning.models import Attendance, Course, Participant, TrainingNeed
from reach.learning.permissions import can_manage_training, can_record_need
from reach.learning.services.titles import LearningError
from reach.registry.choices import EducationCompleted
from reach.registry.models import Person

# Education completed, lowest first: a certificate never lowers a person's level.
LEVEL_ORDER = list(EducationCompleted.values)


@transaction.atomic
def create_course(
    *,
    actor: User,
    code: str,
    name: str,
    kind: str,
    unit: Unit,
    starts_on: dt.date,
    ends_on: dt.date,
    certificate: bool = False,
    completes_level: str = "",
    provider: Organisation | None = None,
    provider_name: str = "",
) -> Course:
    require(can_manage_training(actor, unit), _("Your role cannot set up courses in this unit."))
    if kind not in CourseKind.values:
        raise LearningError(_("Unknown kind of course %(kind)s.") % {"kind": kind})
    if starts_on > ends_on:
        raise LearningError(_("The course ends before it starts."))
    if completes_level and completes_level not in LEVEL_ORDER:
        raise LearningError(_("Unknown education level %(level)s.") % {"level": completes_level})
    try:
        with transaction.atomic():
            course = Course.objects.create(
                code=code.strip(),
                name=name.strip(),
                kind=kind,
                unit=unit,
                starts_on=starts_on,
                ends_on=ends_on,
                certificate=certificate,
                completes_level=completes_level,
                provider=provider,
                provider_name=provider_name.strip(),
            )
    except IntegrityError:
        raise Conflict(_("A course with the code %(code)s exists.") % {"code": code}) from None
    record_audit_event(actor=actor, action=AuditAction.CREATE, obj=course, after=snapshot(course))
    return course


def _visible_person(actor: User, person: Person) -> Person:
    if not restrict(Person.objects.filter(pk=person.pk), actor).exists():
        raise OutOfScope(_("No such person"))
    return person


@transaction.atomic
def add_participant(*, actor: User, course: Course, person: Person) -> Participant:
    """Enrol a person of the registry in a course."""
    require(can_manage_training(actor, course), _("Your role cannot enrol people in this course."))
    _visible_person(actor, person)
    try:
        with transaction.atomic():
            participant = Participant.objects.create(course=course, person=person)
    except IntegrityError:
        raise Conflict(_("%(name)s is already in this course.") % {"name": person}) from None
    record_audit_event(
        actor=actor,
        action=AuditAction.CREATE,
        obj=participant,
        after=snapshot(participant),
        household_id=person.household_id,
    )
    return participant


@transaction.atomic
def record_attendance(
    *, actor: User, participant: Participant, on: dt.date, present: bool = True
) -> Attendance:
    """Mark a participant present or absent on a day of the course (again: the new mark)."""
    course = participant.course
    require(can_manage_training(actor, course), _("Your role cannot mark attendance here."))
    if not course.starts_on <= on <= course.ends_on:
        raise LearningError(_("The day is outside the course's dates."))
    before = Attendance.objects.filter(participant=participant, on=on).first()
    attendance, _created = Attendance.objects.update_or_create(
        participant=participant, on=on, defaults={"present": present}
    )
    record_audit_event(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=attendance,
        before=snapshot(before) if before else None,
        after=snapshot(attendance),
        household_id=participant.person.household_id,
    )
    return attendance


@transaction.atomic
def complete_participation(
    *,
    actor: User,
    participant: Participant,
    completed_on: dt.date,
    certificate_number: str = "",
) -> Participant:
    """Record that a participant completed the course (with the certificate's number when the
    course gives one); a certificate updates the person's education or training level."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    course = participant.course
    require(can_manage_training(actor, course), _("Your role cannot record completions here."))
    if participant.status == ParticipantStatus.COMPLETED:
        raise Conflict(_("This participant has already completed the course."))
    if completed_on < course.starts_on:
        raise LearningError(_("A course cannot be completed before it starts."))
    certificate_number = certificate_number.strip()
    if certificate_number and not course.certificate:
        raise LearningError(_("This course gives no certificate."))
    before = snapshot(participant)
    participant.status = ParticipantStatus.COMPLETED
    participant.completed_on = completed_on
    participant.certificate_number = certificate_number
    participant.save(update_fields=["status", "completed_on", "certificate_number"])
    person = Person.objects.select_for_update().get(pk=participant.person_id)
    record_audit_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=participant,
        before=before,
        after=snapshot(participant),
        household_id=person.household_id,
    )
    if certificate_number:
        _raise_level(actor, person, course)
    return participant


def _raise_level(actor: User, person: Person, course: Course) -> None:
    before = snapshot(person)
    changed = []
    if course.kind == CourseKind.VOCATIONAL and not person.vocational_certificate:
        person.vocational_certificate = True
        changed.append("vocational_certificate")
    if course.completes_level and LEVEL_ORDER.index(course.completes_level) > LEVEL_ORDER.index(
        person.education_completed
    ):
        person.education_completed = course.completes_level
        changed.append("education_completed")
    if not changed:
        return
    person.save(update_fields=changed)
    record_audit_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=person,
        before=before,
        after=snapshot(person),
        household_id=person.household_id,
        reason=_("Certificate of the course %(code)s") % {"code": course.code},
    )


@transaction.atomic
def record_training_need(
    *, actor: User, person: Person, year: int, vocational: bool = True, note: str = ""
) -> TrainingNeed:
    """Record (or change) what a person declared about vocational training in `year`."""
    _visible_person(actor, person)
    require(
        can_record_need(actor, person.household.unit),
        _("Your role cannot record training needs here."),
    )
    existing = TrainingNeed.objects.filter(person=person, year=year).first()
    before = snapshot(existing) if existing else None
    need, _created = TrainingNeed.objects.update_or_create(
        person=person, year=year, defaults={"vocational": vocational, "note": note.strip()}
    )
    record_audit_event(
        actor=actor,
        action=AuditAction.UPDATE if existing else AuditAction.CREATE,
        obj=need,
        before=before,
        after=snapshot(need),
        household_id=person.household_id,
    )
    return need


@transaction.atomic
def record_session(
    *, actor: User, course: Course, on: dt.date, present: Iterable[int]
) -> list[Attendance]:
    """Mark one session (day) of a course: the enrolled or completed participants whose ids
    are in `present` were there, the others were not. Each mark is audited like
    `record_attendance`."""
    require(can_manage_training(actor, course), _("Your role cannot mark attendance here."))
    present_ids = set(present)
    participants = list(
        course.participants.exclude(status=ParticipantStatus.WITHDRAWN).select_related(
            "course", "person"
        )
    )
    unknown = present_ids - {p.pk for p in participants}
    if unknown:
        raise LearningError(_("Someone marked present is not a participant of this course."))
    return [
        record_attendance(actor=actor, participant=p, on=on, present=p.pk in present_ids)
        for p in participants
    ]
