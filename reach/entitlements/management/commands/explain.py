"""`reach explain --person ID --year YEAR [--lang vi|zh-hans|en]`: why a student gets, or does
not get, each benefit of the loaded policies in a school year."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from reach.common.money import format_major
from reach.entitlements.explain import Outcome, Verdict, explain_person
from reach.registry.selectors import get_person

MARKS = {
    Outcome.GRANTED: "+",
    Outcome.REFUSED: "-",
    Outcome.SUPERSEDED: "~",
    Outcome.NO_AMOUNT: "0",
}


def outcome_words(verdict: Verdict) -> str:
    if verdict.outcome == Outcome.GRANTED:
        return _("granted")
    if verdict.outcome == Outcome.SUPERSEDED:
        return _("not granted: %(other)s is larger (same group)") % {"other": verdict.superseded_by}
    if verdict.outcome == Outcome.NO_AMOUNT:
        return _("conditions met, nothing to pay") + (f" ({verdict.note})" if verdict.note else "")
    return _("refused")


def source_words(source: dict) -> str:
    return ", ".join(str(source[key]) for key in ("document", "article", "date") if source.get(key))


class Command(BaseCommand):
    help = "Explain each benefit a person gets or does not get in a school year, with sources."

    def add_arguments(self, parser):
        parser.add_argument("--person", type=int, required=True, help="the person's id")
        parser.add_argument(
            "--year", type=int, required=True, help="school year: 2024 means 2024-2025"
        )
        parser.add_argument("--lang", default=None, help="vi, zh-hans or en (default: en)")

    def handle(self, *args, person: int, year: int, lang: str | None, **options):
        found = get_person(person)
        if found is None:
            raise CommandError(_("no person with id %(id)s") % {"id": person})
        with translation.override(lang or translation.get_language()):
            self._print(explain_person(person=found, school_year=year, lang=lang or "en"))

    def _print(self, explanation) -> None:
        person = explanation.person
        self.stdout.write(
            _("%(name)s (person %(id)s), school year %(year)s")
            % {"name": person.full_name, "id": person.pk, "year": explanation.school_year}
        )
        for note in explanation.notes:
            self.stdout.write(note)
        for policy in explanation.policies:
            self.stdout.write(
                f"\n{policy.name} [{policy.policy_code} v{policy.version}] · "
                + _("reference date %(day)s") % {"day": policy.reference_date.isoformat()}
            )
            for verdict in policy.verdicts:
                self._print_verdict(verdict)

    def _print_verdict(self, verdict: Verdict) -> None:
        amount = ""
        if verdict.outcome in (Outcome.GRANTED, Outcome.SUPERSEDED):
            money = format_major(verdict.amount_minor, verdict.currency, lang="en")
            amount = f": {money} {verdict.currency} = {verdict.amount_words}"
        self.stdout.write(
            f"{MARKS[verdict.outcome]} {verdict.name} ({verdict.code}) · "
            f"{outcome_words(verdict)}{amount}"
        )
        self.stdout.write("    " + _("rule: %(rule)s") % {"rule": verdict.rule})
        for check in verdict.checks:
            mark = "+" if check.in_favour else "-"
            words = _("not: %(rule)s") % {"rule": check.words} if check.negated else check.words
            self.stdout.write(f"    [{mark}] {words} ({_('actual')}: {check.value})")
        self.stdout.write(
            "    " + _("source: %(source)s") % {"source": source_words(verdict.source)}
        )
        if verdict.line is not None and not verdict.agrees_with_run:
            self.stdout.write(
                "    "
                + _("the last run (%(run)s) recorded %(amount)s: run again to update it")
                % {
                    "run": verdict.line.run_id,
                    "amount": format_major(verdict.line.amount_minor, verdict.line.currency),
                }
            )
        elif verdict.line is None and verdict.granted:
            self.stdout.write("    " + _("No run has recorded it yet."))
