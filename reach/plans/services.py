"""Writes of plans: a plan with its legal bases, its targets, a task's progress with
evidence, the merging of an organisation a task table named twice. The task table's import is
in `imports/services.py`. Each write checks its permission, owns its transaction and writes the
audit event."""

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.services import record_audit_event, snapshot
from reach.common.errors import Conflict, DomainError
from reach.common.uploads import MB, UploadRefused, upload_limits
from reach.geo.models import Organisation, Unit
from reach.indicators.parameters import indicator_parameters
from reach.plans.choices import TargetDirection, TaskStatus
from reach.plans.figures import (
    figure_conditions,
    figure_definitions,
    moved_since,
    school_year_day,
)
from reach.plans.models import (
    FigureCount,
    FigureRefresh,
    OrganisationAlias,
    Plan,
    PlanBasis,
    PlanTask,
    Target,
    TaskUpdate,
)
from reach.plans.organisations import known_organisations, name_key
from reach.plans.permissions import can_manage_plan, can_merge_organisations, can_update_task
from reach.registry.models import Enrolment, HouseholdPastUnit, Person

EVIDENCE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".odt", ".ods", ".txt")


class PlanError(DomainError):
    """A plan rule forbids the change; the message says why (HTTP 422)."""


@dataclass(frozen=True)
class Basis:
    """A căn cứ as given: a plan of Reach, or a document's citation."""

    plan: Plan | None = None
    document: str = ""


@transaction.atomic
def create_plan(
    *,
    actor: User,
    code: str,
    title: str,
    unit: Unit,
    number: str = "",
    organisation: Organisation | None = None,
    issued_on: dt.date | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    objectives: str = "",
    implements: Plan | None = None,
    bases: list[Basis] | None = None,
) -> Plan:
    require(can_manage_plan(actor, unit), _("Your role cannot issue plans in this unit."))
    if organisation is not None and organisation.unit_id != unit.pk:
        raise PlanError(_("The issuing organisation belongs to another unit."))
    if starts_on and ends_on and starts_on > ends_on:
        raise PlanError(_("The period ends before it starts."))
    if implements is not None and implements.pk is None:
        raise PlanError(_("The plan it implements is not saved."))
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                code=code.strip(),
                number=number.strip(),
                title=title.strip(),
                unit=unit,
                organisation=organisation,
                issued_on=issued_on,
                starts_on=starts_on,
                ends_on=ends_on,
                objectives=objectives,
                implements=implements,
            )
    except IntegrityError:
        raise Conflict(_("A plan with the code %(code)s exists.") % {"code": code}) from None
    after = snapshot(plan)
    for position, basis in enumerate(bases or []):
        if basis.plan is None and not basis.document.strip():
            continue
        PlanBasis.objects.create(
            plan=plan, position=position, cited_plan=basis.plan, document=basis.document.strip()
        )
    after["bases"] = [str(b) for b in plan.bases.all()]
    record_audit_event(actor=actor, action=AuditAction.CREATE, obj=plan, after=after)
    return plan


def _check_evidence(evidence: UploadedFile) -> None:
    limit = upload_limits().size
    name = evidence.name or ""
    if not name.lower().endswith(EVIDENCE_SUFFIXES):
        raise UploadRefused(
            _("Evidence must be one of %(kinds)s, not %(name)s.")
            % {"kinds": ", ".join(EVIDENCE_SUFFIXES), "name": name},
            limit="type",
        )
    if (evidence.size or 0) > limit:
        raise UploadRefused(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round((evidence.size or 0) / MB, 1), "limit": round(limit / MB, 1)},
            limit="size",
            status=413,
        )


@transaction.atomic
def record_task_update(
    *,
    actor: User,
    task: PlanTask,
    status: str,
    note: str = "",
    evidence: UploadedFile | None = None,
) -> TaskUpdate:
    """Report progress on `task`: its status from now on, what was done, and a file showing it
    (within the upload size limit)."""
    require(can_update_task(actor, task), _("Your role cannot report on this task."))
    if status not in TaskStatus.values:
        raise PlanError(_("Unknown status %(status)s.") % {"status": status})
    if not note.strip() and evidence is None and status == task.status:
        raise PlanError(_("Say what was done, attach evidence or change the status."))
    if evidence is not None:
        _check_evidence(evidence)
    task = PlanTask.objects.select_for_update().get(pk=task.pk)
    before = {"status": task.status}
    recorder = actor if actor.pk else None
    update = TaskUpdate(task=task, status=status, note=note.strip(), recorded_by=recorder)
    if evidence is not None:
        update.evidence_name = PurePath(evidence.name or "evidence").name[:200]
        update.evidence.save(update.evidence_name, evidence, save=False)
    update.save()
    if task.status != status:
        task.status = status
        task.save(update_fields=["status"])
    record_audit_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=task,
        before=before,
        after={"status": status, "update": update.pk, "evidence": update.evidence_name},
    )
    return update


def _check_target(
    plan: Plan,
    *,
    indicator: str,
    value: Decimal,
    unit: Unit,
    direction: str,
    school_year: int | None,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    baseline_value: Decimal | None,
    task: PlanTask | None,
) -> None:
    """The rules a target of `plan` keeps, whether set or changed."""
    if indicator not in figure_definitions().figures:
        raise PlanError(_("Unknown indicator %(code)s.") % {"code": indicator})
    if unit.pk != plan.unit_id and not unit.path.startswith(plan.unit.path + "."):
        raise PlanError(_("A target's unit is the plan's unit or one under it."))
    if direction not in TargetDirection.values:
        raise PlanError(_("Unknown direction %(direction)s.") % {"direction": direction})
    for number in (value, baseline_value):
        if number is not None and not 0 <= number <= 100:
            raise PlanError(_("A target and its baseline are percentages (0 to 100)."))
    if (school_year is None) == (starts_on is None or ends_on is None) or (
        school_year is not None and (starts_on or ends_on)
    ):
        raise PlanError(_("Give the target a school year, or a period from and to, not both."))
    if starts_on and ends_on and starts_on > ends_on:
        raise PlanError(_("The period ends before it starts."))
    if task is not None and task.plan_id != plan.pk:
        raise PlanError(_("The task belongs to another plan."))


@transaction.atomic
def create_target(
    *,
    actor: User,
    plan: Plan,
    indicator: str,
    value: Decimal,
    unit: Unit,
    direction: str = TargetDirection.AT_LEAST,
    school_year: int | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    baseline_value: Decimal | None = None,
    baseline_year: int | None = None,
    task: PlanTask | None = None,
    wording: str = "",
) -> Target:
    """Set a target of `plan` over `unit` (the plan's unit or one below it): a figure of
    `data/figures.yaml`, a value in percent and a direction, for a school year or a date
    range. Its actual is computed, never given."""
    require(can_manage_plan(actor, plan), _("Your role cannot set this plan's targets."))
    _check_target(
        plan,
        indicator=indicator,
        value=value,
        unit=unit,
        direction=direction,
        school_year=school_year,
        starts_on=starts_on,
        ends_on=ends_on,
        baseline_value=baseline_value,
        task=task,
    )
    target = Target.objects.create(
        plan=plan,
        task=task,
        indicator=indicator,
        value=value,
        direction=direction,
        unit=unit,
        school_year=school_year,
        starts_on=starts_on,
        ends_on=ends_on,
        baseline_value=baseline_value,
        baseline_year=baseline_year,
        wording=wording.strip(),
        position=plan.targets.count(),
    )
    record_audit_event(actor=actor, action=AuditAction.CREATE, obj=target, after=snapshot(target))
    return target


@dataclass(frozen=True)
class Merged:
    """What merging an organisation into another moved: rows per kind of record, and the rows
    the kept organisation already had (the same task lead, the same membership), dropped."""

    moved: dict[str, int]
    already_held: dict[str, int]


@transaction.atomic
def merge_organisation(*, actor: User, duplicate: Organisation, into: Organisation) -> Merged:
    """Merge `duplicate` into `into`: every record that names the duplicate (task assignments,
    memberships, funds, aliases, whatever app holds it) names `into` instead, the duplicate's
    name and code become aliases of `into` so the next task table finds it, and the duplicate
    is deleted. A record `into` already holds in the same place is dropped rather than doubled.
    Audited on both."""
    require(
        can_merge_organisations(actor, duplicate, into),
        _("Your role cannot merge these organisations."),
    )
    if duplicate.pk == into.pk:
        raise PlanError(_("An organisation cannot be merged into itself."))
    before = snapshot(duplicate)
    moved: dict[str, int] = {}
    held: dict[str, int] = {}
    for relation in Organisation._meta.related_objects:
        if relation.many_to_many or not relation.field.concrete:
            continue  # a many-to-many through a model is moved with that model
        model, name = relation.related_model, relation.field.name
        label = str(model._meta.verbose_name_plural)
        for row in model._default_manager.filter(**{name: duplicate}):
            try:
                with transaction.atomic():
                    model._default_manager.filter(pk=row.pk).update(**{name: into})
                moved[label] = moved.get(label, 0) + 1
            except IntegrityError:
                row.delete()
                held[label] = held.get(label, 0) + 1
    for text in (duplicate.name, duplicate.code):
        key = name_key(text)
        if key and key not in known_organisations(Organisation.objects.filter(pk=into.pk)):
            OrganisationAlias.objects.get_or_create(
                key=key, defaults={"organisation": into, "name": text}
            )
    record_audit_event(
        actor=actor,
        action=AuditAction.DELETE,
        obj=duplicate,
        before=before,
        reason=_("merged into %(name)s") % {"name": into.name},
    )
    record_audit_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=into,
        reason=_("%(name)s merged into it") % {"name": duplicate.name},
    )
    duplicate.delete()
    return Merged(moved=moved, already_held=held)


TARGET_FIELDS = (
    "indicator",
    "value",
    "direction",
    "unit",
    "school_year",
    "starts_on",
    "ends_on",
    "baseline_value",
    "baseline_year",
    "task",
    "wording",
)


@transaction.atomic
def change_target(*, actor: User, target: Target, reason: str, **changes: object) -> Target:
    """Change what `target` aims at (any of `TARGET_FIELDS`), by the rules of `create_target`.
    A plan's target changes by a decision, so the reason is required and kept in the audit
    trail with the values before and after; its actual is computed, never given."""
    require(can_manage_plan(actor, target.plan), _("Your role cannot set this plan's targets."))
    unknown = set(changes) - set(TARGET_FIELDS)
    if unknown:
        raise PlanError(
            _("A target has no field %(field)s.") % {"field": ", ".join(sorted(unknown))}
        )
    if not reason.strip():
        raise PlanError(_("Say why the target changes."))
    before = snapshot(target)
    for name, value in changes.items():
        setattr(
            target, name, value.strip() if isinstance(value, str) and name == "wording" else value
        )
    _check_target(
        target.plan,
        indicator=target.indicator,
        value=Decimal(target.value),
        unit=target.unit,
        direction=target.direction,
        school_year=target.school_year,
        starts_on=target.starts_on,
        ends_on=target.ends_on,
        baseline_value=target.baseline_value,
        task=target.task,
    )
    target.save()
    target.refresh_from_db()  # the values as stored (95 as 95.0), for the audit trail
    record_audit_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=target,
        before=before,
        after=snapshot(target),
        reason=reason.strip(),
    )
    return target


@dataclass(frozen=True)
class Refreshed:
    figure: str
    school_year: int
    units: int  # rows kept: the units with anyone in the figure's denominator
    seconds: float


def recorded_school_years() -> list[int]:
    """The school years the registry holds an enrolment of: those `refresh_figures` counts."""
    years = Enrolment.objects.order_by().values_list("school_year", flat=True).distinct()
    return sorted(years)


def _by_unit_then(numerator: Q, denominator: Q, school_year: int) -> QuerySet[Any, Any]:
    """Persons grouped by their household's unit in `school_year` (the unit a reorganisation
    moved it from, if one did since: as `figures._placed`), with the figure's counts; the units
    with nobody in the denominator are left out."""
    day = school_year_day(school_year)
    then: Any = F("household__unit_id")
    if moved_since(day):
        past = HouseholdPastUnit.objects.filter(
            household=OuterRef("household_id"), valid_to__gte=day
        )
        then = Coalesce(
            Subquery(past.order_by("valid_to").values("unit_id")[:1]),
            then,
            output_field=BigIntegerField(),
        )
    return (
        Person.objects.annotate(unit_then=then)
        .values("unit_then")
        .annotate(n=Count("pk", filter=numerator), d=Count("pk", filter=denominator))
        .filter(d__gt=0)
        .order_by()
    )


def _refresh_one(code: str, school_year: int, grouped: QuerySet[Any, Any]) -> Refreshed:
    """Replace the counts of one figure and year by one INSERT ... SELECT, in one transaction:
    a reader sees the old counts or the new, never a mix."""
    computed_at, started = timezone.now(), time.perf_counter()
    select, params = grouped.query.sql_with_params()
    table = connection.ops.quote_name(FigureCount._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        FigureCount.objects.filter(figure=code, school_year=school_year).delete()
        cursor.execute(
            f"INSERT INTO {table} (figure, school_year, unit_id, numerator, denominator) "  # noqa: S608
            f"SELECT %s, %s, grouped.unit_then, grouped.n, grouped.d FROM ({select}) grouped",
            [code, school_year, *params],
        )
        units = cursor.rowcount
        seconds = time.perf_counter() - started
        FigureRefresh.objects.update_or_create(
            figure=code,
            school_year=school_year,
            defaults={"computed_at": computed_at, "seconds": seconds},
        )
    return Refreshed(code, school_year, units, seconds)


def refresh_figures(
    *, school_years: Iterable[int] | None = None, codes: Iterable[str] | None = None
) -> list[Refreshed]:
    """Count every available figure (or those of `codes`) in each school year (default: those
    with an enrolment) per unit into `FigureCount`, one INSERT ... SELECT per figure and year,
    each stamped in `FigureRefresh` with when it was computed. Counts derived from the records,
    replaced whole: running it twice leaves the same rows. Figures no longer defined lose
    theirs."""
    definitions = figure_definitions()
    chosen = [d for d in definitions.figures.values() if d.available]
    if codes is not None:
        wanted = set(codes)
        unknown = wanted - {d.code for d in chosen}
        if unknown:
            raise PlanError(
                _("No available figure %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
            )
        chosen = [d for d in chosen if d.code in wanted]
    else:
        kept = [d.code for d in chosen] + [FigureCount.RECORDS]
        FigureCount.objects.exclude(figure__in=kept).delete()
        FigureRefresh.objects.exclude(figure__in=kept).delete()
    years = recorded_school_years() if school_years is None else sorted(set(school_years))
    params = indicator_parameters()
    done = []
    for year in years:
        enrolled = Q(Exists(Enrolment.objects.filter(person=OuterRef("pk"), school_year=year)))
        done.append(
            _refresh_one(FigureCount.RECORDS, year, _by_unit_then(enrolled, enrolled, year))
        )
        for definition in chosen:
            numerator, denominator = figure_conditions(definition, year, params)
            grouped = _by_unit_then(numerator, denominator, year)
            done.append(_refresh_one(definition.code, year, grouped))
    return done
