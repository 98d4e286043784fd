"""/api/v1/cases, /api/v1/campaigns and /api/v1/work-groups: scoped by the caller's units (a
case is seen by whoever may see its child); public=true masks names and leaves out ids, codes
and dates of birth. The writes call the same services as the pages, which check the caller's
permission; their refusals are answered by the one handler in `reach/api.py` (403, 404, 409,
422)."""

from dataclasses import asdict

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Query, Router, Schema

from reach.casework import selectors, services
from reach.casework.choices import CaseKind
from reach.casework.models import Campaign, DropoutCase, WorkGroup
from reach.casework.schemas import (
    ActionIn,
    BoardPage,
    CampaignIn,
    CampaignOut,
    CampaignSummary,
    CaseAssign,
    CaseClose,
    CaseDetail,
    CaseOpen,
    CasePage,
    CaseReopen,
    MemberIn,
    OpenedCounts,
    OpenFromLists,
    TargetIn,
    VisitIn,
    WorkGroupIn,
    WorkGroupOut,
)
from reach.common.errors import OutOfScope, found
from reach.common.masking import mask_name
from reach.common.schemas import ERRORS, READ_ERRORS, SchoolYear
from reach.geo.selectors import unit_for_user_or_404
from reach.registry.selectors import default_school_year_for_user

router = Router(tags=["casework"])
MAX_PAGE_SIZE = 500


class CaseFilter(Schema):
    year: SchoolYear | None = None
    unit: str = ""
    status: str = ""
    kind: str = ""
    overdue: bool = False
    public: bool = False
    page: int = 1
    page_size: int = 100


class BoardFilter(Schema):
    year: SchoolYear | None = None
    unit: str = ""


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


@router.get("/cases", response={200: CasePage, **READ_ERRORS})
def list_cases(request, filters: Query[CaseFilter]):
    cases = selectors.list_cases_for_user(
        request.user,
        school_year=filters.year,
        unit=unit_for_user_or_404(request.user, filters.unit),
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


@router.get("/cases/board", response={200: BoardPage, **READ_ERRORS})
def case_board(request, filters: Query[BoardFilter]):
    year = filters.year or default_school_year_for_user(request.user)
    total, rows = selectors.case_board_for_user(
        request.user, school_year=year, unit=unit_for_user_or_404(request.user, filters.unit)
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


# Before "/cases/{case_id}", whose pattern would take the path first.
@router.post("/cases/open-from-lists", response={200: OpenedCounts, **ERRORS})
def open_cases_from_lists(request, body: OpenFromLists):
    return services.open_cases_from_lists(
        actor=request.user,
        school_year=body.year,
        unit=unit_for_user_or_404(request.user, body.unit),
    )


def _case_detail(request: HttpRequest, case: DropoutCase) -> dict:
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


@router.get("/cases/{case_id}", response={200: CaseDetail, **READ_ERRORS})
def get_case(request, case_id: int):
    return _case_detail(request, found(selectors.get_case_for_user(request.user, case_id)))


def _campaign_report(request: HttpRequest, campaign: Campaign) -> dict:
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


@router.get("/campaigns/{campaign_id}", response={200: CampaignOut, **READ_ERRORS})
def get_campaign(request, campaign_id: int):
    return _campaign_report(
        request, found(selectors.get_campaign_for_user(request.user, campaign_id))
    )


def _reread(request: HttpRequest, case: DropoutCase) -> dict:
    """A changed case as the caller now sees it, with its last visit and overdue flag."""
    return _case_detail(request, found(selectors.get_case_for_user(request.user, case.pk)))


@router.post("/cases", response={201: CaseDetail, **ERRORS})
def open_case(request, body: CaseOpen):
    person = found(selectors.get_child_for_user(request.user, body.person_id), "Person not found")
    if body.work_group_id is None:
        group = selectors.default_work_group(person.household.unit)
    else:
        group = found(selectors.get_work_group_for_user(request.user, body.work_group_id))
    score = None
    if body.kind == CaseKind.AT_RISK:
        score = selectors.risk_score_for_user(request.user, person, school_year=body.school_year)
    case = services.open_case(
        actor=request.user,
        person=person,
        school_year=body.school_year,
        kind=body.kind,
        opened_on=body.opened_on,
        work_group=group,
        risk_score=score,
    )
    return 201, _reread(request, case)


@router.post("/cases/{case_id}/assign", response={200: CaseDetail, **ERRORS})
def assign_case(request, case_id: int, body: CaseAssign):
    case = found(selectors.get_case_for_user(request.user, case_id))
    group = None
    if body.work_group_id is not None:
        group = found(selectors.get_work_group_for_user(request.user, body.work_group_id))
    return _reread(request, services.assign_case(actor=request.user, case=case, work_group=group))


@router.post("/cases/{case_id}/visits", response={201: CaseDetail, **ERRORS})
def record_visit(request, case_id: int, body: VisitIn):
    case = found(selectors.get_case_for_user(request.user, case_id))
    services.record_visit(actor=request.user, case=case, **body.dict())
    return 201, _reread(request, case)


@router.post("/cases/{case_id}/actions", response={201: CaseDetail, **ERRORS})
def record_action(request, case_id: int, body: ActionIn):
    case = found(selectors.get_case_for_user(request.user, case_id))
    services.record_action(actor=request.user, case=case, **body.dict())
    return 201, _reread(request, case)


@router.post("/cases/{case_id}/close", response={200: CaseDetail, **ERRORS})
def close_case(request, case_id: int, body: CaseClose):
    case = found(selectors.get_case_for_user(request.user, case_id))
    school = None
    if body.school:
        schools = selectors.schools_for_case(case)
        school = schools.filter(code=body.school).first()
        if school is None and body.school.isdigit():
            school = schools.filter(pk=int(body.school)).first()
        if school is None:
            raise OutOfScope("School not found")
    closed = services.close_case(
        actor=request.user,
        case=case,
        outcome=body.outcome,
        closed_on=body.closed_on,
        note=body.note,
        school=school,
        level=body.level,
        grade=body.grade,
    )
    return _reread(request, closed)


@router.post("/cases/{case_id}/reopen", response={200: CaseDetail, **ERRORS})
def reopen_case(request, case_id: int, body: CaseReopen):
    case = found(selectors.get_case_for_user(request.user, case_id))
    return _reread(request, services.reopen_case(actor=request.user, case=case, reason=body.reason))


def _campaign_summary(campaign: Campaign) -> dict:
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "kind": campaign.kind,
        "unit": campaign.unit.code,
        "school_year": campaign.school_year,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
    }


@router.get("/campaigns", response={200: list[CampaignSummary], **READ_ERRORS})
def list_campaigns(request):
    return [_campaign_summary(c) for c in selectors.list_campaigns_for_user(request.user)]


@router.post("/campaigns", response={201: CampaignOut, **ERRORS})
def create_campaign(request, body: CampaignIn):
    campaign = services.create_campaign(
        actor=request.user,
        name=body.name,
        kind=body.kind,
        unit=found(unit_for_user_or_404(request.user, body.unit), "Unit not found"),
        school_year=body.school_year,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
    )
    return 201, _campaign_report(request, campaign)


@router.post("/campaigns/{campaign_id}/targets", response={200: CampaignOut, **ERRORS})
def set_campaign_target(request, campaign_id: int, body: TargetIn):
    campaign = found(selectors.get_campaign_for_user(request.user, campaign_id))
    services.set_campaign_target(
        actor=request.user,
        campaign=campaign,
        unit=found(unit_for_user_or_404(request.user, body.unit), "Unit not found"),
        target_returns=body.target_returns,
    )
    return _campaign_report(request, campaign)


def _work_group_out(group: WorkGroup) -> dict:
    return {
        "id": group.pk,
        "name": group.name,
        "unit": group.unit.code,
        "unit_name": group.unit.name,
        "members": [
            {
                "full_name": m.full_name,
                "affiliation": m.affiliation,
                "organisation": m.organisation,
                "is_lead": m.is_lead,
            }
            for m in group.members.all()
        ],
    }


@router.get("/work-groups", response={200: list[WorkGroupOut], **READ_ERRORS})
def list_work_groups(request, unit: str = ""):
    groups = selectors.list_work_groups_for_user(
        request.user, unit=unit_for_user_or_404(request.user, unit)
    )
    return [_work_group_out(g) for g in groups.prefetch_related("members")]


@router.get("/work-groups/{group_id}", response={200: WorkGroupOut, **READ_ERRORS})
def get_work_group(request, group_id: int):
    return _work_group_out(found(selectors.get_work_group_for_user(request.user, group_id)))


@router.post("/work-groups", response={201: WorkGroupOut, **ERRORS})
def create_work_group(request, body: WorkGroupIn):
    group = services.create_work_group(
        actor=request.user,
        unit=found(unit_for_user_or_404(request.user, body.unit), "Unit not found"),
        name=body.name,
    )
    return 201, _work_group_out(group)


@router.post("/work-groups/{group_id}/members", response={201: WorkGroupOut, **ERRORS})
def add_work_group_member(request, group_id: int, body: MemberIn):
    group = found(selectors.get_work_group_for_user(request.user, group_id))
    services.add_work_group_member(actor=request.user, work_group=group, **body.dict())
    return 201, _work_group_out(found(selectors.get_work_group_for_user(request.user, group_id)))
