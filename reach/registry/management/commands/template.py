"""`reach template households FILE.xlsx`"""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from reach.registry.imports.sheets import write_household_template


class Command(BaseCommand):
    help = "Write the household import template (.xlsx) with an example row and a help sheet."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["households"])
        parser.add_argument("file", type=Path)

    def handle(self, *args, kind, file: Path, **options):
        with open(file, "wb") as out:
            write_household_template(out)
        self.stdout.write(_("template written to %(file)s") % {"file": file})
