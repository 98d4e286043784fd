"""`reach plan_reminders [--unit CODE] [--days N] [--today YYYY-MM-DD]`: the open tasks past
their last day and those due within N days (REACH_PLAN_REMINDER_DAYS, 7), by lead
organisation, to remind them."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reach.accounts.permissions import command_line_actor
from reach.geo.selectors import get_unit_for_user
from reach.plans.choices import AssignmentRole
from reach.plans.models import PlanTask
from reach.plans.selectors import list_due_tasks_for_user, list_overdue_tasks_for_user


def _leads(task: PlanTask) -> str:
    names = [a.organisation.name for a in task.assignments.all() if a.role == AssignmentRole.LEAD]
    return "; ".join(names) or task.lead_text or _("no lead")


class Command(BaseCommand):
    help = "List the open plan tasks that are overdue or due soon, by lead organisation."

    def add_arguments(self, parser):
        parser.add_argument("--unit", default=None, help="unit code (default: everything)")
        parser.add_argument("--days", type=int, default=None)
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)

    def handle(self, *args, unit: str | None, days: int | None, today: dt.date | None, **options):
        reader = command_line_actor()
        scope = None
        if unit:
            scope = get_unit_for_user(reader, unit)
            if scope is None:
                raise CommandError(_("unknown unit %(code)s") % {"code": unit})
        days = days if days is not None else settings.REACH_PLAN_REMINDER_DAYS
        overdue = list_overdue_tasks_for_user(reader, unit=scope, today=today)
        due = list_due_tasks_for_user(reader, unit=scope, within_days=days, today=today)
        for heading, tasks in ((_("Overdue"), overdue), (_("Due soon"), due)):
            by_lead: dict[str, list[PlanTask]] = {}
            for task in tasks:
                by_lead.setdefault(_leads(task), []).append(task)
            self.stdout.write(f"{heading}: {sum(len(t) for t in by_lead.values())}")
            for lead in sorted(by_lead, key=str.casefold):
                self.stdout.write(f"  {lead}:")
                for task in by_lead[lead]:
                    self.stdout.write(
                        f"    {task.plan.number or task.plan.code} {task.label} "
                        + _("due %(due)s") % {"due": task.ends_on.isoformat()}
                        + f": {task.content[:80]}"
                    )
        self.stdout.write(
            _("%(overdue)s overdue, %(due)s due within %(days)s days.")
            % {"overdue": overdue.count(), "due": due.count(), "days": days}
        )
