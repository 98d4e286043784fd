"""Pages of universal education, intake planning and streaming: the rates of a unit and its
sub-units with the persons behind each number; a ward's (or district's) intake per entry grade
with its gap, allocation and unplaced children (.xlsx for those who plan the intake, masked
where the reader may not see names in full, audited); grade-9 finishers and their next steps,
with the unknowns opened as cases; a school's places per entry grade and year, set on its page
with who set each figure last."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reach.accounts.permissions import may_see_unmasked, require
from reach.accounts.scoping import restrict
from reach.accounts.services import record_export
from reach.common.downloads import export_filters
from reach.common.errors import DomainError, NotAllowed, found
from reach.common.masking import mask_name
from reach.common.xlsx import Sheet, write_workbook, xlsx_response
from reach.geo.models import Unit
from reach.geo.selectors import home_unit_for_user, unit_for_user_or_404
from reach.intake import selectors, services
from reach.intake.choices import RECORDED_STEPS, EntryGrade, NextStep
from reach.intake.forms import CapacityForm
from reach.intake.permissions import can_export_intake, can_set_capacity
from reach.intake.universal import RateMeasure
from reach.registry.models import Person
from reach.registry.selectors import default_school_year_for_user

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _year(request) -> int:
    raw = request.GET.get("year", "") or request.POST.get("year", "")
    if raw.isdigit() and FIRST_YEAR <= int(raw) <= LAST_YEAR:
        return int(raw)
    return default_school_year_for_user(request.user)


def _unit(request) -> Unit | None:
    code = request.GET.get("unit") or request.POST.get("unit")
    return unit_for_user_or_404(request.user, code) or home_unit_for_user(request.user)


def _grade(request) -> int:
    raw = request.GET.get("grade", "")
    return int(raw) if raw.isdigit() and int(raw) in EntryGrade.values else EntryGrade.GRADE_1


@login_required
def overview(request):
    unit, year = _unit(request), _year(request)
    return render(
        request,
        "intake/overview.html",
        {
            "unit": unit,
            "year": year,
            "rates": selectors.universal_rates_for_user(request.user, unit=unit, school_year=year),
            "by_unit": selectors.universal_rates_by_sub_unit_for_user(
                request.user, unit=unit, school_year=year
            ),
        },
    )


def _measure_labels() -> dict[str, str]:
    return {
        RateMeasure.POPULATION: _("in the age group"),
        RateMeasure.COUNTED: _("attending or completed"),
        RateMeasure.NOT_COUNTED: _("neither attending nor completed"),
    }


@login_required
def rate_persons(request):
    """The persons behind one number of a rate; `?format=xlsx` downloads them (audited, names
    masked for a reader who may not see them in full)."""
    unit, year = _unit(request), _year(request)
    rate = selectors.get_rate(request.GET.get("rate", ""))
    if rate is None:
        raise Http404(_("No such rate"))
    measure = request.GET.get("measure", RateMeasure.NOT_COUNTED)
    if measure not in RateMeasure.__members__.values():
        measure = RateMeasure.NOT_COUNTED
    persons = selectors.list_rate_persons_for_user(
        request.user, rate=rate, measure=measure, unit=unit, school_year=year
    )
    title = f"{rate.label}: {_measure_labels()[measure]} {year}"
    if request.GET.get("format") == "xlsx":
        masked = not may_see_unmasked(request.user, unit)
        out = io.BytesIO()
        sheet = Sheet(
            name=rate.code[:31],
            headings=[_("Household"), _("Unit"), _("Full name"), _("Birth year")],
            rows=(
                [
                    p.household.code,
                    p.household.unit.code,
                    mask_name(p.full_name) if masked else p.full_name,
                    p.birth_date.year,
                ]
                for p in persons
            ),
            preamble=[title],
            widths=[16, 16, 30, 10],
        )
        (rows,) = write_workbook(out, [sheet])
        record_export(
            actor=request.user,
            name="intake.rate_persons",
            filters=export_filters(request.GET, rate=rate.code, measure=measure, year=year),
            rows=rows,
            masked=masked,
        )
        return xlsx_response(out, filename=f"reach-universal-{rate.code}-{measure}-{year}.xlsx")
    return render(
        request,
        "intake/rate_persons.html",
        {
            "unit": unit,
            "year": year,
            "rate": rate,
            "measure": measure,
            "measures": _measure_labels().items(),
            "title": title,
            "persons": persons[:500],
            "count": persons.count(),
        },
    )


def _intake_sheets(plan, *, masked: bool, year: int, grade_label: str) -> list[Sheet]:
    wards = Sheet(
        name=_("Wards")[:31],
        headings=[
            _("Ward"), _("Children"), _("Priority"), _("Places"), _("Gap"),
            _("Placed in the ward"), _("Placed in the district"), _("Without a place"),
        ],
        rows=(
            [w.ward.name, w.children, w.priority, w.places, w.gap, w.placed_in_ward,
             w.placed_elsewhere, w.unplaced]
            for w in plan.wards
        ),
        preamble=[f"{grade_label} {year + 1}-{year + 2}"],
    )  # fmt: skip
    children = Sheet(
        name=_("Children")[:31],
        headings=[_("Household"), _("Ward"), _("Full name"), _("Priority"), _("School")],
        rows=(
            [
                c.person.household.code,
                c.ward,
                mask_name(c.person.full_name) if masked else c.person.full_name,
                _("yes") if c.priority else "",
                c.school.name if c.school else _("Without a place"),
            ]
            for c in plan.children
        ),
        widths=[16, 12, 30, 10, 30],
    )
    return [wards, children]


@login_required
def places(request):
    """The intake of an entry grade next school year for a ward or a district."""
    unit, year, grade = _unit(request), _year(request), _grade(request)
    plan = (
        selectors.intake_plan_for_user(request.user, unit=unit, school_year=year, grade=grade)
        if unit is not None
        else None
    )
    grade_label = EntryGrade(grade).label
    if plan is not None and request.GET.get("format") == "xlsx":
        require(can_export_intake(request.user, unit), _("Your role cannot download this list."))
        masked = not may_see_unmasked(request.user, unit)
        out = io.BytesIO()
        counts = write_workbook(
            out, _intake_sheets(plan, masked=masked, year=year, grade_label=str(grade_label))
        )
        record_export(
            actor=request.user,
            name="intake.places",
            filters=export_filters(request.GET, year=year, grade=grade),
            rows=sum(counts),
            masked=masked,
        )
        return xlsx_response(out, filename=f"reach-intake-{unit.code}-{grade}-{year + 1}.xlsx")
    children = (
        restrict(Unit.objects.filter(parent=unit), request.user).order_by("code")
        if unit is not None and plan is None
        else []
    )
    schools = [
        s for s in (plan.allocation.schools if plan else [])
        if any(s.ward == w.ward.code for w in plan.wards)
    ]  # fmt: skip
    return render(
        request,
        "intake/places.html",
        {
            "unit": unit,
            "year": year,
            "next_year": year + 1,
            "grade": grade,
            "grade_label": grade_label,
            "grades": EntryGrade.choices,
            "plan": plan,
            "schools": schools,
            "choose": children,
            "may_export": unit is not None and can_export_intake(request.user, unit),
            "school_places": (
                selectors.list_school_places_for_user(
                    request.user, unit=unit, school_year=year + 1, grade=grade
                )
                if plan is not None
                else []
            ),
        },
    )


@login_required
def school_places(request, school_id: int):
    """A school's places per entry grade and school year, with who set each figure last; a
    POST sets the places of one grade and year (creating or changing them)."""
    school = found(selectors.get_school_for_user(request.user, school_id), _("School not found"))
    may = can_set_capacity(request.user, school)
    # `year` is the year the children are counted in, as on the intake page: they enter the next
    initial = {"school_year": _year(request) + 1, "grade": _grade(request)}
    form = CapacityForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require(may, _("Your role cannot set this school's places."))
        if form.is_valid():
            try:
                services.set_capacity(actor=request.user, school=school, **form.cleaned_data)
                messages.success(request, _("Recorded."))
                return redirect("intake:school-places", school_id=school.pk)
            except NotAllowed:
                raise
            except DomainError as error:
                form.add_error(None, str(error))
    return render(
        request,
        "intake/school_places.html",
        {
            "school": school,
            "places": selectors.list_places_of_school_for_user(request.user, school),
            "grades": EntryGrade.choices,
            "form": form if may else None,
        },
    )


@login_required
def streaming(request):
    unit, year = _unit(request), _year(request)
    finishers = selectors.list_finishers_for_user(request.user, unit=unit, school_year=year)
    counts = selectors.streaming_counts_for_user(request.user, unit=unit, school_year=year)
    return render(
        request,
        "intake/streaming.html",
        {
            "unit": unit,
            "year": year,
            "finishers": finishers[:500],
            "count": sum(counts.values()),
            "counts": [(label, counts.get(value, 0)) for value, label in NextStep.choices],
            "steps": dict(NextStep.choices),
            "recordable": [(s.value, s.label) for s in RECORDED_STEPS],
        },
    )


def _back(request, year: int, unit: Unit | None):
    query = {"year": year, **({"unit": unit.code} if unit else {})}
    return redirect(f"{reverse('intake:streaming')}?{urlencode(query)}")


@login_required
@require_POST
def open_cases(request):
    unit, year = _unit(request), _year(request)
    try:
        opened = services.open_cases_for_unknown_next_steps(
            actor=request.user, school_year=year, unit=unit
        )
        messages.success(request, _("%(n)s cases opened.") % {"n": opened})
    except NotAllowed:
        raise
    except DomainError as error:
        messages.error(request, str(error))
    return _back(request, year, unit)


@login_required
@require_POST
def record_next_step(request):
    unit, year = _unit(request), _year(request)
    raw = request.POST.get("person", "")
    person = (
        restrict(Person.objects.filter(pk=int(raw)), request.user).first()
        if raw.isdigit()
        else None
    )
    if person is None:
        raise Http404(_("No such person"))
    try:
        services.record_next_step(
            actor=request.user,
            person=person,
            school_year=year,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Recorded."))
    except NotAllowed:
        raise
    except DomainError as error:
        messages.error(request, str(error))
    return _back(request, year, unit)
