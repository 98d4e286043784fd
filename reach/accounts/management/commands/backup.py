"""`reach backup PATH`: a backup of the database (pg_dump's custom format, or a SQLite copy
taken with its backup API) that `reach restore PATH` puts back. Safe while Reach serves.

The backup is audited once written (the command line's actor, the file, the database): the
event is in the live database, not in the backup it describes. The command lives in
`accounts`, beside the audit it writes, since `reach.common` imports no other app."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from reach.accounts.choices import AuditAction
from reach.accounts.permissions import command_line_actor
from reach.accounts.services import record_operation
from reach.common.backup import BackupError, backup_database, database_vendor


class Command(BaseCommand):
    help = "Write a backup of the database to PATH (restore it with reach restore PATH)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: object, path: Path, **options: object) -> None:
        try:
            backup_database(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = path.stat().st_size
        record_operation(
            actor=command_line_actor(),
            action=AuditAction.BACKUP,
            database=str(connection.settings_dict["NAME"]),
            details={"file": str(path.resolve()), "bytes": size},
        )
        self.stdout.write(
            f"Backup of the {database_vendor()} database written to {path} ({size:,} bytes)"
        )
