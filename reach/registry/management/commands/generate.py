import argparse
import time

from django.core.management.base import BaseCommand, CommandError

from reach.geo.models import Unit
from reach.registry.generate import GenerationError, generate_households


def _non_negative(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of 0 or more")
    return int(value)


class Command(BaseCommand):
    help = (
        "Generate deterministic demo households (members, poverty statuses, enrolments) across "
        "the communes under a unit. The same unit, seed, count and year give the same data; "
        "households that already exist are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="code of the unit, e.g. 761")
        parser.add_argument("--households", required=True, type=_non_negative)
        parser.add_argument("--seed", required=True, type=_non_negative)
        parser.add_argument("--year", type=int, default=2024, help="2024 = school year 2024-2025")

    def handle(self, *args, unit: str, households: int, seed: int, year: int, **options):
        try:
            target = Unit.objects.get(code=unit)
        except Unit.DoesNotExist as error:
            raise CommandError(f"unknown unit code {unit!r}") from error
        self.stdout.write(
            f"Generating {households} households in {target.code} {target.name} "
            f"(seed {seed}, school year {year}-{year + 1})"
        )
        printed = [0]

        def progress(done: int, total: int) -> None:
            tenth = done * 10 // total
            if tenth > printed[0]:
                printed[0] = tenth
                self.stdout.write(f"  {done * 100 // total}% {done}/{total} households")

        started = time.perf_counter()
        try:
            result = generate_households(
                unit=target, households=households, seed=seed, year=year, progress=progress
            )
        except GenerationError as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        summary = (
            f"Created {result.households} households, {result.persons} persons, "
            f"{result.enrolments} enrolments, {result.statuses} statuses in {elapsed:.1f} s"
        )
        if households and not result.households:
            summary += f" (all {households} households of seed {seed} exist already)"
        self.stdout.write(summary)
