"""`reach load_policy FILE [FILE...]`: load policy files and reference tables (a directory
loads its reference/ tables, then its policies)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reach.policy.loader import PolicyFileError
from reach.policy.services import load_policy_files, policy_dir_files


class Command(BaseCommand):
    help = (
        "Validate and load policy files (benefits:) and reference tables (values:); a changed "
        "policy gets a new version, an unchanged one stays as it is. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="YAML files or directories")
        parser.add_argument("--user", help="record the load as this user")

    def handle(self, *args, paths: list[Path], user, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(_("no user %(name)s") % {"name": user})
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                files += policy_dir_files(path)
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(_("%(file)s: no such file") % {"file": path})
        if not files:
            raise CommandError(
                _("no .yaml files in %(paths)s") % {"paths": " ".join(map(str, paths))}
            )
        try:
            outcomes = load_policy_files(paths=files, actor=actor)
        except PolicyFileError as error:
            for line in error.errors:
                self.stderr.write(line, style_func=lambda text: text)
            count = len(error.errors)
            message = ngettext(
                "%(count)s error: nothing was loaded", "%(count)s errors: nothing was loaded", count
            )
            raise CommandError(message % {"count": count}) from None
        for outcome in outcomes:
            self.stdout.write(str(outcome))
