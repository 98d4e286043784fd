"""`reach fail_stale_runs`: mark failed the runs whose worker went silent or that no worker
took up, so that none stays in progress forever. For an operator, cron or a systemd timer
(every few minutes); requests and workers also do it as they start work."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from reach.entitlements.services import fail_stale_runs


class Command(BaseCommand):
    help = "Mark failed the runs no worker is computing any more."

    def handle(self, *args, **options):
        failed = fail_stale_runs()
        self.stdout.write(_("%(count)s stale runs failed") % {"count": failed})
