"""Writes of casework. Each function owns its transaction and leaves an audit event (who, when,
before, after) for every case, visit and action it changes.

The life cycle of a case:

    open --(visit or action)--> in_progress --(close with an outcome)--> closed
    closed --(reopen, with a reason)--> in_progress

Forbidden, with a `CaseError`: a second active case for the same child and school year; any
visit, action, assignment or closing on a closed case; closing before any visit; an outcome that
does not fit the kind of case; reopening a case that is not closed; dates in the future or
before the case was opened. Closing as "returned to school" records the child's enrolment.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    CharField,
    DateField,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reach.accounts.choices import AuditAction
from reach.accounts.models import AuditEvent
from reach.accounts.services import build_audit_event, record_audit_event, snapshot
from reach.casework.choices import (
    ACTIVE_STATUSES,
    OUTCOMES_BY_KIND,
    ActionKind,
    Affiliation,
    CaseKind,
    CaseSource,
    CaseStatus,
    Outcome,
    Reason,
)
from reach.casework.models import (
    CaseAction,
    CaseVisit,
    CaseVisitReason,
    DropoutCase,
    WorkGroup,
    WorkGroupMember,
)
from reach.geo.models import PATH_SEPARATOR, School, Unit
from reach.indicators import selectors as lists
from reach.registry.choices import EducationLevel, EnrolmentStatus
from reach.registry.models import Enrolment, Person
from reach.registry.services import save_registry_record


class CaseError(Exception):
    """A casework rule forbids the change; the message says why, for the user."""


class CommandLineActor:
    """Opening cases from the command line reads every list, as a system administrator."""

    is_authenticated = True
    is_superuser = True
    pk = None


def _today() -> dt.date:
    return timezone.localdate()


# What a date may not be, by what it dates: (in the future, before the case was opened).
DATE_RULES = {
    "opening": (gettext_lazy("The opening date is in the future."), None),
    "visit": (
        gettext_lazy("The visit date is in the future."),
        gettext_lazy("The visit date is before the case was opened (%(opened)s)."),
    ),
    "action": (
        gettext_lazy("The action date is in the future."),
        gettext_lazy("The action date is before the case was opened (%(opened)s)."),
    ),
    "outcome": (
        gettext_lazy("The outcome date is in the future."),
        gettext_lazy("The outcome date is before the case was opened (%(opened)s)."),
    ),
}


def _check_date(day: dt.date, *, case: DropoutCase | None = None, what: str) -> None:
    future, early = DATE_RULES[what]
    if day > _today():
        raise CaseError(str(future))
    if case is not None and early is not None and day < case.opened_on:
        raise CaseError(str(early) % {"opened": case.opened_on.isoformat()})


def _audit(*, actor, action: AuditAction, obj, before=None, after=None, reason: str = "", case):
    record_audit_event(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        obj=obj,
        before=before,
        after=after,
        household_id=case.household_id,
        reason=reason,
    )


def _audit_change(*, actor, case: DropoutCase, before: dict, reason: str = "") -> None:
    _audit(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        before=before,
        after=snapshot(case),
        reason=reason,
        case=case,
    )


def _locked(case: DropoutCase) -> DropoutCase:
    return DropoutCase.objects.select_for_update().select_related("person", "unit").get(pk=case.pk)


def _active(case: DropoutCase) -> None:
    if not case.is_active:
        raise CaseError(_("Case #%(id)s is closed: reopen it first.") % {"id": case.pk})


def _serves(work_group: WorkGroup, unit: Unit) -> bool:
    """A work group serves the cases of its unit and of every unit under it."""
    path = work_group.unit.path
    return unit.path == path or unit.path.startswith(path + PATH_SEPARATOR)


def _user_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def open_case(
    *,
    actor,
    person: Person,
    school_year: int,
    kind: str,
    opened_on: dt.date | None = None,
    work_group: WorkGroup | None = None,
    risk_score: int | None = None,
    source: str = CaseSource.HAND,
) -> DropoutCase:
    """Open a case for a child; refused when the child has an active case that school year."""
    if kind not in CaseKind.values:
        raise CaseError(_("Unknown kind of case: %(kind)s") % {"kind": kind})
    opened_on = opened_on or _today()
    _check_date(opened_on, what="opening")
    household = person.household
    if DropoutCase.objects.filter(
        person=person, school_year=school_year, status__in=ACTIVE_STATUSES
    ).exists():
        raise CaseError(
            _("%(name)s already has an open case for school year %(year)s.")
            % {"name": person.full_name, "year": school_year}
        )
    if work_group is not None and not _serves(work_group, household.unit):
        raise CaseError(_("This work group does not serve the child's unit."))
    case = DropoutCase.objects.create(
        person=person,
        household=household,
        unit=household.unit,
        school_year=school_year,
        kind=kind,
        source=source,
        risk_score=risk_score,
        work_group=work_group,
        opened_on=opened_on,
        opened_by=_user_or_none(actor),
    )
    _audit(actor=actor, action=AuditAction.CREATE, obj=case, after=snapshot(case), case=case)
    return case


def _constant(value, field) -> Value | Cast:
    """A constant column; a typed NULL, which PostgreSQL needs to insert it, for None."""
    return (
        Cast(Value(None), output_field=field) if value is None else Value(value, output_field=field)
    )


def _candidates(kind: str, *, reader, school_year: int, unit: Unit | None) -> QuerySet:
    """The rows of one list without a case this school year, with the columns of a new case."""
    taken = DropoutCase.objects.filter(school_year=school_year).values("person_id")
    if kind == CaseKind.AT_RISK:
        rows = lists.list_at_risk_for_user(reader, school_year=school_year, unit=unit)
        rows = rows.exclude(person_id__in=taken)
        person, household, score = "person_id", "person__household", F("risk_score")
    else:
        if kind == CaseKind.OUT_OF_SCHOOL:
            rows = lists.list_out_of_school_for_user(reader, school_year=school_year, unit=unit)
        else:
            rows = lists.list_dropped_out_for_user(reader, school_year=school_year, unit=unit)
        rows = rows.exclude(pk__in=taken)
        person, household, score = "pk", "household", _constant(None, IntegerField())
    group = WorkGroup.objects.filter(unit=OuterRef(f"{household}__unit")).order_by("pk")
    return rows.order_by().annotate(
        case_person=F(person),
        case_household=F(f"{household}_id"),
        case_unit=F(f"{household}__unit_id"),
        case_work_group=Subquery(group.values("pk")[:1], output_field=BigIntegerField()),
        case_risk_score=score,
    )


# The columns of a case opened from a list, in the order of the INSERT.
CASE_COLUMNS = (
    "person",
    "household",
    "unit",
    "work_group",
    "risk_score",
    "school_year",
    "kind",
    "status",
    "source",
    "opened_on",
    "opened_by",
    "outcome",
    "outcome_note",
    "created_at",
    "updated_at",
)


@transaction.atomic
def open_cases_from_lists(
    *,
    actor,
    school_year: int,
    unit: Unit | None = None,
    kinds: Iterable[str] = tuple(CaseKind.values),
    opened_on: dt.date | None = None,
) -> dict[str, int]:
    """Open a case for every child of the lists (out of school, dropped out, at risk) whom the
    actor may see under `unit` and who has no case yet that school year: one INSERT ... SELECT
    per list, then one audit event per new case. Running it again opens nothing new. A case
    goes to the first work group of the child's unit, if there is one."""
    opened_on = opened_on or _today()
    _check_date(opened_on, what="opening")
    stamp = timezone.now()
    reader = actor if actor is not None else CommandLineActor()
    quote = connection.ops.quote_name
    fields = {field.name: field for field in DropoutCase._meta.concrete_fields}
    targets = ", ".join(quote(fields[name].column) for name in CASE_COLUMNS)
    sources = ", ".join(f"src.{quote('case_' + name)}" for name in CASE_COLUMNS)
    counts = {}
    for kind in kinds:
        constants = {
            "case_school_year": Value(school_year, output_field=IntegerField()),
            "case_kind": Value(kind, output_field=CharField()),
            "case_status": Value(CaseStatus.OPEN.value, output_field=CharField()),
            "case_source": Value(CaseSource.LIST.value, output_field=CharField()),
            "case_opened_on": Value(opened_on, output_field=DateField()),
            "case_opened_by": _constant(getattr(actor, "pk", None), BigIntegerField()),
            "case_outcome": Value("", output_field=CharField()),
            "case_outcome_note": Value("", output_field=CharField()),
            "case_created_at": Value(stamp, output_field=DateTimeField()),
            "case_updated_at": Value(stamp, output_field=DateTimeField()),
        }
        select = _candidates(kind, reader=reader, school_year=school_year, unit=unit)
        select = select.annotate(**constants).values(*(f"case_{name}" for name in CASE_COLUMNS))
        sql, params = select.query.sql_with_params()
        with connection.cursor() as cursor:
            # Only quoted model names are interpolated; every value travels in `params`.
            cursor.execute(
                f"INSERT INTO {quote(DropoutCase._meta.db_table)} ({targets}) "  # noqa: S608
                f"SELECT {sources} FROM ({sql}) src",
                params,
            )
            counts[kind] = max(cursor.rowcount, 0)
    new_cases = DropoutCase.objects.filter(
        school_year=school_year, source=CaseSource.LIST, created_at=stamp
    )
    user = _user_or_none(actor)
    AuditEvent.objects.bulk_create(
        [
            build_audit_event(
                actor=user,
                action=AuditAction.CREATE,
                obj=case,
                after=snapshot(case),
                household_id=case.household_id,
                reason="opened from the lists",
            )
            for case in new_cases.iterator(chunk_size=2000)
        ],
        batch_size=1000,
    )
    return counts


@transaction.atomic
def assign_case(*, actor, case: DropoutCase, work_group: WorkGroup | None) -> DropoutCase:
    case = _locked(case)
    _active(case)
    if work_group is not None and not _serves(work_group, case.unit):
        raise CaseError(_("This work group does not serve the child's unit."))
    before = snapshot(case)
    case.work_group = work_group
    case.save(update_fields=["work_group", "updated_at"])
    _audit(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        before=before,
        after=snapshot(case),
        case=case,
    )
    return case


def _start(case: DropoutCase, *, actor) -> None:
    """The first visit or action moves an open case to in progress."""
    if case.status == CaseStatus.OPEN:
        before = snapshot(case)
        case.status = CaseStatus.IN_PROGRESS
        case.save(update_fields=["status", "updated_at"])
        _audit(
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
    actor,
    case: DropoutCase,
    visited_on: dt.date,
    visitors: str,
    findings: str = "",
    reasons: Iterable[str] = (),
    family_wishes: str = "",
) -> CaseVisit:
    """A household visit with what was found, the reasons and the family's wishes."""
    case = _locked(case)
    _active(case)
    _check_date(visited_on, case=case, what="visit")
    if not visitors.strip():
        raise CaseError(_("Say who made the visit."))
    reasons = sorted(set(reasons))
    unknown = [r for r in reasons if r not in Reason.values]
    if unknown:
        raise CaseError(_("Unknown reason(s): %(reasons)s") % {"reasons": ", ".join(unknown)})
    visit = CaseVisit.objects.create(
        case=case,
        visited_on=visited_on,
        visitors=visitors.strip(),
        findings=findings.strip(),
        family_wishes=family_wishes.strip(),
        recorded_by=_user_or_none(actor),
    )
    CaseVisitReason.objects.bulk_create([CaseVisitReason(visit=visit, reason=r) for r in reasons])
    _audit(
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
    *, actor, case: DropoutCase, kind: str, taken_on: dt.date | None = None, note: str = ""
) -> CaseAction:
    case = _locked(case)
    _active(case)
    if kind not in ActionKind.values:
        raise CaseError(_("Unknown action: %(kind)s") % {"kind": kind})
    taken_on = taken_on or _today()
    _check_date(taken_on, case=case, what="action")
    action = CaseAction.objects.create(
        case=case, kind=kind, taken_on=taken_on, note=note.strip(), recorded_by=_user_or_none(actor)
    )
    _audit(actor=actor, action=AuditAction.CREATE, obj=action, after=snapshot(action), case=case)
    _start(case, actor=actor)
    return action


@transaction.atomic
def link_action(*, actor, action: CaseAction, object_type: str, object_id: str) -> CaseAction:
    """Tie an action (e.g. an aid referral) to the record it led to, named by its type and id
    (e.g. "funds.scholarshipapplication", "17"), without this app depending on that one."""
    action = CaseAction.objects.select_for_update().select_related("case").get(pk=action.pk)
    if not object_type or not str(object_id):
        raise CaseError(_("A link needs the type and the id of the linked record."))
    before = snapshot(action)
    action.linked_object_type, action.linked_object_id = object_type, str(object_id)
    action.save(update_fields=["linked_object_type", "linked_object_id"])
    _audit(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=action,
        before=before,
        after=snapshot(action),
        case=action.case,
    )
    return action


def _record_return(*, actor, case: DropoutCase, school: School, level: str, grade: int | None):
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
    save_registry_record(actor=_user_or_none(actor), obj=enrolment, reason=f"case #{case.pk}")


@transaction.atomic
def close_case(
    *,
    actor,
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
    case = _locked(case)
    _active(case)
    if outcome not in OUTCOMES_BY_KIND[case.kind]:
        raise CaseError(
            _("A case of this kind cannot close as “%(outcome)s”.")
            % {"outcome": Outcome(outcome).label if outcome in Outcome.values else outcome}
        )
    if not case.visits.exists():
        raise CaseError(_("Record at least one household visit before closing the case."))
    closed_on = closed_on or _today()
    _check_date(closed_on, case=case, what="outcome")
    if outcome == Outcome.RETURNED_TO_SCHOOL:
        if school is None or not level:
            raise CaseError(_("Say which school and level the child returned to."))
        _record_return(actor=actor, case=case, school=school, level=level, grade=grade)
    before = snapshot(case)
    case.status, case.outcome, case.closed_on = CaseStatus.CLOSED, outcome, closed_on
    case.outcome_note = note.strip()
    case.save(update_fields=["status", "outcome", "closed_on", "outcome_note", "updated_at"])
    _audit(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        before=before,
        after=snapshot(case),
        case=case,
    )
    return case


@transaction.atomic
def reopen_case(*, actor, case: DropoutCase, reason: str) -> DropoutCase:
    """Reopen a closed case (the child left school again, the outcome was wrong...)."""
    case = _locked(case)
    if case.is_active:
        raise CaseError(_("Case #%(id)s is not closed.") % {"id": case.pk})
    if not reason.strip():
        raise CaseError(_("Say why the case is reopened."))
    if DropoutCase.objects.filter(
        person=case.person_id, school_year=case.school_year, status__in=ACTIVE_STATUSES
    ).exists():
        raise CaseError(_("The child has another open case this school year."))
    before = snapshot(case)
    case.status, case.outcome, case.closed_on = CaseStatus.IN_PROGRESS, "", None
    case.save(update_fields=["status", "outcome", "closed_on", "updated_at"])
    _audit_change(actor=actor, case=case, before=before, reason=reason.strip()[:200])
    return case


@transaction.atomic
def create_work_group(*, actor, unit: Unit, name: str) -> WorkGroup:
    name = name.strip()
    if not name:
        raise CaseError(_("A work group needs a name."))
    if WorkGroup.objects.filter(unit=unit, name=name).exists():
        raise CaseError(_("%(unit)s already has a work group of this name.") % {"unit": unit.name})
    group = WorkGroup.objects.create(unit=unit, name=name)
    record_audit_event(
        actor=_user_or_none(actor), action=AuditAction.CREATE, obj=group, after=snapshot(group)
    )
    return group


@transaction.atomic
def add_work_group_member(
    *,
    actor,
    work_group: WorkGroup,
    full_name: str,
    affiliation: str,
    organisation: str = "",
    user=None,
    is_lead: bool = False,
) -> WorkGroupMember:
    if not full_name.strip():
        raise CaseError(_("A member needs a name."))
    if affiliation not in Affiliation.values:
        raise CaseError(_("Unknown affiliation: %(value)s") % {"value": affiliation})
    member = WorkGroupMember.objects.create(
        work_group=work_group,
        full_name=full_name.strip(),
        affiliation=affiliation,
        organisation=organisation.strip(),
        user=user,
        is_lead=is_lead,
    )
    record_audit_event(
        actor=_user_or_none(actor), action=AuditAction.CREATE, obj=member, after=snapshot(member)
    )
    return member
