"""Writes of the register cross-check: stage an uploaded school register (all or nothing), then
compare it with the registry in one set-based pass and open cases for the suspected dropouts."""

import datetime as dt
from typing import IO

from django.db import connection, transaction
from django.db.models import (
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.scoping import restrict, under_paths
from reach.accounts.services import record_audit_event, snapshot
from reach.casework.choices import CaseKind
from reach.casework.permissions import can_open_cases_from_lists
from reach.casework.services import open_cases_for_persons
from reach.common.errors import Conflict, DomainError
from reach.common.schoolyear import school_year_of
from reach.crosscheck.choices import FindingKind, Mismatch, RunStatus
from reach.crosscheck.models import CrosscheckRun, Finding, RegisterRow
from reach.crosscheck.permissions import can_crosscheck
from reach.crosscheck.register import read_register
from reach.crosscheck.rules import rules, school_ages
from reach.geo.models import Unit
from reach.indicators.deprivation import in_ages
from reach.indicators.parameters import indicator_parameters
from reach.registry.models import Enrolment, HouseholdYearStatus, Person

BATCH = 5000


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


@transaction.atomic
def stage_register(
    *, actor: User, unit: Unit, month: dt.date, file: IO[bytes], filename: str
) -> CrosscheckRun:
    """Read and check the register `file` and stage its rows on a new run of `unit` and
    `month`. Raises RegisterRejected (every bad row; nothing is stored) or UploadRefused."""
    require(can_crosscheck(actor, unit), _("Your role cannot run register cross-checks here."))
    month = first_of_month(month)
    if month > timezone.localdate():
        raise DomainError(_("The month of a cross-check cannot be in the future."))
    lines = read_register(file, filename, today=timezone.localdate())
    run = CrosscheckRun.objects.create(
        unit=unit,
        month=month,
        school_year=school_year_of(month),
        filename=filename[:255],
        created_by=actor if actor.pk else None,
        register_rows=len(lines),
    )
    RegisterRow.objects.bulk_create(
        (
            RegisterRow(
                run=run,
                line=line.line,
                national_id=line.national_id,
                full_name=line.full_name,
                birth_date=line.birth_date,
                school_code=line.school_code,
                school_id=line.school_id,
                grade=line.grade,
                status=line.status,
            )
            for line in lines
        ),
        batch_size=BATCH,
    )
    record_audit_event(actor=actor, action=AuditAction.CREATE, obj=run, after=snapshot(run))
    return run


def _match(run: CrosscheckRun, persons: QuerySet[Person]) -> None:
    """Tie each register row to the registry's person: by national ID anywhere, else (a row
    without ID or whose ID is unknown) by full name and birth date among the unit's persons
    without an ID. Two statements, whatever the size of the register."""
    rows = RegisterRow.objects.filter(run=run)
    by_id = Person.objects.filter(national_id=OuterRef("national_id")).values("pk")[:1]
    rows.exclude(national_id="").update(person=Subquery(by_id))
    by_name = (
        persons.filter(
            Q(national_id__isnull=True) | Q(national_id=""),
            full_name=OuterRef("full_name"),
            birth_date=OuterRef("birth_date"),
        )
        .order_by("pk")
        .values("pk")[:1]
    )
    rows.filter(person__isnull=True).update(person=Subquery(by_name))


def _insert(run: CrosscheckRun, kind: str, select: QuerySet[Person], mismatch: Value) -> int:
    """INSERT ... SELECT the findings of one list (`select`: persons with their columns)."""
    status = HouseholdYearStatus.objects.filter(
        household=OuterRef("household"), year=run.school_year
    ).values("status")[:1]
    select = select.order_by().annotate(
        f_run=Value(run.pk, output_field=IntegerField()),
        f_kind=Value(kind, output_field=CharField()),
        f_person=F("pk"),
        f_household=F("household_id"),
        f_household_status=Coalesce(Subquery(status), Value(""), output_field=CharField()),
        f_mismatch=mismatch,
        f_poor=Exists(
            HouseholdYearStatus.objects.filter(
                household=OuterRef("household"),
                year=run.school_year,
                status__in=rules().poor_statuses,
            )
        ),
    )
    register_row = RegisterRow.objects.filter(run=run, person=OuterRef("pk")).order_by("line")
    select = select.annotate(
        f_register_row=Subquery(register_row.values("pk")[:1], output_field=IntegerField())
    )
    names = (
        "run",
        "kind",
        "person",
        "household",
        "household_status",
        "mismatch",
        "register_row",
        "poor",
    )
    quote = connection.ops.quote_name
    columns = ", ".join(quote(Finding._meta.get_field(name).column) for name in names)
    sources = ", ".join(f"src.{quote('f_' + name)}" for name in names)
    sql, params = select.values(*(f"f_{name}" for name in names)).query.sql_with_params()
    with connection.cursor() as cursor:
        # Only quoted model names are interpolated; every value travels in `params`.
        cursor.execute(
            f"INSERT INTO {quote(Finding._meta.db_table)} ({columns}) "  # noqa: S608
            f"SELECT {sources} FROM ({sql}) src",
            params,
        )
        return max(cursor.rowcount, 0)


def compare_persons(run: CrosscheckRun) -> QuerySet[Person]:
    """The registry's persons a run compares: those of households under its unit."""
    return Person.objects.filter(under_paths("household__unit__path", (run.unit.path,)))


def compare(run: CrosscheckRun) -> dict[str, int]:
    """The set-based pass (no permission check: `compare_register` is the service). Matches the
    rows, writes the three lists as findings and the run's counts; one statement per list."""
    year = run.school_year
    persons = compare_persons(run)
    _match(run, persons)
    rows = RegisterRow.objects.filter(run=run)
    on_register = rows.filter(person=OuterRef("pk"))
    enrolments = Enrolment.objects.filter(person=OuterRef("pk"), school_year=year)
    attending = Exists(enrolments.filter(status__in=rules().attending_statuses))
    enrolled = Exists(enrolments.filter(status="enrolled"))
    band = school_ages()
    school_age = persons.filter(in_ages(band, indicator_parameters(), year))
    empty = Value("", output_field=CharField())

    not_in_register = _insert(
        run, FindingKind.NOT_IN_REGISTER, school_age.filter(~Exists(on_register)), empty
    )
    registered_in = Exists(on_register.filter(status="enrolled"))
    registered_out = Exists(on_register.filter(status="dropped_out"))
    not_attending = _insert(
        run,
        FindingKind.NOT_ATTENDING,
        persons.filter(registered_in & ~attending),
        Value(Mismatch.REGISTERED_NOT_ATTENDING.value, output_field=CharField()),
    )
    not_attending += _insert(
        run,
        FindingKind.NOT_ATTENDING,
        persons.filter(registered_out & enrolled & ~registered_in),
        Value(Mismatch.ATTENDING_REGISTERED_OUT.value, output_field=CharField()),
    )
    dropped = Exists(enrolments.filter(status="dropped_out"))
    dropouts = _insert(
        run, FindingKind.DROPOUT, persons.filter((dropped | registered_out) & ~enrolled), empty
    )
    findings = Finding.objects.filter(run=run)
    counts = {
        "matched": rows.filter(person__isnull=False).count(),
        "outside_unit": rows.filter(person__isnull=False)
        .exclude(person__in=persons.values("pk"))
        .count(),
        "school_age": school_age.count(),
        "not_in_register": not_in_register,
        "not_attending": not_attending,
        "suspected": not_in_register + not_attending,
        "dropouts": dropouts,
        "poor_dropouts": findings.filter(kind=FindingKind.DROPOUT, poor=True).count(),
    }
    return counts


@transaction.atomic
def compare_register(*, actor: User, run: CrosscheckRun, open_cases: bool = True) -> CrosscheckRun:
    """Compare the staged register of `run` with the registry (the lists of four checks, three
    comparisons), keep the counts of its ledgers and open a case for each suspected dropout the
    actor may change who has none yet this school year (never twice for a child)."""
    run = CrosscheckRun.objects.select_for_update().select_related("unit").get(pk=run.pk)
    require(can_crosscheck(actor, run.unit), _("Your role cannot run register cross-checks here."))
    if run.status != RunStatus.STAGED:
        raise Conflict(_("This register has already been compared."))
    before = snapshot(run)
    for name, value in compare(run).items():
        setattr(run, name, value)
    if open_cases and can_open_cases_from_lists(actor, run.unit):
        suspected = Finding.objects.filter(run=run)
        visible = restrict(Person.objects.all(), actor)
        for kind, case_kind in (
            (FindingKind.NOT_IN_REGISTER, CaseKind.OUT_OF_SCHOOL),
            (FindingKind.NOT_ATTENDING, CaseKind.DROPPED_OUT),
        ):
            run.cases_opened += open_cases_for_persons(
                actor=actor,
                school_year=run.school_year,
                kind=case_kind,
                persons=visible.filter(pk__in=suspected.filter(kind=kind).values("person_id")),
                reason="opened from a register cross-check",
            )
    run.status = RunStatus.COMPARED
    run.compared_at = timezone.now()
    run.save()
    record_audit_event(
        actor=actor, action=AuditAction.UPDATE, obj=run, before=before, after=snapshot(run)
    )
    return run


__all__ = ["compare_register", "stage_register"]
