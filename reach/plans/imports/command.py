"""`reach import plan-tasks FILE --plan CODE [--commit] [--user USERNAME]`: check a plan's task
table and show what it would import; with --commit, import it (all or nothing)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reach.accounts.models import User
from reach.accounts.permissions import command_line_actor
from reach.common.errors import DomainError
from reach.plans.choices import ImportStatus
from reach.plans.imports.services import commit_task_import, stage_task_import
from reach.plans.models import PlanTaskImport
from reach.plans.selectors import plans_for_user


class PlanTasksImport:
    @staticmethod
    def add_arguments(parser) -> None:
        parser.add_argument("--plan", help="plan-tasks: the code of the plan the table belongs to")

    def handle(
        self,
        command: BaseCommand,
        *,
        file: Path,
        commit: bool,
        actor: User | None,
        plan: str | None = None,
        **options,
    ) -> None:
        actor = actor or command_line_actor()
        if not plan:
            raise CommandError(_("plan-tasks needs --plan CODE"))
        target = plans_for_user(actor).filter(code=plan).first()
        if target is None:
            raise CommandError(_("no plan %(code)s") % {"code": plan})
        write = command.stdout.write
        with open(file, "rb") as handle:
            try:
                batch = stage_task_import(actor=actor, plan=target, file=handle, filename=file.name)
            except DomainError as refusal:
                raise CommandError(str(refusal)) from None
        if batch.status == ImportStatus.REJECTED:
            for error in batch.errors:
                values = {
                    "line": error["line"],
                    "column": error["column"],
                    "reason": error["reason"],
                }
                if error["line"]:
                    write(_("line %(line)s, %(column)s: %(reason)s") % values)
                else:
                    write(_("file: %(reason)s") % values)
            count = len(batch.errors)
            batch.delete()  # the command leaves nothing behind
            raise CommandError(_("%(count)s errors: nothing was imported") % {"count": count})
        self._preview(write, batch)
        if not commit:
            batch.delete()
            write(_("Dry run: nothing was imported; add --commit to import"))
            return
        try:
            batch = commit_task_import(actor=actor, batch=batch)
        except DomainError as refusal:
            raise CommandError(str(refusal)) from None
        summary = batch.summary
        write(
            _(
                "Imported %(file)s into %(plan)s: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged; %(organisations)s organisations created."
            )
            % {
                "file": file.name,
                "plan": target.code,
                "created": summary["created"],
                "updated": summary["updated"],
                "unchanged": summary["unchanged"],
                "organisations": summary["organisations_created"],
            }
        )

    @staticmethod
    def _preview(write, batch: PlanTaskImport) -> None:
        summary = batch.summary
        write(
            _(
                "%(sections)s sections, %(tasks)s tasks: %(new)s new, %(known)s already in the "
                "plan; %(missing)s tasks of the plan are not in the file."
            )
            % {
                "sections": summary["sections"],
                "tasks": summary["tasks"],
                "new": summary["new"],
                "known": summary["known"],
                "missing": summary["not_in_file"],
            }
        )
        for row in batch.rows:
            if not row["window_understood"]:
                write(
                    _("line %(line)s: time window “%(window)s” not understood (kept as text)")
                    % {"line": row["line"], "window": row["window_text"]}
                )
        for name in batch.new_organisations:
            write(_("new organisation: %(name)s") % {"name": name})
