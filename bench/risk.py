"""Precision and recall of the dropout risk score against the dropouts the generator plants,
beside the best any score of the recorded factors could reach.

    python -m bench.risk [--unit 761] [--households 12000] [--seed 12]

On a fresh SQLite file in a temporary directory (DATABASE_URL is ignored): generate households
for school year 2021 and advance them to 2022, 2023, 2024 and 2025 (`generate_next_school_year`
plants each year's dropouts from recorded causes and a family circumstance that no record
shows). The pupils enrolled in 2024 are scored and compared with those not attending in 2025:
- with the weights of `reach/indicators/data/risk.yaml` (or of `--weights FILE`);
- with the weights fitted on the two years before (the pupils of 2022 and 2023 and whether
  they attended the year after, as `reach fit_risk_weights --years 2022 2023` fits them),
  never on the year measured;
- the limit: the generator's own hazard of the recorded values (household status, level and
  grade, attendance rate, repeated grade, orphan, disabled, left behind, far from school, an
  older sibling's dropout; the family circumstance left out since no record shows it), flagged
  at its best threshold. No score of the recorded factors ranks pupils better on average.
Baselines in the same run: single-factor rules and the shipped score at other thresholds. The
last line holds the figures as name=value pairs.
"""

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from bench import set_up_django

FITTED_YEARS = [2022, 2023]  # their pupils and whether they attended the year after


def _line(name: str, cut) -> str:
    return (
        f"{name:<44} flagged {cut.flagged:>5}  precision {cut.precision:6.1%}  "
        f"recall {cut.recall:6.1%}  F1 {cut.f1:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", default="761", help="unit code from the demo units")
    parser.add_argument("--households", type=int, default=12000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--write", default=None, help="also write the fitted weights to this file")
    parser.add_argument("--weights", default=None, help="score with this file, not risk.yaml")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="reach-bench-") as var_dir:
        set_up_django(var_dir)
        from django.db.models import OuterRef, Q, Subquery

        from reach.accounts.permissions import command_line_actor
        from reach.geo.models import Unit
        from reach.geo.services import DATA_DIR, load_schools, load_units
        from reach.indicators.detection import scored_enrolments
        from reach.indicators.fitting import (
            best_cut,
            fit_weights,
            measure,
            outcome_rows,
            write_weights,
        )
        from reach.indicators.parameters import RISK_FACTORS, load_risk_weights, risk_weights
        from reach.registry.generate import generate_households, generate_next_school_year
        from reach.registry.generate.next_year import LAST_GRADE, recorded_hazard
        from reach.registry.models import Enrolment, HouseholdYearStatus

        load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
        load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")
        unit = Unit.objects.get(code=args.unit)
        generated = generate_households(
            unit=unit, households=args.households, seed=args.seed, year=2021
        )
        for year in (2021, 2022, 2023):
            generate_next_school_year(unit=unit, seed=args.seed, year=year)
        planted = generate_next_school_year(unit=unit, seed=args.seed, year=2024)
        print(f"database: fresh SQLite file in {var_dir}")
        print(
            f"input: {generated.households} households, {generated.persons} persons in {unit} "
            f"(seed {args.seed}); school years 2021 to 2025 generated"
        )

        eligible = Q()
        for level, last in LAST_GRADE.items():
            below_last = (
                Q(grade__lt=last) | Q(grade=last)
                if level == "lower_secondary"
                else Q(grade__lt=last)
            )
            eligible |= Q(level=level) & below_last
        shipped = load_risk_weights(Path(args.weights)) if args.weights else risk_weights()
        started = time.perf_counter()
        features, outcomes = outcome_rows(unit=unit, years=FITTED_YEARS, base=shipped)
        note = f"generated demo data ({args.households} households, seed {args.seed}): bench.risk"
        fitted = fit_weights(
            features,
            outcomes,
            base=shipped,
            unit=unit,
            years=FITTED_YEARS,
            today=dt.date.today(),
            note=note,
        ).weights
        if args.write:
            write_weights(Path(args.write), fitted)
        fit_s = time.perf_counter() - started

        status = HouseholdYearStatus.objects.filter(
            household=OuterRef("person__household"), year=2024
        ).values("status")[:1]
        columns = ("person_id", "level", "grade", "attendance_rate", "household_status")
        rows = {}
        for name, weights in (("shipped", shipped), ("fitted", fitted)):
            started = time.perf_counter()
            scored = scored_enrolments(
                Enrolment.objects.filter(eligible), school_year=2024, weights=weights
            ).annotate(household_status=Subquery(status))
            for row in scored.values(
                *columns,
                "person__orphan",
                "person__disabled",
                "person__left_behind",
                "risk_score",
                *(f"risk_{f}" for f in RISK_FACTORS),
            ):
                rows.setdefault(row["person_id"], {})[name] = row
            if name == "shipped":
                score_s = time.perf_counter() - started
        attending = set(
            Enrolment.objects.filter(
                school_year=2025, status__in=["enrolled", "graduated", "transferred"]
            ).values_list("person_id", flat=True)
        )
        pupils = sorted(rows)
        dropped = [pupil not in attending for pupil in pupils]
        print(
            f"scored: {len(pupils)} pupils enrolled in 2024 (one statement, {score_s:.2f} s); "
            f"planted dropouts in 2025: {sum(dropped)} ({sum(dropped) / len(pupils):.1%}); "
            f"generator reports {planted.planted_dropouts}"
        )
        print(
            f"fitted on 2022 -> 2023 and 2023 -> 2024: {len(outcomes)} pupils, "
            f"{sum(outcomes)} not attending ({fit_s:.2f} s); threshold {fitted.threshold}"
        )

        def score(name: str, pupil: int) -> int:
            return rows[pupil][name]["risk_score"]

        def hazard(pupil: int) -> float:
            r = rows[pupil]["shipped"]
            return recorded_hazard(
                enrolment={k: r[k] for k in ("level", "grade", "attendance_rate")},
                person={
                    "orphan": r["person__orphan"],
                    "disabled": r["person__disabled"],
                    "left_behind": r["person__left_behind"],
                },
                status=r["household_status"] or "none",
                repeated=r["risk_repeated_grade"],
                older_sibling_dropped_out=r["risk_older_sibling_dropped_out"],
                far=r["risk_far_from_school"],
                china=unit.path.startswith("CN"),
            )

        shipped_cut = measure([score("shipped", p) >= shipped.threshold for p in pupils], dropped)
        fitted_cut = measure([score("fitted", p) >= fitted.threshold for p in pupils], dropped)
        limit = best_cut([hazard(p) for p in pupils], dropped)
        fitted_best = best_cut([score("fitted", p) for p in pupils], dropped)
        print(
            _line(
                f"risk score >= {shipped.threshold} ({args.weights or 'shipped weights'})",
                shipped_cut,
            )
        )
        for threshold in sorted({shipped.threshold - 10, shipped.threshold + 10} - {0}):
            flags = [score("shipped", p) >= threshold for p in pupils]
            print(_line(f"  same score >= {threshold}", measure(flags, dropped)))
        print(_line(f"risk score >= {fitted.threshold} (fitted on 2022-23)", fitted_cut))
        print(_line("  fitted score at its best threshold (hindsight)", fitted_best))
        print(_line("limit: generator's hazard of recorded values", limit))
        flags = [rows[p]["shipped"]["risk_poor_household"] for p in pupils]
        print(_line("baseline: poor or near-poor household only", measure(flags, dropped)))
        flags = [rows[p]["shipped"]["risk_low_attendance"] for p in pupils]
        print(
            _line(
                f"baseline: attendance below {shipped.low_attendance_below}% only",
                measure(flags, dropped),
            )
        )
        for factor in RISK_FACTORS:
            found = [
                p
                for p, d in zip(pupils, dropped, strict=True)
                if rows[p]["shipped"][f"risk_{factor}"]
            ]
            rate = sum(p not in attending for p in found) / len(found) if found else 0.0
            print(
                f"  factor {factor:<28} present in {len(found):>5} pupils, {rate:6.1%} drop out, "
                f"weight {shipped.weights[factor]} shipped, {fitted.weights[factor]} fitted"
            )
        share = fitted_cut.f1 / limit.f1 if limit.f1 else 0.0
        print(
            f"shipped_f1={shipped_cut.f1:.3f} fitted_f1={fitted_cut.f1:.3f} "
            f"limit_f1={limit.f1:.3f} limit_precision={limit.precision:.3f} "
            f"limit_recall={limit.recall:.3f} fitted_share_of_limit={share:.2f}"
        )


if __name__ == "__main__":
    main()
