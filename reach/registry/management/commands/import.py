"""`reach import households FILE [--commit] [--user USERNAME] [--errors ERRORS.xlsx]`

Other apps add kinds of their own (`reach import plan-tasks FILE --plan CODE`) by naming, in
their AppConfig's `import_kinds`, a class with `add_arguments(parser)` and
`handle(command, *, file, commit, actor, **options)`; the registry does not import them."""

from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from reach.common.errors import NotAllowed
from reach.common.uploads import UploadRefused
from reach.registry.choices import ImportStatus
from reach.registry.imports.merge import KINDS, OUTCOMES
from reach.registry.imports.services import (
    ImportRejected,
    commit_household_import,
    stage_household_import,
    write_error_sheet,
)
from reach.registry.models import ImportBatch


def other_kinds() -> dict[str, type]:
    """The kinds of import other apps declare (`import_kinds` on their AppConfig)."""
    return {
        kind: import_string(dotted)
        for config in apps.get_app_configs()
        for kind, dotted in getattr(config, "import_kinds", {}).items()
    }


class Command(BaseCommand):
    help = (
        "Check a household file (.xlsx or .csv, one row per person) and show what it would "
        "change; with --commit, merge it into the registry (all or nothing)."
    )

    def add_arguments(self, parser):
        kinds = other_kinds()
        parser.add_argument("kind", choices=["households", *kinds])
        parser.add_argument("file", type=Path)
        parser.add_argument("--commit", action="store_true", help="merge the file if it is valid")
        parser.add_argument("--user", help="import as this user: only units in their scope")
        parser.add_argument("--errors", type=Path, help="write the errors to this .xlsx file")
        for handler in kinds.values():
            handler.add_arguments(parser)

    def handle(self, *args, kind, file: Path, commit: bool, user, errors, **options):
        if not file.is_file():
            raise CommandError(_("%(file)s: no such file") % {"file": file})
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(_("no user %(name)s") % {"name": user})
        if kind != "households":
            handler = other_kinds()[kind]()
            handler.handle(self, file=file, commit=commit, actor=actor, errors=errors, **options)
            return
        with open(file, "rb") as handle:
            try:
                batch = stage_household_import(
                    file=handle,
                    filename=file.name,
                    user=actor,
                    progress=self._progress(_("%(count)s rows read")),
                )
            except (NotAllowed, UploadRefused) as refusal:
                raise CommandError(str(refusal)) from None
        if batch.status == ImportStatus.REJECTED:
            self._reject(batch, errors)
        checked = _("%(count)s rows checked; the import would give:")
        self.stdout.write(checked % {"count": batch.row_count})
        self._counts(batch, (_("new"), _("changed"), _("unchanged")))
        for duplicate in batch.duplicates:
            self.stdout.write(
                _("possible duplicate: line %(line)s: %(reason)s")
                % {"line": duplicate["line"], "reason": duplicate["reason"]}
            )
        if not commit:
            batch.delete()  # a dry run leaves nothing behind
            self.stdout.write(_("Dry run: nothing was imported; add --commit to merge"))
            return
        try:
            commit_household_import(
                batch=batch, user=actor, progress=self._progress(_("%(count)s rows merged"))
            )
        except ImportRejected as rejection:
            batch.refresh_from_db()
            self._reject(batch, errors, str(rejection))
        self.stdout.write(
            _("Imported %(file)s (import #%(id)s):") % {"file": file.name, "id": batch.pk}
        )
        self._counts(batch, (_("created"), _("updated"), _("unchanged")))

    def _progress(self, message: str):
        def report(done: int, total: int | None) -> None:
            self.stderr.write("  " + message % {"count": done}, style_func=lambda text: text)

        return report

    def _counts(self, batch: ImportBatch, words: tuple[str, str, str]) -> None:
        summary = batch.summary
        names = {
            "households": _("households"),
            "statuses": _("statuses"),
            "persons": _("persons"),
            "enrolments": _("enrolments"),
        }
        for kind in KINDS:
            counts = ", ".join(
                f"{summary.get(f'{kind}_{outcome}', 0)} {word}"
                for outcome, word in zip(OUTCOMES, words, strict=True)
            )
            self.stdout.write(f"  {names[kind]}: {counts}")
        if summary.get("persons_not_in_file"):
            self.stdout.write(
                "  "
                + _(
                    "%(count)s persons on record in these households are not in the file "
                    "(left as they are)"
                )
                % {"count": summary["persons_not_in_file"]}
            )

    def _reject(self, batch: ImportBatch, errors_path: Path | None, message: str = "") -> None:
        for error in batch.errors:
            values = {"line": error["line"], "column": error["column"], "reason": error["reason"]}
            if error["line"]:
                self.stdout.write(_("line %(line)s, %(column)s: %(reason)s") % values)
            else:
                self.stdout.write(_("file: %(reason)s") % values)
        if errors_path:
            with open(errors_path, "wb") as out:
                write_error_sheet(batch, out)
            self.stdout.write(_("errors written to %(file)s") % {"file": errors_path})
        raise CommandError(
            message or _("%(count)s errors: nothing was imported") % {"count": len(batch.errors)}
        )
