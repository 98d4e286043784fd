"""Writes of casework. Each function owns its transaction and leaves an audit event (who, when,
before, after) for every case, visit and action it changes.

The life cycle of a case:

    open --(visit or action)--> in_progress --(close with an outcome)--> closed
    closed --(reopen, with a reason)--> in_progress

Who may change a case is `reach.casework.permissions.can_edit_case` (opening one,
`can_open_case_for`); each function checks it and raises `NotAllowed` (403).

Clashes with the case's state, a `CaseConflict` (409): a second active case for the same child
and school year; any visit, action, assignment or closing on a closed case; reopening a case
that is not closed. Other refusals, a `CaseError` (422): closing before any visit; an outcome
that does not fit the kind of case; dates in the future or before the case was opened.
Closing as "returned to school" records the child's enrolment.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.services import snapshot
from reach.casework.choices import (
    ACTIVE_STATUSES,
    OUTCOMES_BY_KIND,
    ActionKind,
    CaseKind,
    CaseSource,
    CaseStatus,
    Outcome,
    Reason,
)
from reach.casework.models import CaseAction, CaseVisit, CaseVisitReason, DropoutCase, WorkGroup
from reach.casework.permissions import can_open_case_for
from reach.casework.services._common import (
    CaseConflict,
    CaseError,
    audit,
    audit_change,
    check_date,
    create_checked,
    locked,
    require_active,
    require_case_editor,
    serves,
    today,
    user_or_none,
)
from reach.geo.models import School
from reach.plans.tasks import request_figure_refresh
from reach.registry.choices import EducationLevel, EnrolmentStatus
from reach.registry.models import Enrolment, Person
from reach.registry.services import save_registry_record


@transaction.atomic
def open_case(
    *,
    actor: User,
    person: Person,
    school_year: int,
    kind: str,
    opened_on: dt.date | None = None,
    work_group: WorkGroup | None = None,
    risk_score: int | None = None,
    source: str = CaseSource.HAND,
) -> DropoutCase:
    """Open a case for a child; refused when the child has an active case that school year."""
    require(can_open_case_for(actor, person), _("Your role cannot open a case for this child."))
    if kind not in CaseKind.values:
        raise CaseError(_("Unknown kind of case: %(kind)s") % {"kind": kind})
    opened_on = opened_on or today()
    check_date(opened_on, what="opening")
    household = person.household
    if DropoutCase.objects.filter(
        person=person, school_year=school_year, status__in=ACTIVE_STATUSES
    ).exists():
        raise CaseConflict(
            _("%(name)s already has an open case for school year %(year)s.")
            % {"name": person.full_name, "year": school_year}
        )
    if work_group is not None and not serves(work_group, household.unit):
        raise CaseError(_("This work group does not serve the child's unit."))
    case = create_checked(
        DropoutCase,
        person=person,
        household=household,
        unit=household.unit,
        school_year=school_year,
        kind=kind,
        source=source,
        risk_score=risk_score,
        work_group=work_group,
        opened_on=opened_on,
        opened_by=user_or_none(actor),
    )
    audit(actor=actor, action=AuditAction.CREATE, obj=case, after=snapshot(case), case=case)
    return case


@transaction.atomic
def assign_case(*, actor: User, case: DropoutCase, work_group: WorkGroup | None) -> DropoutCase:
    case = locked(case)
    require_case_editor(actor, case)
    require_active(case)
    if work_group is not None and not serves(work_group, case.unit):
        raise CaseError(_("This work group does not serve the child's unit."))
    before = snapshot(case)
    case.work_group = work_group
    case.save(update_fields=["work_group", "updated_at"])
    audit(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        before=before,
        after=snapshot(case),
        case=case,
    )
    return case


def _start(case: DropoutCase, *, actor: User) -> None:
    """The first visit or action moves an open case to in progress."""
    if case.status == CaseStatus.OPEN:
        before = snapshot(case)
        case.status = CaseStatus.IN_PROGRESS
        case.save(update_fields=["status", "updated_at"])
        audit(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=case,
            before=before,
            after=snapshot(case),
            case=case,
        )


@transaction.atomic
def record_visit(
    *,
    actor: User,
    case: DropoutCase,
    visited_on: dt.date,
    visitors: str,
    findings: str = "",
    reasons: Iterable[str] = (),
    family_wishes: str = "",
) -> CaseVisit:
    """A household visit with what was found, the reasons and the family's wishes."""
    case = locked(case)
    require_case_editor(actor, case)
    require_active(case)
    check_date(visited_on, case=case, what="visit")
    if not visitors.strip():
        raise CaseError(_("Say who made the visit."))
    reasons = sorted(set(reasons))
    unknown = [r for r in reasons if r not in Reason.values]
    if unknown:
        raise CaseError(_("Unknown reason(s): %(reasons)s") % {"reasons": ", ".join(unknown)})
    visit = create_checked(
        CaseVisit,
        case=case,
        visited_on=visited_on,
        visitors=visitors.strip(),
        findings=findings.strip(),
        family_wishes=family_wishes.strip(),
        recorded_by=user_or_none(actor),
    )
    CaseVisitReason.objects.bulk_create([CaseVisitReason(visit=visit, reason=r) for r in reasons])
    audit(
        actor=actor,
        action=AuditAction.CREATE,
        obj=visit,
        after={**snapshot(visit), "reasons": reasons},
        case=case,
    )
    _start(case, actor=actor)
    return visit


@transaction.atomic
def record_action(
    *, actor: User, case: DropoutCase, kind: str, taken_on: dt.date | None = None, note: str = ""
) -> CaseAction:
    case = locked(case)
    require_case_editor(actor, case)
    require_active(case)
    if kind not in ActionKind.values:
        raise CaseError(_("Unknown action: %(kind)s") % {"kind": kind})
    taken_on = taken_on or today()
    check_date(taken_on, case=case, what="action")
    action = create_checked(
        CaseAction,
        case=case,
        kind=kind,
        taken_on=taken_on,
        note=note.strip(),
        recorded_by=user_or_none(actor),
    )
    audit(actor=actor, action=AuditAction.CREATE, obj=action, after=snapshot(action), case=case)
    _start(case, actor=actor)
    return action


@transaction.atomic
def link_action(*, actor: User, action: CaseAction, object_type: str, object_id: str) -> CaseAction:
    """Tie an action (e.g. an aid referral) to the record it led to, named by its type and id
    (e.g. "funds.scholarshipapplication", "17"), without this app depending on that one."""
    action = CaseAction.objects.select_for_update().select_related("case__unit").get(pk=action.pk)
    require_case_editor(actor, action.case)
    if not object_type or not str(object_id):
        raise CaseError(_("A link needs the type and the id of the linked record."))
    before = snapshot(action)
    action.linked_object_type, action.linked_object_id = object_type, str(object_id)
    action.save(update_fields=["linked_object_type", "linked_object_id"])
    audit(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=action,
        before=before,
        after=snapshot(action),
        case=action.case,
    )
    return action


def _record_return(
    *, actor: User, case: DropoutCase, school: School, level: str, grade: int | None
) -> None:
    """The enrolment of a child back at school: the year's enrolment at that level becomes
    enrolled again, or a new one is recorded."""
    if level not in EducationLevel.values:
        raise CaseError(_("Unknown level: %(level)s") % {"level": level})
    if level not in school.levels:
        raise CaseError(_("%(school)s does not teach this level.") % {"school": school.name})
    enrolment = Enrolment.objects.filter(
        person=case.person, school_year=case.school_year, level=level
    ).first() or Enrolment(person=case.person, school_year=case.school_year, level=level)
    enrolment.school = school
    enrolment.status = EnrolmentStatus.ENROLLED
    if grade is not None:
        enrolment.grade = grade
    save_registry_record(actor=actor, obj=enrolment, reason=f"case #{case.pk}")


@transaction.atomic
def close_case(
    *,
    actor: User,
    case: DropoutCase,
    outcome: str,
    closed_on: dt.date | None = None,
    note: str = "",
    school: School | None = None,
    level: str = "",
    grade: int | None = None,
) -> DropoutCase:
    """Close a visited case with its outcome. "Returned to school" needs the school and level
    the child returned to, and records that enrolment in the registry."""
    case = locked(case)
    require_case_editor(actor, case)
    require_active(case)
    if outcome not in OUTCOMES_BY_KIND[CaseKind(case.kind)]:
        raise CaseError(
            _("A case of this kind cannot close as “%(outcome)s”.")
            % {"outcome": Outcome(outcome).label if outcome in Outcome.values else outcome}
        )
    if not case.visits.exists():
        raise CaseError(_("Record at least one household visit before closing the case."))
    closed_on = closed_on or today()
    check_date(closed_on, case=case, what="outcome")
    if outcome == Outcome.RETURNED_TO_SCHOOL:
        if school is None or not level:
            raise CaseError(_("Say which school and level the child returned to."))
        _record_return(actor=actor, case=case, school=school, level=level, grade=grade)
    before = snapshot(case)
    case.status, case.outcome, case.closed_on = CaseStatus.CLOSED, outcome, closed_on
    case.outcome_note = note.strip()
    case.save(update_fields=["status", "outcome", "closed_on", "outcome_note", "updated_at"])
    audit(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        before=before,
        after=snapshot(case),
        case=case,
    )
    request_figure_refresh()  # a return to school counts in the return rate
    return case


@transaction.atomic
def reopen_case(*, actor: User, case: DropoutCase, reason: str) -> DropoutCase:
    """Reopen a closed case (the child left school again, the outcome was wrong...)."""
    case = locked(case)
    require_case_editor(actor, case)
    if case.is_active:
        raise CaseConflict(_("Case #%(id)s is not closed.") % {"id": case.pk})
    if not reason.strip():
        raise CaseError(_("Say why the case is reopened."))
    if DropoutCase.objects.filter(
        person=case.person_id, school_year=case.school_year, status__in=ACTIVE_STATUSES
    ).exists():
        raise CaseConflict(_("The child has another open case this school year."))
    before = snapshot(case)
    case.status, case.outcome, case.closed_on = CaseStatus.IN_PROGRESS, "", None
    case.save(update_fields=["status", "outcome", "closed_on", "updated_at"])
    audit_change(actor=actor, case=case, before=before, reason=reason.strip()[:200])
    return case
