"""Pages of the indicators: the roll-up with charts, the lists behind every number, and the
out-of-school, dropped-out and at-risk lists; each list exports to .xlsx."""

import io
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from reach.accounts.permissions import may_see_unmasked
from reach.accounts.services import record_export
from reach.common.downloads import export_filters
from reach.common.keyset import BadAfter, CappedCount, KeysetPage, count_up_to, keyset_page
from reach.common.xlsx import xlsx_response
from reach.geo.models import Unit
from reach.indicators import selectors
from reach.indicators.deprivation import INDICATOR_LABELS, MEASURE_LABELS, Indicator, Measure
from reach.indicators.detection import factors_of
from reach.indicators.exports import (
    at_risk_columns,
    household_columns,
    person_columns,
    write_table,
)
from reach.indicators.parameters import age_on, indicator_parameters, risk_weights
from reach.registry.selectors import default_school_year_for_user

DETECTION_LISTS = ("out_of_school", "dropped_out", "at_risk")
PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    school_year: int
    unit: Unit | None

    @property
    def query(self) -> str:
        params = {"year": self.school_year}
        if self.unit is not None:
            params["unit"] = self.unit.code
        return urlencode(params)


def parse_filters(request) -> Filters:
    """The school year (default: the latest with enrolments) and the unit of the request; a
    unit the user may not see is not found."""
    year = request.GET.get("year", "")
    school_year = int(year) if year.isdigit() else default_school_year_for_user(request.user)
    code = request.GET.get("unit", "")
    unit = None
    if code:
        unit = selectors.get_unit_for_user(request.user, code)
        if unit is None:
            raise Http404(_("No such unit"))
    return Filters(school_year=school_year, unit=unit)


def _choice(value: str, enum, default=None):
    if not value and default is not None:
        return default
    try:
        return enum(value)
    except ValueError:
        raise Http404(_("No such list")) from None


def persons_page(request, persons) -> KeysetPage:
    """The page of a list of persons after the request's `after` token."""
    try:
        return keyset_page(
            persons, key=selectors.PERSON_KEY, after=request.GET.get("after", ""), size=PAGE_SIZE
        )
    except BadAfter:
        raise Http404(_("No such list")) from None


def _bar_width(rate: float | None, largest: float) -> float:
    return round(100 * rate / largest, 1) if rate and largest else 0.0


@login_required
def overview(request):
    filters = parse_filters(request)
    # the page shows no change against a year without records: it is not counted
    rollup = selectors.rollup_for_user(
        request.user, school_year=filters.school_year, unit=filters.unit, previous=False
    )
    lines = [rollup.total, *rollup.rows]
    largest = {
        name: max((getattr(line.current, name) or 0 for line in lines), default=0)
        for name in ("child_household_rate", "adult_household_rate")
    }
    rows = [
        {
            "row": row,
            "child_bar": _bar_width(
                row.current.child_household_rate, largest["child_household_rate"]
            ),
            "adult_bar": _bar_width(
                row.current.adult_household_rate, largest["adult_household_rate"]
            ),
        }
        for row in rollup.rows
    ]
    context = {
        "filters": filters,
        "rollup": rollup,
        "rows": rows,
        "units": selectors.list_visible_units(request.user),
        "params": indicator_parameters(),
        "reference_date": indicator_parameters().reference_date(filters.school_year),
        "counts": selectors.detection_counts_up_to_for_user(
            request.user, school_year=filters.school_year, unit=filters.unit
        ),
    }
    return render(request, "indicators/overview.html", context)


def published(request, unit: Unit | None) -> bool:
    """Whether a list export is the published (masked) variant: asked for (`?public=1`), or
    the only one the user may have (see `may_see_unmasked`)."""
    return request.GET.get("public") == "1" or not may_see_unmasked(request.user, unit)


def _xlsx(request, build, *, name: str, filename: str, public: bool) -> HttpResponse:
    """The list written by `build` as a download, audited."""
    out = io.BytesIO()
    rows = build(out)
    record_export(
        actor=request.user,
        name=name,
        filters=export_filters(request.GET),
        rows=rows,
        masked=public,
    )
    return xlsx_response(out, filename=filename)


@login_required
def person_list(request):
    filters = parse_filters(request)
    indicator = _choice(request.GET.get("indicator", ""), Indicator, Indicator.CHILD)
    measure = _choice(request.GET.get("measure", ""), Measure, Measure.DEPRIVED)
    persons = selectors.list_indicator_persons_for_user(
        request.user,
        school_year=filters.school_year,
        indicator=indicator,
        measure=measure,
        unit=filters.unit,
    )
    if request.GET.get("format") == "xlsx":
        public = published(request, filters.unit)
        return _xlsx(
            request,
            lambda out: write_table(
                out,
                sheet=indicator.value,
                columns=person_columns(filters.school_year),
                rows=persons.iterator(chunk_size=2000),
                public=public,
            ),
            name="indicators.persons",
            filename=f"reach-{indicator.value}-{measure.value}-{filters.school_year}"
            f"{'-public' if public else ''}.xlsx",
            public=public,
        )
    page = persons_page(request, persons)
    reference = indicator_parameters().reference_date(filters.school_year)
    for person in page.object_list:
        person.age = age_on(person.birth_date, reference)
    context = {
        "filters": filters,
        "page": page,
        "count": count_up_to(persons, key=selectors.PERSON_KEY),
        "title": f"{INDICATOR_LABELS[indicator]}: {MEASURE_LABELS[measure]}",
        "list_query": urlencode({"indicator": indicator.value, "measure": measure.value}),
    }
    return render(request, "indicators/person_list.html", context)


@login_required
def household_list(request):
    filters = parse_filters(request)
    code = request.GET.get("indicator", "")
    indicator = _choice(code, Indicator) if code else None
    households = selectors.list_indicator_households_for_user(
        request.user, school_year=filters.school_year, indicator=indicator, unit=filters.unit
    )
    if request.GET.get("format") == "xlsx":
        public = published(request, filters.unit)
        return _xlsx(
            request,
            lambda out: write_table(
                out,
                sheet="households",
                columns=household_columns(),
                rows=households.iterator(chunk_size=2000),
                public=public,
            ),
            name="indicators.households",
            filename=f"reach-households-{code or 'all'}-{filters.school_year}"
            f"{'-public' if public else ''}.xlsx",
            public=public,
        )
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    title = (
        _("Households")
        if indicator is None
        else _("Households deprived: %(indicator)s") % {"indicator": INDICATOR_LABELS[indicator]}
    )
    context = {
        "filters": filters,
        "page": page,
        "count": CappedCount(page.paginator.count),
        "title": title,
        "list_query": urlencode({"indicator": code}),
    }
    return render(request, "indicators/household_list.html", context)


def detection_page(request, *, which: str, filters: Filters) -> dict:
    """The rows of one detection list for a page, with their ages and risk factors. The lists
    of persons page by keyset (`after`); the at-risk list, highest score first, by number."""
    user, year, unit = request.user, filters.school_year, filters.unit
    page: Page | KeysetPage
    if which == "at_risk":
        rows = selectors.list_at_risk_for_user(user, school_year=year, unit=unit)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        if which == "dropped_out":
            rows = selectors.list_dropped_out_for_user(user, school_year=year, unit=unit)
        else:
            rows = selectors.list_out_of_school_for_user(user, school_year=year, unit=unit)
        page = persons_page(request, rows)
    reference = indicator_parameters().reference_date(year)
    weights = risk_weights()
    for row in page.object_list:
        person = row.person if which == "at_risk" else row
        row.age = age_on(person.birth_date, reference)
        if which == "at_risk":
            row.factors = factors_of(row, weights)
            row.risk_width = round(100 * row.risk_score / weights.maximum, 1)
    keyset = isinstance(page, KeysetPage)
    return {"page": page, "keyset": keyset, "which": which, "rows_queryset": rows}


@login_required
def detection(request):
    filters = parse_filters(request)
    which = request.GET.get("list", "out_of_school")
    if which not in DETECTION_LISTS:
        raise Http404(_("No such list"))
    if request.GET.get("format") == "xlsx":
        data = detection_page(request, which=which, filters=filters)
        columns = at_risk_columns() if which == "at_risk" else person_columns(filters.school_year)
        public = not may_see_unmasked(request.user, filters.unit)
        return _xlsx(
            request,
            lambda out: write_table(
                out,
                sheet=which,
                columns=columns,
                rows=data["rows_queryset"].iterator(chunk_size=2000),
                public=public,
            ),
            name=f"indicators.{which}",
            filename=f"reach-{which}-{filters.school_year}{'-public' if public else ''}.xlsx",
            public=public,
        )
    context = {
        "filters": filters,
        "counts": selectors.detection_counts_up_to_for_user(
            request.user,
            school_year=filters.school_year,
            unit=filters.unit,
            at_risk=which == "at_risk",
        ),
        "units": selectors.list_visible_units(request.user),
        "weights": risk_weights(),
        **detection_page(request, which=which, filters=filters),
    }
    return render(request, "indicators/detection.html", context)
