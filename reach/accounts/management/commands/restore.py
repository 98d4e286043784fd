"""`reach restore PATH`: replace the whole database with a backup that `reach backup` wrote.

Everything recorded since the backup is lost: stop the server (and its worker) first. The
restore is audited in the restored database, once it holds the backup (the command line's
actor, the file, the database), so the trail says where its records came back from."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from reach.accounts.choices import AuditAction
from reach.accounts.permissions import command_line_actor
from reach.accounts.services import record_operation
from reach.common.backup import BackupError, restore_database


class Command(BaseCommand):
    help = "Replace the database with the backup at PATH (stop `reach serve` first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args: object, path: Path, interactive: bool, **options: object) -> None:
        name = connection.settings_dict["NAME"]
        if interactive:
            answer = input(
                f"This replaces every record of the database {name} with the backup {path}; "
                "whatever was recorded since that backup is lost. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("restore cancelled; nothing was changed")
        try:
            restore_database(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        record_operation(
            actor=command_line_actor(),
            action=AuditAction.RESTORE,
            database=str(name),
            details={"file": str(path.resolve())},
        )
        self.stdout.write(f"The database {name} now holds the backup {path}")
