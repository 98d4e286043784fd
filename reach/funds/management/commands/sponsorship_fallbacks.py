"""`reach sponsorship_fallbacks [--today YYYY-MM-DD]`: apply the donor's fallback to every
active sponsorship whose student left school, moved or finished (the next candidate of the
same school, the office's proposal, or a refund) and write the letter to the donor. Run it
again: nothing more happens."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from reach.accounts.permissions import command_line_actor
from reach.funds.services.sponsorships import apply_fallbacks, reason_labels


class Command(BaseCommand):
    help = "Apply the donors' fallbacks to sponsorships whose student left, moved or finished."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)

    def handle(self, *args, today: dt.date | None, **options):
        on = today or timezone.localdate()
        run = apply_fallbacks(actor=command_line_actor(), on=on)
        labels = reason_labels()
        for result in run.applied:
            self.stdout.write(
                _("sponsorship %(id)s: the student %(reason)s; %(outcome)s (notice %(notice)s)")
                % {
                    "id": result.sponsorship_id,
                    "reason": labels.get(result.reason, result.reason),
                    "outcome": result.outcome,
                    "notice": result.notice_id,
                }
            )
        for sponsorship_id, why in run.refused:
            self.stderr.write(
                _("sponsorship %(id)s not changed: %(why)s") % {"id": sponsorship_id, "why": why}
            )
        self.stdout.write(
            _("%(applied)s fallbacks applied, %(refused)s refused")
            % {"applied": len(run.applied), "refused": len(run.refused)}
        )
