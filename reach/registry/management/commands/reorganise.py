from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reach.accounts.permissions import command_line_actor
from reach.geo.services import ReferenceDataError, load_reorganisation
from reach.registry.services import move_households_to_successors


class Command(BaseCommand):
    help = (
        "Record a reorganisation of units from a CSV (old_code, new_code, date[, new_name, "
        "new_parent_code, kind, source]) and move the households of merged or renamed units to "
        "their successors from that date, keeping their old unit for earlier periods."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--links-only", action="store_true", help="record the units' links, move no household"
        )

    def handle(self, *args, file: Path, links_only: bool, **options):
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        actor = command_line_actor()
        try:
            with transaction.atomic():
                links = load_reorganisation(path=file, actor=actor)
                moves = [
                    move_households_to_successors(actor=actor, date=date)
                    for date in sorted({link.date for link in links})
                    if not links_only
                ]
        except ReferenceDataError as error:
            raise CommandError(f"nothing was changed:\n{error}") from error
        self.stdout.write(f"{len(links)} unit links recorded from {file}")
        for result in moves:
            for code, count in sorted(result.moved.items()):
                self.stdout.write(f"{count} households moved to {code}")
            for code, count in sorted(result.left_in_split_units.items()):
                self.stdout.write(f"{count} households left in {code}, split: move them one by one")
