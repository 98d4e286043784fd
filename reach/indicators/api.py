"""/api/v1/indicators: roll-ups, the lists behind them (masked with public=true) and the
detection lists, all scoped by the caller's units."""

from django.core.paginator import Paginator
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from reach.accounts.permissions import may_see_unmasked
from reach.common.keyset import BadAfter, count_up_to, keyset_page
from reach.common.masking import mask_id, mask_name
from reach.common.schemas import READ_ERRORS, SchoolYear
from reach.indicators import selectors
from reach.indicators.deprivation import Indicator, Measure
from reach.indicators.detection import factors_of
from reach.indicators.figures import RollupRow
from reach.indicators.parameters import age_on, indicator_parameters, risk_weights
from reach.indicators.schemas import AtRiskPage, IndicatorHouseholdPage, PersonPage, RollupOut
from reach.registry.selectors import default_school_year_for_user

router = Router(tags=["indicators"])
MAX_PAGE_SIZE = 500


class Scope(Schema):
    year: SchoolYear | None = None
    unit: str = ""


class Paging(Scope):
    page: int = 1
    page_size: int = 100


class KeysetPaging(Scope):
    after: str = ""
    page_size: int = 100


class PersonFilter(KeysetPaging):
    indicator: Indicator = Indicator.CHILD
    measure: Measure = Measure.DEPRIVED
    public: bool = False


class IndicatorHouseholdFilter(Paging):
    indicator: Indicator | None = None
    public: bool = False


class DetectionFilter(Paging):
    list: str = "out_of_school"


def _scope(request, filters: Scope):
    year = filters.year or default_school_year_for_user(request.user)
    unit = None
    if filters.unit:
        unit = selectors.get_unit_for_user(request.user, filters.unit)
        if unit is None:
            raise HttpError(404, "Unit not found")
    return year, unit


def _page(queryset, filters: Paging):
    page_size = max(1, min(filters.page_size, MAX_PAGE_SIZE))
    paginator = Paginator(queryset, page_size)
    return paginator, paginator.get_page(filters.page), page_size


def _row_out(row: RollupRow) -> dict:
    unit = row.unit
    return {
        "unit": unit.code if unit else None,
        "unit_name": unit.name if unit else None,
        "unit_path": unit.path if unit else None,
        "current": row.current.as_dict(),
        "previous": row.previous.as_dict(),
        "changes": row.changes,
    }


@router.get("/indicators", response={200: RollupOut, **READ_ERRORS})
def get_rollup(request, filters: Query[Scope]):
    year, unit = _scope(request, filters)
    rollup = selectors.rollup_for_user(request.user, school_year=year, unit=unit)
    return {
        "school_year": year,
        "reference_date": indicator_parameters().reference_date(year),
        "target_percent": rollup.target_percent,
        "previous_available": rollup.previous_available,
        "total": _row_out(rollup.total),
        "rows": [_row_out(row) for row in rollup.rows],
    }


@router.get("/indicators/persons", response={200: PersonPage, **READ_ERRORS})
def list_persons(request, filters: Query[PersonFilter]):
    year, unit = _scope(request, filters)
    persons = selectors.list_indicator_persons_for_user(
        request.user,
        school_year=year,
        indicator=filters.indicator,
        measure=filters.measure,
        unit=unit,
    )
    page_size = max(1, min(filters.page_size, MAX_PAGE_SIZE))
    try:
        page = keyset_page(persons, key=selectors.PERSON_KEY, after=filters.after, size=page_size)
    except BadAfter:
        raise HttpError(422, "after: not a key of this list") from None
    count = count_up_to(persons, key=selectors.PERSON_KEY)
    on = indicator_parameters().reference_date(year)
    public = filters.public
    # A caller who may not see unmasked data here gets IDs and birth dates masked, as in exports.
    masked = public or not may_see_unmasked(request.user, unit)
    items = [
        {
            "id": None if public else p.pk,
            "full_name": mask_name(p.full_name) if public else p.full_name,
            "national_id": mask_id(p.national_id) if masked and p.national_id else p.national_id,
            "birth_date": None if masked else p.birth_date,
            "age": age_on(p.birth_date, on),
            "sex": p.sex,
            "household_code": None if public else p.household.code,
            "unit": p.household.unit.code,
            "unit_name": p.household.unit.name,
            "household_status": p.household_status,
            "level": p.year_level,
            "grade": p.year_grade,
            "enrolment_status": p.year_enrolment_status,
        }
        for p in page.object_list
    ]
    return {
        "count": count.value,
        "count_more": count.more,
        "after": page.after,
        "next_after": page.next_after or None,
        "page_size": page_size,
        "public": public,
        "masked": masked,
        "items": items,
    }


@router.get("/indicators/households", response={200: IndicatorHouseholdPage, **READ_ERRORS})
def list_households(request, filters: Query[IndicatorHouseholdFilter]):
    year, unit = _scope(request, filters)
    households = selectors.list_indicator_households_for_user(
        request.user, school_year=year, indicator=filters.indicator, unit=unit
    )
    paginator, page, page_size = _page(households, filters)
    public = filters.public
    items = [
        {
            "id": None if public else h.pk,
            "code": None if public else h.code,
            "head_name": mask_name(h.head_name) if public else h.head_name,
            "unit": h.unit.code,
            "unit_name": h.unit.name,
            "household_status": h.household_status,
            "members_counted": h.members_counted,
        }
        for h in page.object_list
    ]
    return {
        "count": paginator.count,
        "page": page.number,
        "page_size": page_size,
        "public": public,
        "items": items,
    }


@router.get("/indicators/at-risk", response={200: AtRiskPage, **READ_ERRORS})
def list_at_risk(request, filters: Query[Paging]):
    year, unit = _scope(request, filters)
    weights = risk_weights()
    enrolments = selectors.list_at_risk_for_user(
        request.user, school_year=year, unit=unit, weights=weights
    )
    paginator, page, page_size = _page(enrolments, filters)
    on = indicator_parameters().reference_date(year)
    items = [
        {
            "enrolment_id": e.pk,
            "person_id": e.person_id,
            "full_name": e.person.full_name,
            "age": age_on(e.person.birth_date, on),
            "household_code": e.person.household.code,
            "unit": e.person.household.unit.code,
            "school": e.school.code if e.school_id else None,
            "level": e.level,
            "grade": e.grade,
            "attendance_rate": e.attendance_rate,
            "risk_score": e.risk_score,
            "factors": [
                {**factor, "label": str(factor["label"])} for factor in factors_of(e, weights)
            ],
        }
        for e in page.object_list
    ]
    return {
        "count": paginator.count,
        "page": page.number,
        "page_size": page_size,
        "threshold": weights.threshold,
        "items": items,
    }
