"""Household import use cases: stage a file (validate and preview), then commit it.

    batch = stage_household_import(file=handle, filename="hh.xlsx", user=user)
    if batch.status == ImportStatus.STAGED:
        commit_household_import(batch=batch, user=user)

This package is the import's service layer: these two functions are its write entry points
(the pages, the API and `reach import` call them), the other modules are their parts.
Staging never touches the registry. Committing writes everything in one transaction or nothing.

Who may import what (`reach.registry.permissions`), checked here, not by the callers:
- a user without an importing role (a viewer, a user without membership) is refused with
  `NotAllowed` before anything is staged;
- the owners of a unit's poor / near-poor list (its ward officer, the office over its district
  or county, administrators) import its households with their poverty status;
- school staff import their own school's pupils: every row enrols its person at their school,
  sets no poverty status, leaves an existing household's head, address and unit as on record and
  names no pupil of another school. A school's file may thus create a new household (in the
  school's unit), but only without a status: a household enters the poor or near-poor list
  through the ward's decision, never through a school's register;
- a row naming a household or national ID on record outside the importer's area is refused
  with one neutral message ("Registered elsewhere; ask the district office") and the attempt is
  written to the audit trail (importer, batch, line, the other record's id; nothing more).
A user of None is the command line's operator, who imports with full rights.
"""

import functools
import json
import logging
from collections.abc import Callable, Iterator
from typing import IO

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import AuditEvent, User
from reach.common.errors import DomainError, NotAllowed, report_database_error
from reach.common.uploads import Upload, UploadRefused, check_upload
from reach.plans.tasks import request_figure_refresh
from reach.registry.choices import ImportStatus
from reach.registry.imports import bulk
from reach.registry.imports.headings import match_headings
from reach.registry.imports.merge import StagedMerge, empty_summary
from reach.registry.imports.reader import UnreadableFile, open_table
from reach.registry.imports.rows import Findings, RowParser, StagedRow
from reach.registry.imports.sheets import write_error_sheet, write_household_template
from reach.registry.imports.validation import DatabaseChecks, FileChecks, Refusal
from reach.registry.models import ImportBatch, ImportRow
from reach.registry.permissions import can_commit_import, can_import_households

logger = logging.getLogger("reach.registry.imports")
Progress = Callable[[int, int | None], None]
PROGRESS_EVERY = 5000
HOUSEHOLDS_PER_CHUNK = 600

__all__ = [
    "ImportRejected",
    "check_committable",
    "commit_household_import",
    "merge_locked_batch",
    "stage_household_import",
    "write_error_sheet",
    "write_household_template",
]


class ImportRejected(DomainError):
    """The batch cannot be committed; `errors` lists the rows at fault, if any."""

    def __init__(self, message: str, errors: list[dict] | None = None):
        super().__init__(message)
        self.errors = errors or []


def _chunk_size() -> int:
    return getattr(settings, "REACH_IMPORT_BATCH_SIZE", 2000)


def require_importer(user: User | None) -> None:
    if user is not None and not can_import_households(user):
        raise NotAllowed(_("Your role does not allow importing households"))


def _audit_refusals(batch: ImportBatch, user: User | None, refusals: list[Refusal]) -> None:
    """One event per row that named a record outside the importer's area."""
    actor = user if user is not None and user.pk else None
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            actor_name=actor.get_username() if actor else "system",
            action=AuditAction.REFUSED,
            object_type=refusal.object_type,
            object_id=str(refusal.object_id),
            household_id=refusal.household_id,
            reason=f"import #{batch.pk} line {refusal.line}: outside the importer's area",
        )
        for refusal in dict.fromkeys(refusals)
    )


def stage_household_import(
    *,
    file: IO[bytes],
    filename: str,
    user: User | None = None,
    progress: Progress | None = None,
    upload: Upload | None = None,
) -> ImportBatch:
    """Read and validate a household file and store its rows with a preview of the merge.

    The batch is "staged" when the file has no errors, else "rejected" with every error listed
    (line as the spreadsheet shows it, column, reason); its rows are then not kept. Rows are
    stored a chunk per transaction, so a large file does not hold the database's write lock
    while it is read; the batch stays "rejected" until the whole file has passed. A file the
    upload check refuses (too large, not what its name says, past a cap on rows or columns)
    raises `UploadRefused` and leaves no batch (`upload`: the check already made)."""
    require_importer(user)
    upload = upload or check_upload(file, filename)
    batch = ImportBatch.objects.create(
        kind="households",
        filename=filename[:255],
        created_by=user if user is not None and user.pk else None,
        status=ImportStatus.REJECTED,
        errors=[{"line": 0, "column": "", "reason": _("The file is still being checked")}],
    )
    try:
        return stage_into(
            batch, file=file, filename=filename, upload=upload, user=user, progress=progress
        )
    except UploadRefused:
        batch.delete()  # and its rows: nothing is staged
        raise


def stage_into(
    batch: ImportBatch,
    *,
    file: IO[bytes],
    filename: str,
    upload: Upload,
    user: User | None,
    progress: Progress | None,
    progress_every: int = PROGRESS_EVERY,
) -> ImportBatch:
    """Stage `file` into the existing `batch` (see `stage_household_import`); the background
    check of a large file calls it too. Raises UploadRefused past a cap on rows or columns."""
    staging = _Staging(batch, user, progress_every)
    try:
        with bulk.write_cache():
            staging.read(file, filename, upload, progress)
    except UnreadableFile as unreadable:
        staging.findings.error(0, "", str(unreadable))
    findings = staging.findings
    with transaction.atomic():
        if findings.errors:  # the rows stored before the first error: checked one by one
            for rows in _rows_by_household(batch):
                staging.checks.check(rows)
        else:
            with StagedMerge(batch.pk) as preview:
                staging.check_stored()
                batch.summary = preview.summary()
        if findings.errors:
            batch.summary = empty_summary()
            batch.rows.all().delete()
        batch.status = ImportStatus.REJECTED if findings.errors else ImportStatus.STAGED
        batch.progress_done = batch.progress_total = batch.row_count
        batch.errors = findings.sorted_errors()
        batch.duplicates = findings.sorted_duplicates()
        batch.save()
    _audit_refusals(batch, user, staging.checks.refusals)
    return batch


class _Staging:
    """One pass over the file: parse, check and store the rows a chunk at a time.

    While the file has no error, its rows are stored unchecked against the registry, and then
    checked all at once by a few queries over the staged rows (`check_stored`); from the
    first error on, the rows are not stored, and each chunk is checked against the registry
    as it comes so that every error is named."""

    def __init__(self, batch: ImportBatch, user: User | None, progress_every: int) -> None:
        self.batch = batch
        self.progress_every = progress_every
        self.findings = Findings()
        self.checks = DatabaseChecks(user=user, findings=self.findings)
        self.file_checks = FileChecks(self.findings)

    def read(
        self, file: IO[bytes], filename: str, upload: Upload, progress: Progress | None
    ) -> None:
        findings = self.findings
        table = open_table(file, filename, upload)
        match = match_headings(table.headings)
        for column, reason in match.errors:
            findings.error(table.heading_line, column, reason)
        if match.errors:
            return
        parser = RowParser(match.columns, timezone.localdate(), findings)
        chunk: list[StagedRow] = []
        count, size = 0, _chunk_size()
        for line, cells in table.rows:
            row = parser.parse(line, cells)
            self.file_checks.check(row)
            code = row.data.get("household_code")
            if len(chunk) >= size and code != chunk[-1].data.get("household_code"):
                self._flush(chunk)  # whole households only
                chunk = []
            chunk.append(row)
            count += 1
            if progress and count % self.progress_every == 0:
                progress(count, table.total)
        self._flush(chunk)
        self.batch.row_count = count
        if progress and count % self.progress_every:
            progress(count, count)
        if count == 0:
            findings.error(table.heading_line + 1, "", _("The file has no data rows"))

    def _flush(self, chunk: list[StagedRow]) -> None:
        if not chunk:
            return
        self.checks.check_national_ids(chunk)
        if self.findings.errors:
            self.checks.check(chunk)  # a rejected batch keeps no rows
            return
        columns = ("line", "household_code", "data")
        records = ({"line": r.line, "household_code": r.data["household_code"], "data": r.data}
                   for r in chunk)  # fmt: skip
        with transaction.atomic():
            bulk.insert(ImportRow, columns, records, {"batch_id": self.batch.pk})

    def check_stored(self) -> None:
        """Check the rows stored so far against the registry, in the open merge: row by row
        when the queries over all of them (`DatabaseChecks.may_have_errors`) find a row that
        may be at fault, else only the possible duplicates are looked up."""
        if self.checks.may_have_errors():
            for rows in _rows_by_household(self.batch):
                self.checks.check(rows)
        else:
            self.checks.report_namesakes()


def _rows_by_household(batch: ImportBatch) -> Iterator[list[StagedRow]]:
    """The staged rows, a chunk of whole households at a time."""
    codes = list(
        ImportRow.objects.filter(batch=batch)
        .order_by("household_code")
        .values_list("household_code", flat=True)
        .distinct()
    )
    data = ImportRow._meta.get_field("data")
    decode = functools.partial(json.loads, cls=data.decoder)
    for start in range(0, len(codes), HOUSEHOLDS_PER_CHUNK):
        rows = ImportRow.objects.filter(
            batch=batch, household_code__in=codes[start : start + HOUSEHOLDS_PER_CHUNK]
        ).order_by("household_code", "line")
        sql, params = rows.values_list("line", "data").query.sql_with_params()
        with connection.cursor() as cursor:  # the JSON decoded here, without a field per row
            cursor.execute(sql, params)
            yield [
                StagedRow(line=line, data=value if isinstance(value, dict) else decode(value))
                for line, value in cursor.fetchall()
            ]


class _Invalid(Exception):
    """Commit-time validation failed; raised inside the transaction to roll it back."""


def require_committer(user: User | None, batch: ImportBatch) -> None:
    """Raises NotAllowed unless `user` may merge `batch` (None: the command line's operator)."""
    require_importer(user)
    if user is not None and not can_commit_import(user, batch):
        raise NotAllowed(_("Only the user who uploaded this import may merge it"))


def check_committable(batch: ImportBatch, user: User | None) -> None:
    """Raises NotAllowed or ImportRejected unless `user` may merge `batch` now."""
    require_committer(user, batch)
    if batch.status == ImportStatus.COMMITTED:
        raise ImportRejected(_("This import was already merged"))
    if batch.status == ImportStatus.COMMIT_QUEUED:
        raise ImportRejected(_("This import is already being merged"))
    if batch.is_active:
        raise ImportRejected(_("This import is still being checked: wait for its preview"))
    if batch.status != ImportStatus.STAGED:
        raise ImportRejected(_("This import was rejected: fix the file and upload it again"))


def commit_household_import(
    *, batch: ImportBatch, user: User | None = None, progress: Progress | None = None
) -> ImportBatch:
    """Merge a staged batch into the registry in one transaction, with an audit event for every
    created or changed household, person, status and enrolment.

    The rows are checked against the database again first; if anything no longer fits, nothing
    is written, the batch becomes "rejected" and `ImportRejected` lists the errors."""
    check_committable(batch, user)
    try:
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.status != ImportStatus.STAGED:
                raise ImportRejected(_("This import was already merged"))
            merge_locked_batch(batch, user, progress)
    except DatabaseError as error:
        message = report_database_error(error, during=f"the merge of import #{batch.pk}")
        batch.refresh_from_db()
        raise ImportRejected(_("%(error)s Nothing was imported.") % {"error": message}) from error
    if batch.status == ImportStatus.REJECTED:
        raise ImportRejected(
            _("%(count)s errors: nothing was imported") % {"count": len(batch.errors)},
            batch.errors,
        )
    return batch


def merge_locked_batch(batch: ImportBatch, user: User | None, progress: Progress | None) -> None:
    """Within the caller's transaction, the batch's row locked and its status checked: merge its
    staged rows and save it "committed", or, when the rows no longer fit the database, write
    nothing (a savepoint rolled back) and save it "rejected" with its errors. The commit in the
    request and the background commit (`background.commit_queued_import`) share it.

    The rows are checked against the database again by a few queries over all of them; only
    when these find something are they checked a chunk at a time, to name every error."""
    findings = Findings()
    checks = DatabaseChecks(user=user, findings=findings, report_duplicates=False)
    reason = f"import {batch.filename} #{batch.pk}"
    try:
        with (
            bulk.write_cache(),
            transaction.atomic(),
            StagedMerge(batch.pk, write=True, actor=user, reason=reason) as merge,
        ):
            if checks.may_have_errors():
                for rows in _rows_by_household(batch):
                    checks.check_national_ids(rows)
                    checks.check(rows)
                if findings.errors:
                    raise _Invalid
            batch.summary = merge.summary()
            merge.write(progress, batch.row_count)
            batch.status = ImportStatus.COMMITTED
            batch.committed_at = timezone.now()
            batch.errors = []
            batch.save(update_fields=["status", "committed_at", "summary", "errors"])
            request_figure_refresh()  # households, statuses and enrolments: every figure
    except _Invalid:
        _audit_refusals(batch, user, checks.refusals)
        batch.status = ImportStatus.REJECTED
        batch.errors = findings.sorted_errors()
        batch.save(update_fields=["status", "errors"])
