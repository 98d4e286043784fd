"""Opening cases from the out-of-school, dropped-out and at-risk lists, set-based."""

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    CharField,
    DateField,
    DateTimeField,
    F,
    Field,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import AuditEvent, User
from reach.accounts.permissions import require
from reach.accounts.scoping import is_administrator
from reach.accounts.services import build_audit_event, snapshot
from reach.casework.choices import CaseKind, CaseSource, CaseStatus
from reach.casework.models import DropoutCase, WorkGroup
from reach.casework.permissions import (
    can_open_cases_from_lists,
    children_whose_cases_user_may_change,
)
from reach.casework.services._common import check_date, today, user_or_none
from reach.geo.models import Unit
from reach.indicators import selectors as lists
from reach.registry.models import Enrolment, Person


def _constant(value: object, field: Field) -> Value | Cast:
    """A constant column; a typed NULL, which PostgreSQL needs to insert it, for None."""
    return (
        Cast(Value(None), output_field=field) if value is None else Value(value, output_field=field)
    )


def _candidates(kind: str, *, reader: User, school_year: int, unit: Unit | None) -> QuerySet:
    """The rows of one list without a case this school year whose cases `reader` may change,
    with the columns of a new case."""
    taken = DropoutCase.objects.filter(school_year=school_year).values("person_id")
    rows: QuerySet[Enrolment] | QuerySet[Person]
    score: F | Value | Cast
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
    if not is_administrator(reader):
        editable = children_whose_cases_user_may_change(reader).values("pk")
        rows = rows.filter(**{f"{person}__in": editable})
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
    actor: User,
    school_year: int,
    unit: Unit | None = None,
    kinds: Iterable[str] = tuple(CaseKind.values),
    opened_on: dt.date | None = None,
) -> dict[str, int]:
    """Open a case for every child of the lists (out of school, dropped out, at risk) whom the
    actor may see under `unit`, whose cases the actor may change and who has no case yet that
    school year: one INSERT ... SELECT per list, then one audit event per new case. Running it
    again opens nothing new. A case goes to the first work group of the child's unit, if there
    is one."""
    require(can_open_cases_from_lists(actor, unit), _("Your role cannot open cases."))
    opened_on = opened_on or today()
    check_date(opened_on, what="opening")
    stamp = timezone.now()
    counts = {}
    for kind in kinds:
        select = _candidates(kind, reader=actor, school_year=school_year, unit=unit)
        counts[kind] = _insert_cases(
            select,
            actor=actor,
            school_year=school_year,
            kind=kind,
            opened_on=opened_on,
            stamp=stamp,
        )
    _audit_new_cases(
        actor=actor, school_year=school_year, stamp=stamp, reason="opened from the lists"
    )
    return counts


def _insert_cases(
    select: QuerySet,
    *,
    actor: User,
    school_year: int,
    kind: str,
    opened_on: dt.date,
    stamp: dt.datetime,
) -> int:
    """INSERT ... SELECT the new cases of `select` (annotated with the `case_` columns of a
    person's case); the number inserted."""
    quote = connection.ops.quote_name
    # Every concrete field has a column; the `is not None` only tells mypy so.
    columns = {
        field.name: field.column
        for field in DropoutCase._meta.concrete_fields
        if field.column is not None
    }
    targets = ", ".join(quote(columns[name]) for name in CASE_COLUMNS)
    sources = ", ".join(f"src.{quote('case_' + name)}" for name in CASE_COLUMNS)
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
    select = select.annotate(**constants).values(*(f"case_{name}" for name in CASE_COLUMNS))
    sql, params = select.query.sql_with_params()
    with connection.cursor() as cursor:
        # Only quoted model names are interpolated; every value travels in `params`.
        cursor.execute(
            f"INSERT INTO {quote(DropoutCase._meta.db_table)} ({targets}) "  # noqa: S608
            f"SELECT {sources} FROM ({sql}) src",
            params,
        )
        return max(cursor.rowcount, 0)


def _audit_new_cases(*, actor: User, school_year: int, stamp: dt.datetime, reason: str) -> None:
    new_cases = DropoutCase.objects.filter(
        school_year=school_year, source=CaseSource.LIST, created_at=stamp
    )
    user = user_or_none(actor)
    AuditEvent.objects.bulk_create(
        [
            build_audit_event(
                actor=user,
                action=AuditAction.CREATE,
                obj=case,
                after=snapshot(case),
                household_id=case.household_id,
                reason=reason,
            )
            for case in new_cases.iterator(chunk_size=2000)
        ],
        batch_size=1000,
    )


@transaction.atomic
def open_cases_for_persons(
    *,
    actor: User,
    school_year: int,
    kind: str,
    persons: QuerySet[Person],
    reason: str,
    opened_on: dt.date | None = None,
) -> int:
    """Open a case of `kind` for every child of `persons` (a list another app found, e.g. a
    register cross-check's suspected dropouts) whom the actor may change cases of and who has
    no case yet that school year: one INSERT ... SELECT, one audit event per new case (with
    `reason`). Running it again opens nothing new."""
    require(can_open_cases_from_lists(actor, None), _("Your role cannot open cases."))
    opened_on = opened_on or today()
    check_date(opened_on, what="opening")
    stamp = timezone.now()
    taken = DropoutCase.objects.filter(school_year=school_year).values("person_id")
    rows = persons.exclude(pk__in=taken)
    if not is_administrator(actor):
        rows = rows.filter(pk__in=children_whose_cases_user_may_change(actor).values("pk"))
    group = WorkGroup.objects.filter(unit=OuterRef("household__unit")).order_by("pk")
    select = rows.order_by().annotate(
        case_person=F("pk"),
        case_household=F("household_id"),
        case_unit=F("household__unit_id"),
        case_work_group=Subquery(group.values("pk")[:1], output_field=BigIntegerField()),
        case_risk_score=_constant(None, IntegerField()),
    )
    count = _insert_cases(
        select, actor=actor, school_year=school_year, kind=kind, opened_on=opened_on, stamp=stamp
    )
    _audit_new_cases(actor=actor, school_year=school_year, stamp=stamp, reason=reason)
    return count
