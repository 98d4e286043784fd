"""`reach indicators --year YEAR [--unit CODE]`: the two education deprivation indicators, the
right-age attendance rate against its target and the detection counts of a unit and of each of
its sub-units, with the change against the year before."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reach.indicators import selectors
from reach.indicators.figures import RollupRow
from reach.indicators.parameters import indicator_parameters


class CommandLineReader:
    """The command line reads the whole database, as a system administrator does."""

    is_authenticated = True
    is_superuser = True


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _signed(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:+.1f}" if isinstance(value, float) else f"{value:+d}"


class Command(BaseCommand):
    help = "Education deprivation indicators of a unit and its sub-units for a school year."

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, required=True, help="school year: 2024 means 2024-2025"
        )
        parser.add_argument("--unit", default=None, help="unit code (default: every country)")

    def handle(self, *args, year: int, unit: str | None, **options):
        reader = CommandLineReader()
        scope = None
        if unit:
            scope = selectors.get_unit_for_user(reader, unit)
            if scope is None:
                raise CommandError(_("unknown unit %(code)s") % {"code": unit})
        rollup = selectors.rollup_for_user(reader, school_year=year, unit=scope)
        reference = indicator_parameters().reference_date(year)
        self.stdout.write(
            _("School year %(start)s-%(end)s, ages on %(day)s")
            % {"start": year, "end": year + 1, "day": reference.isoformat()}
        )
        self.stdout.write(
            "  ".join(
                [
                    f"{_('unit'):<28}",
                    f"{_('households'):>10}",
                    f"{_('child deprived/children (households, rate)'):>44}",
                    f"{_('adult deprived/persons (households, rate)'):>44}",
                    f"{_('right level'):>18}",
                ]
            )
        )
        name = scope.name if scope else _("everything")
        self._row(f"{name} ({_('total')})", rollup.total)
        for row in rollup.rows:
            self._row(f"  {row.unit.name}", row)
        now = rollup.total.current
        self.stdout.write(
            _(
                "Right-age attendance of children of poor and near-poor households: %(rate)s "
                "(%(attending)s of %(children)s; target %(target)s%%)"
            )
            % {
                "rate": _percent(now.right_age_rate),
                "attending": now.right_age_attending,
                "children": now.right_age_population,
                "target": rollup.target_percent,
            }
        )
        if rollup.previous_available:
            changes = rollup.total.changes
            self.stdout.write(
                _(
                    "Change against %(year)s: child-deprived households %(child)s "
                    "(%(child_rate)s points), adult-deprived households %(adult)s "
                    "(%(adult_rate)s points), right-age rate %(right)s points"
                )
                % {
                    "year": year - 1,
                    "child": _signed(changes["child_deprived_households"]),
                    "child_rate": _signed(changes["child_household_rate"]),
                    "adult": _signed(changes["adult_deprived_households"]),
                    "adult_rate": _signed(changes["adult_household_rate"]),
                    "right": _signed(changes["right_age_rate"]),
                }
            )
        else:
            self.stdout.write(_("No enrolment in %(year)s to compare with.") % {"year": year - 1})
        counts = selectors.detection_counts_for_user(reader, school_year=year, unit=scope)
        self.stdout.write(
            _(
                "Out of school: %(out_of_school)s; dropped out: %(dropped_out)s; "
                "at risk of dropping out: %(at_risk)s"
            )
            % counts
        )

    def _row(self, label: str, row: RollupRow) -> None:
        now = row.current
        child = (
            f"{now.child_deprived}/{now.child_population} "
            f"({now.child_deprived_households}, {_percent(now.child_household_rate)})"
        )
        adult = (
            f"{now.adult_deprived}/{now.adult_population} "
            f"({now.adult_deprived_households}, {_percent(now.adult_household_rate)})"
        )
        right = (
            f"{now.right_age_attending}/{now.right_age_population} {_percent(now.right_age_rate)}"
        )
        self.stdout.write(
            "  ".join(
                [
                    f"{label[:28]:<28}",
                    f"{now.households:>10}",
                    f"{child:>44}",
                    f"{adult:>44}",
                    f"{right:>18}",
                ]
            )
        )
