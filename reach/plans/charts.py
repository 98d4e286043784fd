"""A target's charts (`reach.common.charts`): its trend against the target, and its sub-units
compared, each with the table of its values; the same SVG on the page and in the PDF."""

from django.utils.translation import gettext as _

from reach.casework.choices import Reason
from reach.common.charts import Chart, comparison_chart, composition_chart, trend_chart
from reach.geo.models import Unit
from reach.plans.figures import FigureValue, counted_under
from reach.plans.targets import TargetProgress, year_label


def _count(number: int | None) -> str:
    return "—" if number is None else str(number)


def target_label(progress: TargetProgress) -> str:
    return _("Target %(direction)s %(value)s%%") % {
        "direction": progress.target.get_direction_display(),
        "value": f"{progress.goal:g}",
    }


def reorganisation_note(progress: TargetProgress) -> str:
    """Which years of the trend were counted under other units, across a reorganisation."""
    mapped = counted_under(progress.target.unit, progress.trend)
    return "; ".join(
        _("%(year)s counted under %(units)s")
        % {"year": year_label(year), "units": ", ".join(u.name for u in units) or "—"}
        for year, units in mapped.items()
    )


def trend_chart_for(progress: TargetProgress) -> Chart:
    return trend_chart(
        title=progress.label,
        points=[(year_label(year), value.value) for year, value in progress.trend.items()],
        target=progress.goal,
        x_title=_("School year"),
        y_title=_("Actual (%)"),
        target_label=target_label(progress),
        note=reorganisation_note(progress),
    )


def comparison_chart_for(progress: TargetProgress, figures: dict[Unit, FigureValue]) -> Chart:
    year = progress.actual_year
    return comparison_chart(
        title=_("%(figure)s by sub-unit, %(year)s")
        % {"figure": progress.label, "year": year_label(year) if year else "—"},
        bars=[(unit.name, value.value) for unit, value in figures.items()],
        target=progress.goal,
        category_title=_("Unit"),
        value_title=_("Actual (%)"),
        target_label=target_label(progress),
        extra=[(_count(v.numerator), _count(v.denominator)) for v in figures.values()],
        extra_headers=(_("Counted"), _("Out of")),
    )


def reasons_chart_for(progress: TargetProgress, counts: dict[str, int]) -> Chart | None:
    """The reasons found on the visits of the year's dropout cases, when any were recorded."""
    if not counts:
        return None
    year = progress.actual_year
    labels = dict(Reason.choices)
    return composition_chart(
        title=_("Reasons found on household visits, %(year)s")
        % {"year": year_label(year) if year else "—"},
        parts=[(str(labels.get(reason, reason)), n) for reason, n in counts.items()],
        category_title=_("Reason"),
        count_title=_("Visits"),
    )
