"""`reach case_reminders [--unit CODE] [--today YYYY-MM-DD]`: the open cases without a household
visit for 30 days (REACH_CASE_VISIT_DAYS), by work group, to remind them."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reach.accounts.permissions import command_line_actor
from reach.casework.selectors import list_overdue_cases_for_user, visit_interval_days
from reach.geo.selectors import get_unit_for_user


class Command(BaseCommand):
    help = "List the open cases that have had no household visit for too long, by work group."

    def add_arguments(self, parser):
        parser.add_argument("--unit", default=None, help="unit code (default: everything)")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)

    def handle(self, *args, unit: str | None, today: dt.date | None, **options):
        reader = command_line_actor()
        scope = None
        if unit:
            scope = get_unit_for_user(reader, unit)
            if scope is None:
                raise CommandError(_("unknown unit %(code)s") % {"code": unit})
        cases = list_overdue_cases_for_user(reader, unit=scope, today=today)
        count, group_id = 0, None
        for count, case in enumerate(cases.iterator(chunk_size=500), start=1):
            if count == 1 or case.work_group_id != group_id:
                group_id = case.work_group_id
                name = case.work_group.name if group_id else _("no work group")
                self.stdout.write(f"{name}:")
            last = case.last_visit.isoformat() if case.last_visit else _("never visited")
            self.stdout.write(
                f"  #{case.pk} {case.person.full_name} ({case.unit.name}): "
                + _("last visit %(last)s, opened %(opened)s")
                % {"last": last, "opened": case.opened_on.isoformat()}
            )
        self.stdout.write(
            _("%(count)s case(s) without a visit for %(days)s days.")
            % {"count": count, "days": visit_interval_days()}
        )
