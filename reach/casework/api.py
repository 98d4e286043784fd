"""/api/v1/cases and /api/v1/campaigns: scoped by the caller's units (a case is seen by whoever
may see its child); public=true masks names and leaves out ids, codes and dates of birth."""

from dataclasses import asdict

from django.core.paginator import Paginator
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from reach.casework import selectors
from reach.casework.schemas import BoardPage, CampaignOut, CaseDetail, CasePage
from reach.common.masking import mask_name
from reach.indicators import selectors as lists

router = Router(tags=["casework"])
MAX_PAGE_SIZE = 500


class CaseFilter(Schema):
    year: int | None = None
    unit: str = ""
    status: str = ""
    kind: str = ""
    overdue: bool = False
    public: bool = False
    page: int = 1
    page_size: int = 100


class BoardFilter(Schema):
    year: int | None = None
    unit: str = ""


def _unit(request, code: str):
    if not code:
        return None
    unit = lists.get_unit_for_user(request.user, code)
    if unit is None:
        raise HttpError(404, "Unit not found")
    return unit


def _case_out(case, *, public: bool = False) -> dict:
    return {
        "id": None if public else case.pk,
        "person_id": None if public else case.person_id,
        "full_name": mask_name(case.person.full_name) if public else case.person.full_name,
        "household_code": None if public else case.household.code,
        "unit": case.unit.code,
        "unit_name": case.unit.name,
        "school_year": case.school_year,
        "kind": case.kind,
        "status": case.status,
        "source": case.source,
        "risk_score": case.risk_score,
        "work_group": case.work_group.name if case.work_group_id else None,
        "opened_on": case.opened_on,
        "last_visit": case.last_visit,
        "overdue": case.overdue,
        "outcome": case.outcome,
        "closed_on": case.closed_on,
    }


@router.get("/cases", response=CasePage)
def list_cases(request, filters: Query[CaseFilter]):
    cases = selectors.list_cases_for_user(
        request.user,
        school_year=filters.year,
        unit=_unit(request, filters.unit),
        status=filters.status,
        kind=filters.kind,
        overdue=filters.overdue,
    )
    page_size = max(1, min(filters.page_size, MAX_PAGE_SIZE))
    paginator = Paginator(cases, page_size)
    page = paginator.get_page(filters.page)
    return {
        "count": paginator.count,
        "page": page.number,
        "page_size": page_size,
        "public": filters.public,
        "items": [_case_out(case, public=filters.public) for case in page.object_list],
    }


@router.get("/cases/board", response=BoardPage)
def case_board(request, filters: Query[BoardFilter]):
    year = filters.year or lists.default_school_year()
    total, rows = selectors.case_board_for_user(
        request.user, school_year=year, unit=_unit(request, filters.unit)
    )

    def out(row):
        unit = row.unit
        return {
            "unit": unit.code if unit else None,
            "unit_name": unit.name if unit else None,
            **asdict(row.board),
            "return_rate": row.board.return_rate,
        }

    return {"school_year": year, "total": out(total), "rows": [out(row) for row in rows]}


@router.get("/cases/{case_id}", response=CaseDetail)
def get_case(request, case_id: int):
    case = selectors.get_case_for_user(request.user, case_id)
    if case is None:
        raise HttpError(404, "Not found")
    data = _case_out(case)
    data["outcome_note"] = case.outcome_note
    data["visits"] = [
        {
            "visited_on": visit.visited_on,
            "visitors": visit.visitors,
            "findings": visit.findings,
            "reasons": [reason.reason for reason in visit.reasons.all()],
            "family_wishes": visit.family_wishes,
        }
        for visit in selectors.list_visits(case)
    ]
    data["actions"] = list(
        selectors.list_actions(case).values(
            "kind", "taken_on", "note", "linked_object_type", "linked_object_id"
        )
    )
    data["entitlements"] = [
        {
            "policy": line.policy_code,
            "benefit": line.benefit_code,
            "amount_minor": line.amount_minor,
            "currency": line.currency,
        }
        for line in selectors.list_entitlements_for_case(request.user, case)
    ]
    return data


@router.get("/campaigns/{campaign_id}", response=CampaignOut)
def get_campaign(request, campaign_id: int):
    campaign = selectors.get_campaign_for_user(request.user, campaign_id)
    if campaign is None:
        raise HttpError(404, "Not found")
    total, rows = selectors.campaign_report_for_user(request.user, campaign)

    def out(row):
        return {
            "unit": row.unit.code,
            "unit_name": row.unit.name,
            "target_returns": row.target_returns,
            "handled": row.handled,
            "returned": row.returned,
            "progress": row.progress,
        }

    return {
        "id": campaign.pk,
        "name": campaign.name,
        "kind": campaign.kind,
        "school_year": campaign.school_year,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "total": out(total),
        "targets": [out(row) for row in rows],
    }
