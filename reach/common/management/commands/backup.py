"""`reach backup PATH`: a backup of the database (pg_dump's custom format, or a SQLite copy
taken with its backup API) that `reach restore PATH` puts back. Safe while Reach serves."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

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
        self.stdout.write(
            f"Backup of the {database_vendor()} database written to {path} ({size:,} bytes)"
        )
