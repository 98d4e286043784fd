"""Benchmark `generate_households` against writing the same rows one `.save()` at a time.

    python -m bench.generate --persons 1000000

Runs on a fresh SQLite file in a temporary directory (DATABASE_URL is ignored). The baseline
builds a sample of households with the same builder and saves every row on its own inside one
transaction (then rolls it back), and is extrapolated to the full number of persons.
"""

import argparse
import math
import os
import tempfile
import time

from bench import set_up_django


def _baseline(unit, sample_persons: int, seed: int) -> tuple[int, float, float]:
    """Persons written, seconds and CPU seconds taken when every row is its own INSERT."""
    from django.db import transaction

    from reach.registry.generate import HouseholdBuilder

    started, cpu_started = time.perf_counter(), time.process_time()
    persons = 0
    with transaction.atomic():
        builder = HouseholdBuilder(unit=unit, seed=seed, year=2024)
        index = 0
        while persons < sample_persons:
            rows = builder.build(index)
            index += 1
            rows.household.save()
            for status in rows.statuses:
                status.household_id = rows.household.pk
                status.save()
            for person in rows.persons:
                person.household_id = rows.household.pk
                person.save()
            for person, enrolment in rows.enrolments:
                enrolment.person_id = person.pk
                enrolment.save()
            persons += len(rows.persons)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        transaction.set_rollback(True)
    return persons, elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--unit", default="761", help="unit code from the demo units")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, default=2000, help="persons in the baseline")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="reach-bench-") as var_dir:
        set_up_django(var_dir)
        from reach.accounts.permissions import command_line_actor
        from reach.geo.models import Unit
        from reach.geo.services import DATA_DIR, load_schools, load_units
        from reach.registry.generate import generate_households, profile_for

        load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
        load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")
        unit = Unit.objects.get(code=args.unit)
        # 0.5% more households than the mean size needs: several standard deviations of margin
        households = math.ceil(args.persons / profile_for(unit).mean_household_size * 1.005)
        print(f"database: fresh SQLite file in {var_dir}")
        print(f"input: {args.persons} persons requested -> {households} households in {unit}")

        sample_persons, sample_s, sample_cpu_s = _baseline(unit, args.sample, args.seed + 1)
        print(
            f"baseline: {sample_persons} persons saved row by row in {sample_s:.2f} s "
            f"({sample_cpu_s:.2f} s of CPU time)"
        )

        def progress(done: int, total: int) -> None:
            if done == total or done % (10 * 5000) == 0:
                print(f"  {done * 100 // total:3d}% {done}/{total} households", flush=True)

        started, cpu_started = time.perf_counter(), time.process_time()
        result = generate_households(
            unit=unit, households=households, seed=args.seed, progress=progress
        )
        generate_s = time.perf_counter() - started
        cpu_s = time.process_time() - cpu_started
        baseline_s = sample_s / sample_persons * result.persons
        baseline_cpu_s = sample_cpu_s / sample_persons * result.persons
        size_mb = os.path.getsize(os.path.join(var_dir, "reach.sqlite3")) / 1e6
        print(
            f"generated: {result.households} households, {result.persons} persons, "
            f"{result.enrolments} enrolments, {result.statuses} statuses; "
            f"{result.persons / generate_s:,.0f} persons/s; {cpu_s:.1f} s of CPU time in "
            f"{generate_s:.1f} s; database {size_mb:,.0f} MB"
        )
        print(
            f"CPU time: generate {cpu_s:.1f} s, baseline {baseline_cpu_s:.1f} s (extrapolated), "
            f"speedup {baseline_cpu_s / cpu_s:.1f} (other load on the machine does not count)"
        )
        print(
            f"persons={result.persons} households={result.households} "
            f"generate_s={generate_s:.1f} baseline_s={baseline_s:.1f} "
            f"speedup={baseline_s / generate_s:.1f}"
        )


if __name__ == "__main__":
    main()
