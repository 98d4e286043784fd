"""`reach policy timeline [--from 2016] [--to 2026] [--policies-dir DIR]`: a Markdown table of
every benefit of every policy file by school year (● in force on the day the year is judged
on, · not), read from the files alone (no database). docs/policy-files.md holds its output."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reach.common.schoolyear import current_school_year
from reach.policy.calc import default_policies_dir
from reach.policy.loader import PolicyFileError
from reach.policy.timeline import read_policies, render_markdown, timeline

FIRST_YEAR = 2016  # the earliest year the policies are asked to cover


class Command(BaseCommand):
    help = "Policy files at a glance: `reach policy timeline` tables every benefit by school year."
    requires_system_checks: list[str] = []  # runs without a database

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        table = sub.add_parser("timeline", help="every benefit by school year, as Markdown")
        table.add_argument("--from", dest="first", type=int, default=FIRST_YEAR)
        table.add_argument("--to", dest="last", type=int, default=None)
        table.add_argument("--policies-dir", type=Path, default=None)

    def handle(self, *args, action: str, first: int, last: int | None, policies_dir, **options):
        years = list(range(first, (last or current_school_year()) + 1))
        if not years:
            raise CommandError("--from must not come after --to")
        try:
            documents = read_policies(policies_dir or default_policies_dir())
        except PolicyFileError as error:
            raise CommandError("\n".join(error.errors)) from error
        self.stdout.write(render_markdown(timeline(documents, years), years), ending="")
