"""/api/v1/plans: the plans the caller sees (their units and below), a plan's tasks and its
targets with their computed actuals."""

from ninja import Router

from reach.common.errors import found
from reach.common.schemas import READ_ERRORS
from reach.geo.selectors import unit_for_user_or_404
from reach.plans import selectors
from reach.plans.choices import AssignmentRole
from reach.plans.models import Plan, PlanTask
from reach.plans.schemas import PlanOut, TargetOut, TaskOut
from reach.plans.targets import TargetProgress, target_progress

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


def target_out(progress: TargetProgress) -> dict:
    target, definition = progress.target, progress.definition
    return {
        "id": target.pk,
        "indicator": target.indicator,
        "label": progress.label,
        "unit": target.unit.code,
        "task": target.task_id,
        "direction": target.direction,
        "value": float(target.value),
        "school_year": target.school_year,
        "starts_on": target.starts_on,
        "ends_on": target.ends_on,
        "baseline_value": None if target.baseline_value is None else float(target.baseline_value),
        "baseline_year": target.baseline_year,
        "available": definition is not None and definition.available,
        "reason": definition.reason if definition else "",
        "actual": progress.actual.value,
        "actual_year": progress.actual_year,
        "numerator": progress.actual.numerator,
        "denominator": progress.actual.denominator,
        "expected": progress.expected,
        "light": progress.light.value,
        "source": definition.source if definition else "",
        "confidence": definition.confidence if definition else "",
    }


@router.get("/plans/{plan_id}/targets", response={200: list[TargetOut], **READ_ERRORS})
def list_targets(request, plan_id: int):
    """A plan's targets the caller sees (over their units and below), each with its actual
    computed over the persons the caller sees, its numerator, denominator and light."""
    plan = found(selectors.get_plan_for_user(request.user, plan_id), "No such plan")
    return [
        target_out(
            target_progress(
                target, persons=selectors.figure_persons_for_user(request.user, target.unit)
            )
        )
        for target in selectors.list_targets_for_user(request.user, plan)
    ]
