"""Loading policy files and reference tables into the database, versioned and audited.

A file is validated whole before anything is written; a policy whose content is unchanged
keeps its current version, a changed one gets version N+1 with its benefits, in one
transaction, with an audit event.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.services import record_audit_event
from reach.policy.amounts import TableInfo
from reach.policy.loader import (
    PolicyDocument,
    PolicyFileError,
    file_kind,
    parse_policy,
    read_yaml,
    read_yaml_text,
    yaml_files,
)
from reach.policy.models import Benefit, Policy, PolicyVersion, ReferenceTable, ReferenceValue
from reach.policy.permissions import can_edit_policy
from reach.policy.selectors import get_reference_tables
from reach.policy.tables import ReferenceDocument, parse_reference, parse_reference_value

REFERENCE_DIR = "reference"


@dataclass(frozen=True)
class LoadOutcome:
    """What loading one file did."""

    kind: str  # "policy" or "reference"
    code: str
    created: bool
    count: int  # benefits of the policy, values of the table
    version: int | None = None  # policies only

    def __str__(self) -> str:
        values = {"code": self.code, "version": self.version, "count": self.count}
        if self.kind == "policy":
            if not self.created:
                return _("%(code)s: unchanged (version %(version)s)") % values
            return (
                ngettext(
                    "%(code)s: version %(version)s loaded (%(count)s benefit)",
                    "%(code)s: version %(version)s loaded (%(count)s benefits)",
                    self.count,
                )
                % values
            )
        if self.created:
            message = ngettext(
                "%(code)s: table loaded (%(count)s value)",
                "%(code)s: table loaded (%(count)s values)",
                self.count,
            )
        else:
            message = ngettext(
                "%(code)s: unchanged (%(count)s value)",
                "%(code)s: unchanged (%(count)s values)",
                self.count,
            )
        return message % values


def _user(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def _save_policy(document: PolicyDocument, *, actor: User | None) -> tuple[PolicyVersion, bool]:
    policy, _created = Policy.objects.select_for_update().get_or_create(
        code=document.code,
        defaults={
            "names": document.names,
            "jurisdiction": document.jurisdiction,
            "currency": document.currency,
        },
    )
    latest = policy.versions.order_by("-number").first()
    if latest is not None and latest.checksum == document.checksum:
        return latest, False
    policy.names, policy.jurisdiction = document.names, document.jurisdiction
    policy.currency = document.currency
    policy.save()
    number = latest.number + 1 if latest is not None else 1
    version = PolicyVersion.objects.create(
        policy=policy,
        number=number,
        document=document.document,
        checksum=document.checksum,
        source_file=document.file_name,
        loaded_by=_user(actor),
    )
    Benefit.objects.bulk_create(
        Benefit(
            version=version,
            position=benefit.index,
            code=benefit.code,
            names=benefit.names,
            kind=benefit.kind,
            condition=benefit.condition,
            amount=benefit.document["amount"],
            in_kind=benefit.document.get("in_kind") or [],
            funding=benefit.document["funding"],
            exclusive_group=benefit.exclusive_group,
            purpose=benefit.purpose,
            source=benefit.source,
            effective_from=benefit.effective_from,
            effective_to=benefit.effective_to,
            applies_from_school_year=benefit.from_school_year,
            applies_to_school_year=benefit.to_school_year,
            months_in_force=benefit.months_in_force,
        )
        for benefit in document.benefits
    )
    record_audit_event(
        actor=actor,
        action=AuditAction.CREATE,
        obj=version,
        after={"version": number, "checksum": document.checksum},
    )
    return version, True


def _save_reference(
    document: ReferenceDocument, *, actor: User | None
) -> tuple[ReferenceTable, bool]:
    info = document.table
    table = ReferenceTable.objects.select_for_update().filter(code=info.code).first()
    if table is not None and table.checksum == document.checksum:
        return table, False
    before = None if table is None else {"checksum": table.checksum}
    table = table or ReferenceTable(code=info.code)
    table.names, table.currency, table.per = document.names, info.currency, info.per
    table.keys, table.checksum = list(info.keys), document.checksum
    table.admin_values = document.admin_values
    table.source_file, table.loaded_at = document.file_name, timezone.now()
    table.save()
    after: dict[str, object] = {"checksum": document.checksum}
    if not table.admin_values:  # else the administrators' values stay
        _replace_values(table, document)
        after["values"] = len(document.rows)
    record_audit_event(
        actor=actor,
        action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
        obj=table,
        before=before,
        after=after,
    )
    return table, True


def _replace_values(table: ReferenceTable, document: ReferenceDocument) -> None:
    table.values.all().delete()
    ReferenceValue.objects.bulk_create(
        ReferenceValue(
            table=table,
            valid_from=row.valid_from,
            school_year=row.school_year,
            keys=dict(row.keys),
            value_minor=row.value_minor,
            source=source,
        )
        for row, source in zip(document.rows, document.row_sources, strict=True)
    )


def _parse_files(
    paths: Sequence[Path],
) -> tuple[list[ReferenceDocument], list[PolicyDocument]]:
    """Every file validated, reference tables first (a policy may refer to them); raises
    PolicyFileError with the errors of all files."""
    errors: list[str] = []
    raw: dict[str, list[tuple[Path, object]]] = {"reference": [], "policy": []}
    for path in paths:
        try:
            data = read_yaml(path)
        except PolicyFileError as error:
            errors += error.errors
            continue
        kind = file_kind(data)
        if kind is None:
            errors.append(
                f"{path.name}: " + _("neither a policy (benefits:) nor a reference table (values:)")
            )
            continue
        raw[kind].append((path, data))
    references: list[ReferenceDocument] = []
    for path, data in raw["reference"]:
        try:
            references.append(parse_reference(data, file_name=path.name))
        except PolicyFileError as error:
            errors += error.errors
    tables: dict[str, TableInfo] = get_reference_tables()
    tables.update({document.table.code: document.table for document in references})
    policies: list[PolicyDocument] = []
    for path, data in raw["policy"]:
        try:
            policies.append(parse_policy(data, file_name=path.name, tables=tables))
        except PolicyFileError as error:
            errors += error.errors
    errors += _duplicate_codes([(d.file_name, d.table.code) for d in references])
    errors += _duplicate_codes([(d.file_name, d.code) for d in policies])
    if errors:
        raise PolicyFileError(errors)
    return references, policies


def _duplicate_codes(files: list[tuple[str, str]]) -> list[str]:
    first: dict[str, str] = {}
    errors = []
    for name, code in files:
        if code in first:
            errors.append(
                f"{name}: code: "
                + _("%(code)s is also the code of %(other)s") % {"code": code, "other": first[code]}
            )
        first.setdefault(code, name)
    return errors


def load_policy_files(*, paths: Sequence[Path], actor: User | None = None) -> list[LoadOutcome]:
    """Validate every file, then load them all in one transaction (reference tables first);
    nothing is loaded when any file has an error."""
    references, policies = _parse_files(paths)
    outcomes = []
    with transaction.atomic():
        for reference in references:
            _table, created = _save_reference(reference, actor=actor)
            outcomes.append(
                LoadOutcome("reference", reference.table.code, created, len(reference.rows))
            )
        for policy in policies:
            version, created = _save_policy(policy, actor=actor)
            outcomes.append(
                LoadOutcome("policy", policy.code, created, len(policy.benefits), version.number)
            )
    return outcomes


def load_policy_file(*, path: Path, actor: User | None = None) -> PolicyVersion:
    """Load one policy file: its current version when unchanged, else version N+1."""
    references, policies = _parse_files([path])
    if references or not policies:
        raise PolicyFileError([f"{path.name}: " + _("not a policy file (no benefits:)")])
    with transaction.atomic():
        version, _created = _save_policy(policies[0], actor=actor)
    return version


def load_reference_file(*, path: Path, actor: User | None = None) -> ReferenceTable:
    """Load one reference table, replacing its values when the file changed."""
    references, policies = _parse_files([path])
    if policies or not references:
        raise PolicyFileError([f"{path.name}: " + _("not a reference table (no values:)")])
    with transaction.atomic():
        table, _created = _save_reference(references[0], actor=actor)
    return table


def policy_dir_files(path: Path) -> list[Path]:
    """The files of a policies directory: reference/*.yaml, then *.yaml."""
    return [*yaml_files(path / REFERENCE_DIR), *yaml_files(path)]


def load_policies_dir(*, path: Path, actor: User | None = None) -> list[LoadOutcome]:
    """Load policies/reference/*.yaml, then policies/*.yaml, all or nothing."""
    return load_policy_files(paths=policy_dir_files(path), actor=actor)


def load_policy_text(*, code: str, text: str, actor: User | None) -> tuple[PolicyVersion, bool]:
    """A policy edited in the web UI (the YAML of a whole policy file): validated like a file,
    saved as version N+1 when it changed (else the current version, False). Raises
    PolicyFileError listing every error; the code must stay `code`. Administrators only."""
    require(can_edit_policy(actor), _("Only an administrator may edit a policy."))
    name = _("%(code)s (edited in the web UI)") % {"code": code}
    data = read_yaml_text(text, name=name)
    document = parse_policy(data, file_name=name, tables=get_reference_tables())
    if document.code != code:
        raise PolicyFileError(
            [
                f"{name}: code: "
                + _("must stay %(code)s (a new code is a new policy file)") % {"code": code}
            ]
        )
    with transaction.atomic():
        return _save_policy(document, actor=actor)


# -- values an administrator enters (tables with admin_values) --------------------------------


def _value_record(value: ReferenceValue) -> dict:
    return {
        "table": value.table.code,
        "school_year": value.school_year,
        "valid_from": value.valid_from.isoformat() if value.valid_from else None,
        "keys": value.keys,
        "value_minor": value.value_minor,
        "source": value.source,
    }


def reference_value_row(value: ReferenceValue) -> dict:
    """The value as a file's row would hold it (for `parse_reference_value`)."""
    row = {key: value.keys.get(key) for key in value.table.keys} | {"value": value.value_minor}
    if value.school_year is not None:
        row["school_year"] = value.school_year
    if value.valid_from is not None:
        row["from"] = value.valid_from.isoformat()
    return row


def save_reference_value(
    *, actor: User | None, value: ReferenceValue, reason: str = ""
) -> ReferenceValue:
    """Create or change one value of a table whose values are entered in the admin (a
    province's private-school tuition support, say), validated as a file's row would be;
    administrators only, audited. Raises PolicyFileError naming every error."""
    require(can_edit_policy(actor), _("Only an administrator may edit a policy."))
    table = value.table
    if not table.admin_values:
        raise PolicyFileError(
            [_("%(code)s is loaded from its file; edit the file") % {"code": table.code}]
        )
    parse_reference_value(
        reference_value_row(value), table=table.code, currency=table.currency, keys=table.keys
    )
    value.keys = {key: value.keys.get(key) for key in table.keys}
    with transaction.atomic():
        same = ReferenceValue.objects.select_for_update().filter(
            table=table, school_year=value.school_year, valid_from=value.valid_from
        )
        if any(other.keys == value.keys for other in same.exclude(pk=value.pk)):
            raise PolicyFileError(
                [
                    f"{table.code}: "
                    + _("a value of the same school year or date, level and unit exists")
                ]
            )
        before = None
        if value.pk is not None:
            before = _value_record(ReferenceValue.objects.select_for_update().get(pk=value.pk))
        value.save()
        record_audit_event(
            actor=actor,
            action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
            obj=value,
            before=before,
            after=_value_record(value),
            reason=reason,
        )
    return value


def delete_reference_value(*, actor: User | None, value: ReferenceValue, reason: str = "") -> None:
    """Delete one value entered in the admin; administrators only, audited."""
    require(can_edit_policy(actor), _("Only an administrator may edit a policy."))
    if not value.table.admin_values:
        raise PolicyFileError(
            [_("%(code)s is loaded from its file; edit the file") % {"code": value.table.code}]
        )
    with transaction.atomic():
        before = _value_record(value)
        record_audit_event(
            actor=actor, action=AuditAction.DELETE, obj=value, before=before, reason=reason
        )
        value.delete()
