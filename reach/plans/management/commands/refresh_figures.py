"""`reach refresh_figures [--year Y ...] [--figure CODE ...]`: count the figures per unit and
school year into the table reports and targets read (`reach.plans.figure_counts`), each stamped
with when it was computed. Without --year: every school year with an enrolment."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reach.plans.services import PlanError, refresh_figures


class Command(BaseCommand):
    help = "Count the figures per unit and school year for the reports and targets to read."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", dest="years", default=None)
        parser.add_argument("--figure", action="append", dest="codes", default=None)

    def handle(self, *args, years: list[int] | None, codes: list[str] | None, **options):
        try:
            done = refresh_figures(school_years=years, codes=codes)
        except PlanError as error:
            raise CommandError(str(error)) from error
        for row in done:
            self.stdout.write(
                _("%(figure)s %(year)s: %(units)s units in %(seconds).2f s")
                % {
                    "figure": row.figure,
                    "year": row.school_year,
                    "units": row.units,
                    "seconds": row.seconds,
                }
            )
        self.stdout.write(
            _("%(count)s figure counts refreshed in %(seconds).1f s.")
            % {"count": len(done), "seconds": sum(row.seconds for row in done)}
        )
