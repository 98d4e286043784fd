"""`reach open_cases --year YEAR [--unit CODE]`: open a case for every child of the
out-of-school, dropped-out and at-risk lists who has none that school year (idempotent)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reach.accounts.permissions import command_line_actor
from reach.casework.services import open_cases_from_lists
from reach.geo.selectors import get_unit_for_user


class Command(BaseCommand):
    help = "Open dropout-prevention cases from the lists of a school year (no duplicates)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="school year: 2024 = 2024-2025")
        parser.add_argument("--unit", default=None, help="unit code (default: everything)")

    def handle(self, *args, year: int, unit: str | None, **options):
        actor = command_line_actor()
        scope = None
        if unit:
            scope = get_unit_for_user(actor, unit)
            if scope is None:
                raise CommandError(_("unknown unit %(code)s") % {"code": unit})
        counts = open_cases_from_lists(actor=actor, school_year=year, unit=scope)
        self.stdout.write(
            _(
                "Cases opened: %(out_of_school)s out of school, %(dropped_out)s dropped out, "
                "%(at_risk)s at risk."
            )
            % counts
        )
