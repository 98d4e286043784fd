"""`reach calc --policy CODE [--policy CODE ...] --year YEAR FILE.csv [--policies-dir DIR]`:
what students would get, computed from the policy files alone (no database). Several policies
stack (a national one and a local one); each line names the policy that granted it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from reach.policy.calc import CalcError, render_grants, run_calc


class Command(BaseCommand):
    help = (
        "Compute the benefits of a CSV of students (columns: ref, catalog fields and optionally "
        "unit, the unit path the pupil lives in) under one or more policy files for a school "
        "year, without the database; prints ref,benefit,amount,currency,policy."
    )
    requires_system_checks: list[str] = []  # runs without a database

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV of students")
        parser.add_argument(
            "--policy",
            required=True,
            action="append",
            help="a policy code, e.g. cn-national-student-aid; repeat it to stack policies",
        )
        parser.add_argument(
            "--year", type=int, required=True, help="school year: 2024 means 2024-2025"
        )
        parser.add_argument(
            "--policies-dir", type=Path, default=None, help="default: the shipped policies/"
        )

    def handle(self, *args, file: Path, policy: list[str], year: int, policies_dir, **options):
        try:
            result = run_calc(
                policy_codes=policy, school_year=year, csv_path=file, policies_dir=policies_dir
            )
        except CalcError as error:
            for line in error.errors:
                self.stderr.write(line, style_func=lambda text: text)
            count = len(error.errors)
            message = ngettext(
                "%(count)s error: nothing calculated", "%(count)s errors: nothing calculated", count
            )
            raise CommandError(message % {"count": count}) from None
        for line in [*result.notes, *result.warnings]:
            self.stderr.write(line, style_func=lambda text: text)
        self.stdout.write(render_grants(result.grants), ending="")
