"""`reach fit_risk_weights --unit CODE --years 2023 2024 [--output FILE]`: fit the dropout risk
score's weights on the outcomes of past school years under a unit and write them as data (by
default over the file the score reads: `REACH_RISK_WEIGHTS`, or the shipped `risk.yaml`)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reach.accounts.permissions import command_line_actor
from reach.geo.models import Unit
from reach.indicators.fitting import FitError, fit_risk_weights
from reach.indicators.parameters import DATA_DIR, ParameterError


class Command(BaseCommand):
    help = "Fit the dropout risk weights on past school years' outcomes and write them as data."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="unit code, e.g. 761")
        parser.add_argument(
            "--years",
            type=int,
            nargs="+",
            required=True,
            help="school years whose pupils are fitted on the year after (2023: 2023-2024)",
        )
        parser.add_argument("--output", default=None, help="weights file to write")

    def handle(self, *args, unit: str, years: list[int], output: str | None, **options):
        found = Unit.objects.filter(code=unit).first()
        if found is None:
            raise CommandError(f"No unit with code {unit}")
        default = getattr(settings, "REACH_RISK_WEIGHTS", DATA_DIR / "risk.yaml")
        path = Path(output or default)
        if not path.exists():
            path.write_text(Path(default).read_text(encoding="utf-8"), encoding="utf-8")
        try:
            result = fit_risk_weights(
                actor=command_line_actor(),
                unit=found,
                years=sorted(set(years)),
                path=path,
                today=timezone.localdate(),
            )
        except (FitError, ParameterError) as error:
            raise CommandError(str(error)) from error
        weights, cut = result.weights, result.cut
        self.stdout.write(
            f"{result.pupils} pupils, {result.dropouts} not attending the year after, "
            f"years {', '.join(map(str, years))} under {found.code}"
        )
        for name, points in weights.weights.items():
            self.stdout.write(
                f"  {name:<28} log-odds {result.coefficients[name]:+.3f}  weight {points}"
            )
        self.stdout.write(
            f"threshold {weights.threshold}: precision {cut.precision:.1%}, "
            f"recall {cut.recall:.1%}, F1 {cut.f1:.2f} on the years fitted; written to {path}"
        )
