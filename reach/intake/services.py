"""Writes of intake planning and streaming. Each function checks the actor's permission
(`reach.intake.permissions`), owns its transaction and leaves audit events."""

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import AuditEvent, User
from reach.accounts.permissions import require
from reach.accounts.scoping import is_administrator
from reach.accounts.services import build_audit_event, record_audit_event, snapshot
from reach.casework.choices import CaseKind, CaseSource, CaseStatus
from reach.casework.models import DropoutCase, WorkGroup
from reach.casework.permissions import (
    can_open_cases_from_lists,
    children_whose_cases_user_may_change,
)
from reach.common.errors import Conflict, DomainError
from reach.geo.models import School, Unit
from reach.intake import selectors
from reach.intake.choices import RECORDED_STEPS, EntryGrade, NextStep
from reach.intake.models import Capacity, StreamingOutcome
from reach.intake.permissions import can_record_next_step, can_set_capacity
from reach.intake.streaming import finishers
from reach.registry.models import Person


class IntakeError(DomainError):
    """A refused intake or streaming write (422)."""


def _user(actor: User) -> User | None:
    return actor if actor.pk else None


@transaction.atomic
def set_capacity(
    *, actor: User, school: School, school_year: int, grade: int, places: int
) -> Capacity:
    """Set the places `school` offers at an entry grade in `school_year` (replacing any)."""
    require(can_set_capacity(actor, school), _("Your role cannot set this school's places."))
    if grade not in EntryGrade.values:
        raise IntakeError(_("Not an entry grade: %(grade)s") % {"grade": grade})
    if places < 0:
        raise IntakeError(_("Places cannot be negative."))
    capacity = (
        Capacity.objects.select_for_update()
        .filter(school=school, school_year=school_year, grade=grade)
        .first()
    )
    before = snapshot(capacity) if capacity else None
    if capacity is None:
        capacity = Capacity(school=school, school_year=school_year, grade=grade, places=places)
    else:
        capacity.places = places
    capacity.save()
    record_audit_event(
        actor=_user(actor),
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=capacity,
        before=before,
        after=snapshot(capacity),
    )
    return capacity


@transaction.atomic
def record_next_step(
    *, actor: User, person: Person, school_year: int, outcome: str, note: str = ""
) -> StreamingOutcome:
    """Record what a grade-9 finisher of `school_year` without a next-year enrolment did."""
    require(
        can_record_next_step(actor, person),
        _("Your role cannot record this pupil's next step."),
    )
    if outcome not in RECORDED_STEPS:
        raise IntakeError(_("Not a next step that can be recorded: %(o)s") % {"o": outcome})
    row = finishers(Person.objects.filter(pk=person.pk), school_year).first()
    if row is None:
        raise IntakeError(
            _("%(name)s did not finish grade 9 in school year %(year)s.")
            % {"name": person.full_name, "year": school_year}
        )
    read_from_registry = {NextStep.GRADE_10, NextStep.VOCATIONAL, NextStep.CONTINUING}
    existing = StreamingOutcome.objects.filter(person=person, school_year=school_year).first()
    step = row.next_step  # type: ignore[attr-defined]  # annotated by streaming.finishers
    if step in read_from_registry and existing is None:
        raise Conflict(
            _("The registry already shows the next step of %(name)s.") % {"name": person.full_name}
        )
    before = snapshot(existing) if existing else None
    record = existing or StreamingOutcome(person=person, school_year=school_year)
    record.outcome, record.note, record.recorded_by = outcome, note[:300], _user(actor)
    record.save()
    record_audit_event(
        actor=_user(actor),
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=record,
        before=before,
        after=snapshot(record),
        household_id=person.household_id,
    )
    return record


@transaction.atomic
def open_cases_for_unknown_next_steps(
    *, actor: User, school_year: int, unit: Unit | None = None
) -> int:
    """Open a case (out of school, school year `school_year + 1`) for every grade-9 finisher of
    `school_year` whose next step is unknown, whom the actor sees under `unit` and whose cases
    the actor may change, unless the child already has a case that year. One read, one insert
    and the audit events in bulk; running it again opens nothing new."""
    require(can_open_cases_from_lists(actor, unit), _("Your role cannot open cases."))
    next_year = school_year + 1
    rows = selectors.list_finishers_for_user(actor, unit=unit, school_year=school_year)
    rows = rows.filter(next_step=NextStep.UNKNOWN).exclude(  # type: ignore[misc]
        pk__in=DropoutCase.objects.filter(school_year=next_year).values("person_id")
    )
    if not is_administrator(actor):
        rows = rows.filter(pk__in=children_whose_cases_user_may_change(actor).values("pk"))
    group = WorkGroup.objects.filter(unit=OuterRef("household__unit")).order_by("pk")
    found = rows.annotate(
        unit_id=F("household__unit_id"), group_id=Subquery(group.values("pk")[:1])
    ).values_list("pk", "household_id", "unit_id", "group_id")
    today = timezone.localdate()
    cases = DropoutCase.objects.bulk_create(
        [
            DropoutCase(
                person_id=person,
                household_id=household,
                unit_id=unit_id,
                work_group_id=group_id,
                school_year=next_year,
                kind=CaseKind.OUT_OF_SCHOOL,
                status=CaseStatus.OPEN,
                source=CaseSource.LIST,
                opened_on=today,
                opened_by=_user(actor),
                outcome_note="",
            )
            for person, household, unit_id, group_id in found
        ]
    )
    AuditEvent.objects.bulk_create(
        [
            build_audit_event(
                actor=_user(actor),
                action=AuditAction.CREATE,
                obj=case,
                after=snapshot(case),
                household_id=case.household_id,
                reason=_("Grade-9 finisher with no known next step"),
            )
            for case in cases
        ]
    )
    return len(cases)
