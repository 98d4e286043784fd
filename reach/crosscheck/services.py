"""Writes of the register cross-check: stage an uploaded school register (all or nothing), then
compare it with the registry in one set-based pass and open cases for the suspected dropouts."""

import datetime as dt
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.scoping import restrict
from reach.accounts.services import record_audit_event, snapshot
from reach.casework.choices import CaseKind
from reach.casework.permissions import can_open_cases_from_lists
from reach.casework.services import open_cases_for_persons
from reach.common.errors import Conflict, DomainError
from reach.common.schoolyear import school_year_of
from reach.crosscheck.choices import FindingKind, RunStatus
from reach.crosscheck.compare import run_comparison
from reach.crosscheck.models import CrosscheckRun, Finding, RegisterRow
from reach.crosscheck.permissions import can_crosscheck
from reach.crosscheck.register import read_register
from reach.geo.models import Unit
from reach.registry.models import Person

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
    for name, value in run_comparison(run).items():
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
