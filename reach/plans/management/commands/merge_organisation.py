from django.core.management.base import BaseCommand, CommandError

from reach.accounts.permissions import command_line_actor
from reach.common.errors import DomainError
from reach.geo.models import Organisation
from reach.plans.services import merge_organisation


class Command(BaseCommand):
    help = (
        "Merge an organisation (by code) into another: its records follow, its name and code "
        "become aliases the next task table is matched by, and it is deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("duplicate", help="code of the organisation to merge")
        parser.add_argument("--into", required=True, help="code of the organisation to keep")

    def handle(self, *args, duplicate: str, into: str, **options):
        found = {o.code: o for o in Organisation.objects.filter(code__in=[duplicate, into])}
        for code in (duplicate, into):
            if code not in found:
                raise CommandError(f"no organisation has the code {code!r}")
        try:
            merged = merge_organisation(
                actor=command_line_actor(), duplicate=found[duplicate], into=found[into]
            )
        except DomainError as error:
            raise CommandError(str(error)) from error
        for label, count in merged.moved.items():
            self.stdout.write(f"{count} {label} moved")
        for label, count in merged.already_held.items():
            self.stdout.write(f"{count} {label} already held by {into}: dropped")
