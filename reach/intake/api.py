"""/api/v1/intake/: universal-education rates and the persons behind them, intake plans and
places, streaming after grade 9. Reads go through the selectors (`restrict`); writes through
the services."""

from django.utils.translation import gettext as _
from ninja import Router

from reach.accounts.scoping import restrict
from reach.common.errors import found
from reach.common.schemas import ERRORS, READ_ERRORS, SchoolYear
from reach.geo.models import School
from reach.geo.selectors import unit_for_user_or_404
from reach.intake import selectors, services
from reach.intake.definitions import Rate
from reach.intake.schemas import (
    CapacityIn,
    CapacityOut,
    IntakeOut,
    IntakePersonOut,
    NextStepIn,
    NextStepOut,
    OpenCasesIn,
    OpenedOut,
    StreamingOut,
    UnitRatesOut,
)
from reach.intake.universal import RateMeasure, RateValue
from reach.registry.models import Person
from reach.registry.selectors import default_school_year_for_user

router = Router(tags=["intake"])


def _rate_out(r: RateValue) -> dict:
    rate: Rate = r.rate
    return {
        "code": rate.code,
        "label": rate.label,
        "ages": [rate.ages.first, rate.ages.last],
        "counted": r.counted,
        "population": r.population,
        "value": r.value,
        "level_reached": r.level_reached,
        "levels": [
            {"level": lv.level, "threshold_percent": lv.threshold, "confidence": lv.confidence}
            for lv in rate.levels
        ],
        "source": rate.source,
        "confidence": rate.confidence,
    }


@router.get("/intake/universal", response={200: list[UnitRatesOut], **READ_ERRORS})
def get_universal_rates(request, school_year: SchoolYear | None = None, unit: str = ""):
    """The rates of the unit (all the reader sees without one), then of each sub-unit."""
    place = unit_for_user_or_404(request.user, unit)
    year = school_year or default_school_year_for_user(request.user)
    own = selectors.universal_rates_for_user(request.user, unit=place, school_year=year)
    by_unit = selectors.universal_rates_by_sub_unit_for_user(
        request.user, unit=place, school_year=year
    )
    return [{"unit": place.code if place else "", "rates": [_rate_out(r) for r in own]}] + [
        {"unit": u.code, "rates": [_rate_out(r) for r in rows]} for u, rows in by_unit.items()
    ]


@router.get("/intake/universal/persons", response={200: list[IntakePersonOut], **READ_ERRORS})
def list_rate_persons(
    request,
    rate: str,
    measure: RateMeasure = RateMeasure.NOT_COUNTED,
    school_year: SchoolYear | None = None,
    unit: str = "",
):
    definition = found(selectors.get_rate(rate), _("No such rate"))
    place = unit_for_user_or_404(request.user, unit)
    year = school_year or default_school_year_for_user(request.user)
    persons = selectors.list_rate_persons_for_user(
        request.user, rate=definition, measure=measure, unit=place, school_year=year
    )
    return [
        {"id": p.pk, "full_name": p.full_name, "household": p.household.code,
         "unit": p.household.unit.code}
        for p in persons[:5000]
    ]  # fmt: skip


@router.get("/intake/places", response={200: IntakeOut, **READ_ERRORS})
def get_intake(request, unit: str, grade: int = 1, school_year: SchoolYear | None = None):
    """The intake of an entry grade next school year for a ward or district (404 above)."""
    place = found(unit_for_user_or_404(request.user, unit), _("Unit not found"))
    year = school_year or default_school_year_for_user(request.user)
    plan = found(
        selectors.intake_plan_for_user(request.user, unit=place, school_year=year, grade=grade),
        _("Ask for a ward or a district."),
    )
    shown = {w.ward.code for w in plan.wards}

    def child(c):
        return {
            "id": c.person.pk, "full_name": c.person.full_name,
            "household": c.person.household.code, "ward": c.ward, "priority": c.priority,
            "school": c.school.code if c.school else None,
        }  # fmt: skip

    return {
        "district": plan.allocation.area.code,
        "school_year": year,
        "entry_year": year + 1,
        "grade": grade,
        "wards": [
            {"ward": w.ward.code, "children": w.children, "priority": w.priority,
             "places": w.places, "gap": w.gap, "placed_in_ward": w.placed_in_ward,
             "placed_elsewhere": w.placed_elsewhere, "unplaced": w.unplaced}
            for w in plan.wards
        ],
        "schools": [
            {"school": s.code, "ward": s.ward, "places": s.places, "allocated": s.allocated,
             "free": s.free}
            for s in plan.allocation.schools if s.ward in shown
        ],
        "children": [child(c) for c in plan.children],
        "unplaced": [child(c) for c in plan.unplaced],
        "not_named": plan.hidden,
    }  # fmt: skip


@router.post("/intake/capacities", response={200: CapacityOut, **ERRORS})
def set_capacity(request, body: CapacityIn):
    school = found(
        restrict(School.objects.select_related("unit"), request.user)
        .filter(code=body.school)
        .first(),
        _("School not found"),
    )
    capacity = services.set_capacity(
        actor=request.user,
        school=school,
        school_year=body.school_year,
        grade=body.grade,
        places=body.places,
    )
    return {
        "id": capacity.pk,
        "school": school.code,
        "school_year": capacity.school_year,
        "grade": capacity.grade,
        "places": capacity.places,
    }


@router.get("/intake/streaming", response={200: StreamingOut, **READ_ERRORS})
def get_streaming(request, school_year: SchoolYear | None = None, unit: str = ""):
    place = unit_for_user_or_404(request.user, unit)
    year = school_year or default_school_year_for_user(request.user)
    rows = selectors.list_finishers_for_user(request.user, unit=place, school_year=year)
    return {
        "school_year": year,
        "counts": selectors.streaming_counts_for_user(request.user, unit=place, school_year=year),
        "finishers": [
            {"id": p.pk, "full_name": p.full_name, "household": p.household.code,
             "unit": p.household.unit.code, "school": p.grade_9_school,
             "next_step": p.next_step}
            for p in rows[:5000]
        ],
    }  # fmt: skip


@router.post("/intake/streaming/outcomes", response={200: NextStepOut, **ERRORS})
def record_next_step(request, body: NextStepIn):
    person = found(
        restrict(Person.objects.filter(pk=body.person), request.user).first(),
        _("Person not found"),
    )
    record = services.record_next_step(
        actor=request.user,
        person=person,
        school_year=body.school_year,
        outcome=body.outcome,
        note=body.note,
    )
    return {"id": person.pk, "next_step": record.outcome}


@router.post("/intake/streaming/cases", response={200: OpenedOut, **ERRORS})
def open_cases(request, body: OpenCasesIn):
    place = unit_for_user_or_404(request.user, body.unit)
    opened = services.open_cases_for_unknown_next_steps(
        actor=request.user, school_year=body.school_year, unit=place
    )
    return {"opened": opened}
