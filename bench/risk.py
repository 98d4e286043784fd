"""Precision and recall of the dropout risk score against the dropouts the generator plants.

    python -m bench.risk [--unit 761] [--households 12000] [--seed 12]

On a fresh SQLite file in a temporary directory (DATABASE_URL is ignored): generate households
for school year 2023, advance them to 2024 and 2025 (`generate_next_school_year` plants the
dropouts of 2025 from hidden causes, one of which no record shows), then score the pupils
enrolled in 2024 with the weights of `reach/indicators/data/risk.yaml` and compare the pupils
flagged (score at or above the threshold) with those not attending in 2025. Baselines measured
in the same run: single-factor rules (poor or near-poor household; attendance below the
threshold of the score's attendance factor), and the same score at other thresholds.
"""

import argparse
import tempfile
import time

from bench import set_up_django


def _measure(name: str, flagged: set[int], dropouts: set[int]) -> str:
    hits = len(flagged & dropouts)
    precision = hits / len(flagged) if flagged else 0.0
    recall = hits / len(dropouts) if dropouts else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return (
        f"{name:<44} flagged {len(flagged):>5}  precision {precision:6.1%}  "
        f"recall {recall:6.1%}  F1 {f1:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", default="761", help="unit code from the demo units")
    parser.add_argument("--households", type=int, default=12000)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="reach-bench-") as var_dir:
        set_up_django(var_dir)
        from django.db.models import Q

        from reach.accounts.permissions import command_line_actor
        from reach.geo.models import Unit
        from reach.geo.services import DATA_DIR, load_schools, load_units
        from reach.indicators.detection import scored_enrolments
        from reach.indicators.parameters import RISK_FACTORS, risk_weights
        from reach.registry.generate import generate_households, generate_next_school_year
        from reach.registry.generate.next_year import LAST_GRADE
        from reach.registry.models import Enrolment

        load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
        load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")
        unit = Unit.objects.get(code=args.unit)
        generated = generate_households(
            unit=unit, households=args.households, seed=args.seed, year=2023
        )
        generate_next_school_year(unit=unit, seed=args.seed, year=2023)
        planted = generate_next_school_year(unit=unit, seed=args.seed, year=2024)
        print(f"database: fresh SQLite file in {var_dir}")
        print(
            f"input: {generated.households} households, {generated.persons} persons in {unit} "
            f"(seed {args.seed}); school years 2023, 2024 and 2025 generated"
        )

        eligible = Q()
        for level, last in LAST_GRADE.items():
            below_last = (
                Q(grade__lt=last) | Q(grade=last)
                if level == "lower_secondary"
                else Q(grade__lt=last)
            )
            eligible |= Q(level=level) & below_last
        weights = risk_weights()
        started = time.perf_counter()
        scored = list(
            scored_enrolments(Enrolment.objects.filter(eligible), school_year=2024).values(
                "person_id", "risk_score", "attendance_rate", *(f"risk_{f}" for f in RISK_FACTORS)
            )
        )
        score_s = time.perf_counter() - started
        attending = set(
            Enrolment.objects.filter(
                school_year=2025, status__in=["enrolled", "graduated", "transferred"]
            ).values_list("person_id", flat=True)
        )
        pupils = {row["person_id"] for row in scored}
        dropouts = pupils - attending
        print(
            f"scored: {len(scored)} pupils enrolled in 2024 (one statement, {score_s:.2f} s); "
            f"planted dropouts in 2025: {len(dropouts)} ({len(dropouts) / len(scored):.1%}); "
            f"generator reports {planted.planted_dropouts}"
        )

        def flagged_by(test) -> set[int]:
            return {row["person_id"] for row in scored if test(row)}

        print(
            _measure(
                f"risk score >= {weights.threshold} (shipped weights)",
                flagged_by(lambda r: r["risk_score"] >= weights.threshold),
                dropouts,
            )
        )
        for threshold in sorted({weights.threshold - 10, weights.threshold + 10} - {0}):
            print(
                _measure(
                    f"  same score >= {threshold}",
                    flagged_by(lambda r, t=threshold: r["risk_score"] >= t),
                    dropouts,
                )
            )
        print(
            _measure(
                "baseline: poor or near-poor household only",
                flagged_by(lambda r: r["risk_poor_household"]),
                dropouts,
            )
        )
        print(
            _measure(
                f"baseline: attendance below {weights.low_attendance_below}% only",
                flagged_by(lambda r: r["risk_low_attendance"]),
                dropouts,
            )
        )
        for factor in RISK_FACTORS:
            found = flagged_by(lambda r, f=factor: r[f"risk_{f}"])
            rate = len(found & dropouts) / len(found) if found else 0.0
            print(f"  factor {factor:<28} present in {len(found):>5} pupils, {rate:6.1%} drop out")


if __name__ == "__main__":
    main()
