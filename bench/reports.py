"""Benchmark a province-level report over a million persons and five school years against
counting it unit by unit.

    python -m bench.reports --persons 1000000

On a fresh SQLite file in a temporary directory (DATABASE_URL is ignored): the demo units,
`--persons` persons generated in District 12 for school year 2024, and their enrolments and
poverty statuses copied back over the four years before (a pupil one grade lower each year
back; those who would be below grade 1 are left out), so five school years hold records.

Timed first, apart: the refresh of the figures' counts per unit and school year
(`reach.plans.services.refresh_figures`, what `reach refresh_figures` and the background task
after a write run: one INSERT ... SELECT per figure and year), printed as `refresh_s`.

Then the report: what the report of the province (Ho Chi Minh City, unit 79) computes when it
opens or is submitted (`reach.reports.snapshots.live_snapshot`: one sum of the kept counts per
figure and one GROUP BY per figure for its table of sub-units) plus each figure's trend over the
five years (`figure_trend`: one GROUP BY per figure over the years) -- the report's figures are
the plans' definitions, as the report templates name them. The PDF is not timed (WeasyPrint's
layout does not grow with the persons).

Baseline, measured in the same run, from the records: the per-unit loop a spreadsheet-minded
implementation does: each figure counted for each ward on its own, for the latest school year,
then extrapolated to five years. The wards' counts, counted from the records, must add up to the
province's read from the kept counts.
"""

import argparse
import datetime as dt
import math
import os
import tempfile
import time

from bench import set_up_django

YEAR = 2024
YEARS = 5
GOAL_S = 2.0


def _copy_years_back(years: int) -> None:
    """Enrolments and statuses of YEAR copied to the `years - 1` years before, set-based (a
    status the generator already gave a household for that year is kept)."""
    from django.db import connection

    from reach.registry.models import Enrolment, HouseholdYearStatus

    def columns(model) -> list[str]:
        return [f.column for f in model._meta.concrete_fields if f.column != "id"]

    with connection.cursor() as cursor:
        for back in range(1, years):
            enrolment = columns(Enrolment)
            chosen = [
                f"school_year - {back}"
                if c == "school_year"
                else f"grade - {back}"
                if c == "grade"
                else c
                for c in enrolment
            ]
            cursor.execute(
                f"INSERT OR IGNORE INTO {Enrolment._meta.db_table} ({', '.join(enrolment)}) "  # noqa: S608
                f"SELECT {', '.join(chosen)} FROM {Enrolment._meta.db_table} "
                f"WHERE school_year = %s AND (grade IS NULL OR grade > %s)",
                [YEAR, back],
            )
            status = columns(HouseholdYearStatus)
            chosen = [f"year - {back}" if c == "year" else c for c in status]
            cursor.execute(
                f"INSERT OR IGNORE INTO {HouseholdYearStatus._meta.db_table} ({', '.join(status)}) "  # noqa: S608
                f"SELECT {', '.join(chosen)} FROM {HouseholdYearStatus._meta.db_table} "
                f"WHERE year = %s",
                [YEAR],
            )
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="reach-bench-") as var_dir:
        set_up_django(var_dir)
        from django.db import connection

        from reach.accounts.permissions import command_line_actor
        from reach.geo.models import Unit
        from reach.geo.services import DATA_DIR, load_schools, load_units
        from reach.plans.figures import figure, figure_definitions, figure_trend
        from reach.plans.services import refresh_figures
        from reach.registry.generate import generate_households, profile_for
        from reach.registry.models import Person
        from reach.reports.definitions import get_template
        from reach.reports.models import Report
        from reach.reports.periods import period_of
        from reach.reports.snapshots import live_snapshot, summed, value_of

        load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
        load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")
        district = Unit.objects.get(code="761")
        households = math.ceil(args.persons / profile_for(district).mean_household_size * 1.005)
        started = time.perf_counter()
        generated = generate_households(unit=district, households=households, seed=args.seed)
        _copy_years_back(YEARS)
        print(
            f"generated: {generated.persons} persons, {YEARS} school years of enrolments "
            f"({time.perf_counter() - started:.0f} s); machine: {os.cpu_count()} cores, "
            f"SQLite {connection.Database.sqlite_version}",
            flush=True,
        )

        province = Unit.objects.get(code="79")
        period = period_of("school_year", dt.date(YEAR, 10, 15))
        # A ward template's figures and sub-unit table, counted (not rolled up) over the province
        report = Report(
            template="vn_ward_school_year",
            unit=province,
            period_kind=period.kind,
            starts_on=period.starts_on,
            ends_on=period.ends_on,
            period_label=period.label,
            school_year=YEAR,
            due_on=period.ends_on,
        )
        template = get_template("vn_ward_school_year")
        assert template is not None
        definitions = figure_definitions()
        codes = list(template.figure_codes)
        years = list(range(YEAR - YEARS + 1, YEAR + 1))

        started, cpu = time.perf_counter(), time.process_time()
        refreshed = refresh_figures()
        refresh_s, refresh_cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"refresh: {len(refreshed)} counts (figures x school years) in {refresh_s:.1f} s "
              f"({refresh_cpu:.1f} s of CPU time)", flush=True)  # fmt: skip

        started, cpu = time.perf_counter(), time.process_time()
        snapshot = live_snapshot(report)
        trends = {code: figure_trend(definitions[code], province, years) for code in codes}
        report_s, report_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert snapshot.get("counted_as_of"), "the report read the kept counts"
        print(f"report: {len(codes)} figures, their sub-unit table and {YEARS}-year trends "
              f"from the kept counts in {report_s:.2f} s ({report_cpu:.2f} s of CPU time)",
              flush=True)  # fmt: skip

        wards = list(Unit.objects.filter(parent=district).order_by("path"))
        started, cpu = time.perf_counter(), time.process_time()
        everyone = Person.objects.all()  # passed: counted from the records, not the kept counts
        per_ward = {
            code: summed(figure(definitions[code], ward, YEAR, persons=everyone) for ward in wards)
            for code in codes
        }
        baseline_one_year = time.perf_counter() - started
        baseline_cpu = (time.process_time() - cpu) * YEARS
        baseline_s = baseline_one_year * YEARS
        print(f"baseline: {len(codes)} figures x {len(wards)} wards one at a time in "
              f"{baseline_one_year:.2f} s for {YEAR}; x{YEARS} years = {baseline_s:.1f} s",
              flush=True)  # fmt: skip

        for code in codes:
            frozen = value_of(snapshot["figures"][code])
            assert (frozen.numerator, frozen.denominator) == (
                per_ward[code].numerator,
                per_ward[code].denominator,
            ), f"{code}: the wards do not add up to the province"
            assert trends[code][YEAR] == frozen, f"{code}: the trend's last year differs"
        print("check: each figure of the province (kept counts) equals the sum of its wards "
              "(counted from the records)")  # fmt: skip

    print(
        f"persons={generated.persons} years={YEARS} figures={len(codes)} "
        f"refresh_s={refresh_s:.1f} refresh_cpu_s={refresh_cpu:.1f} "
        f"report_s={report_s:.2f} cpu_s={report_cpu:.2f} baseline_s={baseline_s:.1f} "
        f"baseline_cpu_s={baseline_cpu:.1f} "
        f"speedup={baseline_s / report_s:.1f} goal_s={GOAL_S}"
    )


if __name__ == "__main__":
    main()
