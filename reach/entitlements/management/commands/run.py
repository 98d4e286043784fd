"""`reach run --policy CODE [--policy CODE2] --year YEAR [--unit CODE]`: an entitlement run
over a scope, with progress per benefit, then its totals and its difference from the last run."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reach.common.money import format_major
from reach.entitlements.choices import RunStatus
from reach.entitlements.errors import EntitlementError
from reach.entitlements.models import EntitlementRun
from reach.entitlements.selectors import get_unit_by_code
from reach.entitlements.services import run_entitlements


class Command(BaseCommand):
    help = "Run policies over a scope and school year: entitlement lines, totals and the diff."

    def add_arguments(self, parser):
        parser.add_argument(
            "--policy", action="append", required=True, help="policy code (repeatable)"
        )
        parser.add_argument(
            "--year", type=int, required=True, help="school year: 2024 means 2024-2025"
        )
        parser.add_argument("--unit", default=None, help="unit code of the scope (default: all)")

    def handle(self, *args, policy: list[str], year: int, unit: str | None, **options):
        scope = None
        if unit:
            scope = get_unit_by_code(unit)
            if scope is None:
                raise CommandError(_("unknown unit %(code)s") % {"code": unit})

        def progress(done: int, total: int) -> None:
            self.stdout.write(_("benefit %(done)s/%(total)s done") % {"done": done, "total": total})

        try:
            run = run_entitlements(
                policy_codes=policy, school_year=year, unit=scope, progress=progress
            )
        except EntitlementError as error:
            raise CommandError(str(error)) from None
        if run.status != RunStatus.DONE:
            raise CommandError(
                _("run %(id)s of this key is already %(status)s (%(done)s/%(total)s benefits)")
                % {
                    "id": run.pk,
                    "status": run.status,
                    "done": run.progress_done,
                    "total": run.progress_total,
                }
            )
        self._report(run)

    def _report(self, run: EntitlementRun) -> None:
        totals, diff = run.totals, run.diff
        self.stdout.write(
            _("run %(id)s done: %(lines)s lines for %(persons)s persons")
            % {"id": run.pk, "lines": totals["lines"], "persons": totals["persons"]}
        )
        for row in totals["by_benefit"]:
            money = format_major(row["amount_minor"], row["currency"], lang="en")
            self.stdout.write(
                f"  {row['policy']}/{row['benefit']}: {row['lines']} {_('lines')}, {money} "
                f"{row['currency']}"
            )
        for row in totals["by_funding"]:
            money = format_major(row["amount_minor"], row["currency"], lang="en")
            self.stdout.write(f"  {_('funding')} {row['source']}: {money} {row['currency']}")
        for currency, minor in totals["amount_minor"].items():
            money = format_major(minor, currency, lang="en")
            self.stdout.write(f"  {_('total')}: {money} {currency}")
        for warning in totals.get("warnings", []):
            self.stderr.write(warning)
        self.stdout.write(
            _("difference: %(added)s added, %(removed)s removed, %(changed)s changed")
            % diff["counts"]
        )
