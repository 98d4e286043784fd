"""`reach crosscheck_due [--month YYYY-MM] [--unit CODE]`: the units that have not compared a
school register for the month (this month by default) although the rhythm of `rules.yaml` has
them compare one, with the month each last compared. No scheduler: the list is the reminder."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reach.accounts.permissions import command_line_actor
from reach.crosscheck.selectors import list_units_due_for_user
from reach.geo.selectors import get_unit_for_user


class Command(BaseCommand):
    help = "List the units due to compare a school register this month (or --month YYYY-MM)."

    def add_arguments(self, parser):
        parser.add_argument("--month", default=None, help="YYYY-MM (default: this month)")
        parser.add_argument("--unit", default=None, help="unit code (default: everything)")

    def handle(self, *args, month: str | None, unit: str | None, **options):
        actor = command_line_actor()
        try:
            first = dt.date.fromisoformat(f"{month}-01") if month else timezone.localdate()
        except ValueError as error:
            raise CommandError(_("Give the month as YYYY-MM.")) from error
        scope = None
        if unit:
            scope = get_unit_for_user(actor, unit)
            if scope is None:
                raise CommandError(_("unknown unit %(code)s") % {"code": unit})
        due = list_units_due_for_user(actor, first, scope)
        self.stdout.write(
            _("%(month)s: %(count)s units have not compared a school register.")
            % {"month": f"{first:%Y-%m}", "count": len(due)}
        )
        for row, rhythm in due:
            last = f"{row.last_compared:%Y-%m}" if row.last_compared else _("never")
            every = ngettext("every month", "every %(months)s months", rhythm.every_months) % {
                "months": rhythm.every_months
            }
            self.stdout.write(
                f"  {row.code:<14} {row.name:<32} "
                + _("last compared %(last)s; %(rhythm)s (%(confidence)s)")
                % {"last": last, "rhythm": every, "confidence": rhythm.confidence}
            )
