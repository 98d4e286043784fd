"""/api/v1/plans: the plans the caller sees (their units and below) and a plan's tasks."""

from ninja import Router

from reach.common.errors import found
from reach.common.schemas import READ_ERRORS
from reach.geo.selectors import unit_for_user_or_404
from reach.plans import selectors
from reach.plans.choices import AssignmentRole
from reach.plans.models import Plan, PlanTask
from reach.plans.schemas import PlanOut, TaskOut

router = Router(tags=["plans"])


def plan_out(plan: Plan) -> dict:
    return {
        "id": plan.pk,
        "code": plan.code,
        "number": plan.number,
        "title": plan.title,
        "unit": plan.unit.code,
        "organisation": plan.organisation.name if plan.organisation_id else None,
        "issued_on": plan.issued_on,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "implements": plan.implements_id,
        "bases": [str(basis) for basis in plan.bases.all()],
        "task_count": plan.task_count,
        "done_count": plan.done_count,
        "overdue_count": plan.overdue_count,
    }


def task_out(task: PlanTask) -> dict:
    assignments = list(task.assignments.all())
    return {
        "id": task.pk,
        "section": task.section,
        "number": task.number,
        "content": task.content,
        "window_text": task.window_text,
        "starts_on": task.starts_on,
        "ends_on": task.ends_on,
        "window_understood": task.window_understood,
        "lead": [a.organisation.name for a in assignments if a.role == AssignmentRole.LEAD],
        "co_units": [a.organisation.name for a in assignments if a.role != AssignmentRole.LEAD],
        "lead_text": task.lead_text,
        "co_text": task.co_text,
        "deliverable": task.deliverable,
        "status": task.status,
    }


@router.get("/plans/", response={200: list[PlanOut], **READ_ERRORS})
def list_plans(request, unit: str = ""):
    """The plans of the caller's units and below (of `unit` when given), with task counts."""
    plans = selectors.list_plans_for_user(
        request.user, unit=unit_for_user_or_404(request.user, unit)
    ).prefetch_related("bases__cited_plan")
    return [plan_out(plan) for plan in plans]


@router.get("/plans/{plan_id}", response={200: PlanOut, **READ_ERRORS})
def get_plan(request, plan_id: int):
    return plan_out(found(selectors.get_plan_for_user(request.user, plan_id), "No such plan"))


@router.get("/plans/{plan_id}/tasks", response={200: list[TaskOut], **READ_ERRORS})
def list_tasks(request, plan_id: int):
    """A plan's sections (number empty) and tasks, in table order."""
    plan = found(selectors.get_plan_for_user(request.user, plan_id), "No such plan")
    return [task_out(task) for task in selectors.list_tasks_for_user(request.user, plan)]
