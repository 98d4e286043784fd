"""`reach fail_stale_imports`: mark failed the household files whose background check lost its
worker or that no worker took up, so that none stays "being checked" forever. For an operator,
cron or a systemd timer (every few minutes); requests and workers also do it as they start.
It also returns to "staged" the batches whose background commit did not finish (nothing of
them was committed)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from reach.registry.imports.background import fail_stale_imports, return_stale_commits


class Command(BaseCommand):
    help = "Mark failed the background imports no worker is checking any more."

    def handle(self, *args, **options):
        failed = fail_stale_imports()
        returned = return_stale_commits()
        self.stdout.write(_("%(count)s stale imports failed") % {"count": failed})
        self.stdout.write(
            _("%(count)s unfinished commits returned to staged") % {"count": returned}
        )
