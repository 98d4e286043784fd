from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reach.accounts.permissions import command_line_actor
from reach.geo.services import ReferenceDataError, load_schools, load_units


class Command(BaseCommand):
    help = "Load administrative units (code,name,level,parent_code) or schools from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--schools", action="store_true", help="the file lists schools")

    def handle(self, *args, file: Path, schools: bool, **options):
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        try:
            count = (load_schools if schools else load_units)(path=file, actor=command_line_actor())
        except ReferenceDataError as error:
            raise CommandError(f"nothing was loaded:\n{error}") from error
        self.stdout.write(f"{count} {'schools' if schools else 'units'} loaded from {file}")
