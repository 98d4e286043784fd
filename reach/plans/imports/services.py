"""A plan's task table: read → check → stage → preview → commit, all or nothing.

Staging reads the file, names every bad row by its line and resolves the organisations each
row names (known by name, code or alias; unknown ones listed). Committing creates the unknown
organisations in the plan's unit, then writes each section and task keyed by (section,
number): new ones created, changed ones updated, the same ones left untouched, so importing a
table twice changes nothing. Tasks of the plan that the file no longer lists are left as they
are (and counted)."""

import datetime as dt
import re
import unicodedata
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import AuditEvent, User
from reach.accounts.permissions import require
from reach.accounts.services import build_audit_event, record_audit_event, snapshot
from reach.common.errors import Conflict, DomainError
from reach.geo.choices import OrganisationKind
from reach.geo.models import Organisation
from reach.plans.choices import AssignmentRole, ImportStatus
from reach.plans.imports.table import Row, read_task_table
from reach.plans.models import Plan, PlanTask, PlanTaskImport, TaskAssignment
from reach.plans.organisations import is_generic, known_organisations, name_key, split_names
from reach.plans.permissions import can_manage_plan
from reach.registry.imports.reader import UnreadableFile

TASK_FIELDS = (
    "position", "content", "window_text", "starts_on", "ends_on", "window_understood",
    "lead_text", "co_text", "deliverable",
)  # fmt: skip


class ImportRejected(DomainError):
    """The table cannot be imported; its errors name the rows at fault."""


def _names(cell: str, keys: set[str]) -> list[str]:
    return [name for name in split_names(cell, keys) if not is_generic(name)]


@transaction.atomic
def stage_task_import(*, actor: User, plan: Plan, file: IO[bytes], filename: str) -> PlanTaskImport:
    """Check a task table against `plan` and keep what it would import (or why not). Raises
    UploadRefused for a file refused before reading."""
    require(can_manage_plan(actor, plan), _("Your role cannot import this plan's tasks."))
    batch = PlanTaskImport(
        plan=plan, filename=filename[:200], created_by=actor if actor.pk else None
    )
    try:
        table = read_task_table(file, filename, year=plan.year)
    except UnreadableFile as error:
        batch.status, batch.errors = (
            ImportStatus.REJECTED,
            [{"line": 0, "column": "", "reason": str(error)}],
        )
        batch.save()
        return batch
    known = known_organisations()
    keys = set(known)
    unknown: dict[str, str] = {}
    rows = []
    for row in table.rows:
        values = row.__dict__.copy()
        for role in ("lead", "co"):
            names = _names(getattr(row, role), keys)
            values[f"{role}_names"] = names
            for name in names:
                if name_key(name) not in known:
                    unknown.setdefault(name_key(name), name)
        rows.append(values)
    batch.rows = rows
    batch.errors = table.errors
    batch.new_organisations = sorted(unknown.values(), key=str.casefold)
    batch.status = ImportStatus.REJECTED if table.errors else ImportStatus.STAGED
    batch.summary = _preview(plan, table.rows)
    batch.save()
    return batch


def _preview(plan: Plan, rows: list[Row]) -> dict[str, int]:
    existing = {(t.section, t.number): t for t in plan.tasks.all()}
    sections = sum(1 for r in rows if r.is_section)
    new = sum(1 for r in rows if (r.section, r.number) not in existing)
    listed = {(r.section, r.number) for r in rows}
    return {
        "sections": sections,
        "tasks": len(rows) - sections,
        "new": new,
        "known": len(rows) - new,
        "not_in_file": sum(1 for key in existing if key not in listed),
        "window_not_understood": sum(1 for r in rows if not r.window_understood),
        "no_lead": sum(1 for r in rows if not r.is_section and not r.lead),
    }


def _organisation_code(name: str, taken: set[str]) -> str:
    text = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    ascii_name = re.sub(r"[^A-Za-z0-9]+", "-", text.encode("ascii", "ignore").decode()).strip("-")
    base = ("ORG-" + ascii_name.upper())[:26].rstrip("-")
    code, suffix = base, 1
    while code in taken:
        suffix += 1
        code = f"{base}-{suffix}"
    taken.add(code)
    return code


def _create_organisations(
    actor: User, plan: Plan, names: list[str], known: dict[str, Organisation]
) -> int:
    taken = set(Organisation.objects.values_list("code", flat=True))
    created = 0
    for name in names:
        if name_key(name) in known:
            continue  # created since the table was checked
        organisation = Organisation.objects.create(
            code=_organisation_code(name, taken),
            name=name[:200],
            kind=OrganisationKind.OTHER,
            unit=plan.unit,
        )
        record_audit_event(
            actor=actor,
            action=AuditAction.CREATE,
            obj=organisation,
            after=snapshot(organisation),
            reason=_("named in the task table of plan %(code)s") % {"code": plan.code},
        )
        known[name_key(name)] = organisation
        created += 1
    return created


def _task_values(row: dict, position: int) -> dict:
    return {
        "position": position,
        "content": row["content"],
        "window_text": row["window_text"][:200],
        "starts_on": dt.date.fromisoformat(row["starts_on"]) if row["starts_on"] else None,
        "ends_on": dt.date.fromisoformat(row["ends_on"]) if row["ends_on"] else None,
        "window_understood": row["window_understood"],
        "lead_text": row["lead"][:500],
        "co_text": row["co"][:500],
        "deliverable": row["deliverable"],
    }


def _assignments(row: dict, known: dict[str, Organisation]) -> list[tuple[int, str]]:
    wanted: list[tuple[int, str]] = []
    for role, key in (
        (AssignmentRole.LEAD, "lead_names"),
        (AssignmentRole.CO_OPERATING, "co_names"),
    ):
        for name in row[key]:
            pair = (known[name_key(name)].pk, str(role))
            if pair not in wanted:
                wanted.append(pair)
    return wanted


@transaction.atomic
def commit_task_import(*, actor: User, batch: PlanTaskImport) -> PlanTaskImport:
    """Write a staged table into its plan, all or nothing; refuses a rejected or committed one."""
    batch = PlanTaskImport.objects.select_for_update().select_related("plan__unit").get(pk=batch.pk)
    plan = batch.plan
    require(can_manage_plan(actor, plan), _("Your role cannot import this plan's tasks."))
    if batch.status == ImportStatus.COMMITTED:
        raise Conflict(_("This table was imported already."))
    if batch.status == ImportStatus.REJECTED or batch.errors:
        raise ImportRejected(
            _("%(count)s errors: nothing was imported") % {"count": len(batch.errors)}
        )
    known = known_organisations()
    organisations_created = _create_organisations(actor, plan, batch.new_organisations, known)
    existing = {(t.section, t.number): t for t in plan.tasks.prefetch_related("assignments").all()}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    events: list[AuditEvent] = []
    for position, row in enumerate(batch.rows, start=1):
        values = _task_values(row, position)
        wanted = _assignments(row, known)
        task = existing.get((row["section"], row["number"]))
        if task is None:
            task = PlanTask.objects.create(
                plan=plan, section=row["section"], number=row["number"], **values
            )
            before = None
            counts["created"] += 1
        else:
            had = [(a.organisation_id, a.role) for a in task.assignments.all()]
            changed = {k: v for k, v in values.items() if getattr(task, k) != v}
            if not changed and sorted(had) == sorted(wanted):
                counts["unchanged"] += 1
                continue
            before = {**{k: _plain(getattr(task, k)) for k in changed}, "organisations": had}
            for key, value in changed.items():
                setattr(task, key, value)
            if changed:
                task.save(update_fields=list(changed))
            task.assignments.all().delete()
            counts["updated"] += 1
        TaskAssignment.objects.bulk_create(
            TaskAssignment(task=task, organisation_id=org, role=role, position=i)
            for i, (org, role) in enumerate(wanted)
        )
        after = {**snapshot(task), "organisations": wanted}
        events.append(
            build_audit_event(
                actor=actor,
                action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
                obj=task,
                before=before,
                after=after,
                reason=_("task table %(file)s") % {"file": batch.filename},
            )
        )
    AuditEvent.objects.bulk_create(events)
    batch.status = ImportStatus.COMMITTED
    batch.summary = {**batch.summary, **counts, "organisations_created": organisations_created}
    batch.save(update_fields=["status", "summary"])
    return batch


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value
