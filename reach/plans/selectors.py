"""Reads of plans. Every queryset starts from `restrict` over plans (their issuing unit)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from reach.accounts.models import User
from reach.accounts.scoping import (
    can_see_unit_path,
    grants_of,
    is_administrator,
    restrict,
    under_paths,
)
from reach.geo.models import PATH_SEPARATOR, Organisation, Unit
from reach.geo.selectors import unit_paths_on
from reach.plans.choices import OPEN_STATUSES, AssignmentRole, TaskStatus
from reach.plans.models import (
    Plan,
    PlanTask,
    PlanTaskImport,
    Target,
    TaskAssignment,
    TaskUpdate,
)
from reach.registry.models import Household, HouseholdPastUnit, Person

TASKS = Q(tasks__number__gt="")


def _my_organisations(user: User | None) -> QuerySet:
    if user is None or not user.is_authenticated or user.pk is None:
        return Organisation.objects.none().values("pk")
    return user.memberships.filter(organisation__isnull=False).values("organisation")


def _above(user: User | None) -> set[str]:
    """The paths of the units above the user's units and schools."""
    paths: set[str] = set()
    if is_administrator(user):
        return paths  # an administrator reads every plan already
    for grant in grants_of(user):
        path = grant.unit_path or grant.school_unit_path
        if path:
            parts = path.split(PATH_SEPARATOR)
            paths.update(PATH_SEPARATOR.join(parts[:i]) for i in range(1, len(parts)))
    return paths


def _assigned_plans(user: User | None) -> QuerySet:
    return TaskAssignment.objects.filter(organisation__in=_my_organisations(user)).values(
        "task__plan"
    )


def watched_plans_for_user(user: User | None) -> QuerySet[Plan]:
    """The plans a user answers for: those of their units and below (`restrict`), and those
    that give a task to an organisation they are a member of (a ward's Youth Union and the
    district's plan that gives it a task)."""
    return Plan.objects.filter(
        Q(pk__in=restrict(Plan.objects.all(), user).values("pk")) | Q(pk__in=_assigned_plans(user))
    )


def plans_for_user(user: User | None) -> QuerySet[Plan]:
    """The plans a user may read: those they answer for and the plans of the units above
    theirs, which their own plans implement (a plan is an administrative document, not
    personal data; a ward reads the district's and the Ministry's plans, never a sibling's)."""
    above = _above(user)
    if not above:
        return watched_plans_for_user(user)
    return Plan.objects.filter(
        Q(pk__in=restrict(Plan.objects.all(), user).values("pk"))
        | Q(pk__in=_assigned_plans(user))
        | Q(unit__path__in=sorted(above))
    )


def _with_progress(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    return plans.annotate(
        task_count=Count("tasks", filter=TASKS),
        done_count=Count("tasks", filter=TASKS & Q(tasks__status=TaskStatus.DONE)),
        overdue_count=Count(
            "tasks",
            filter=TASKS
            & Q(tasks__status__in=OPEN_STATUSES, tasks__ends_on__lt=timezone.localdate()),
        ),
    )


def list_plans_for_user(
    user: User | None, *, unit: Unit | None = None, watched: bool = False
) -> QuerySet[Plan]:
    """The plans `user` reads (or answers for, `watched`), of `unit` and below, with their
    task counts."""
    plans = watched_plans_for_user(user) if watched else plans_for_user(user)
    if unit is not None:
        plans = plans.filter(Q(unit=unit) | Q(unit__path__startswith=unit.path + "."))
    return (
        _with_progress(plans)
        .select_related("unit", "organisation", "implements")
        .order_by("unit__path", "-issued_on", "code")  # a GROUP BY drops Meta.ordering
    )


def get_plan_for_user(user: User | None, plan_id: int) -> Plan | None:
    return (
        _with_progress(plans_for_user(user))
        .select_related("unit", "organisation", "implements")
        .prefetch_related("bases__cited_plan")
        .filter(pk=plan_id)
        .first()
    )


def list_implementing_plans_for_user(user: User | None, plan: Plan) -> QuerySet[Plan]:
    """The plans that implement `plan` (a ward's under the city's) that `user` sees, with
    their progress."""
    implementing = plans_for_user(user).filter(implements=plan)
    return _with_progress(implementing).select_related("unit").order_by("unit__path", "code")


def tasks_for_user(user: User | None) -> QuerySet[PlanTask]:
    return PlanTask.objects.filter(plan__in=plans_for_user(user).values("pk"))


def _with_assignments(tasks: QuerySet[PlanTask]) -> QuerySet[PlanTask]:
    assignments = TaskAssignment.objects.select_related("organisation")
    return tasks.prefetch_related(Prefetch("assignments", queryset=assignments))


def list_tasks_for_user(user: User | None, plan: Plan) -> QuerySet[PlanTask]:
    """A plan's sections and tasks in table order, with their organisations."""
    return _with_assignments(tasks_for_user(user).filter(plan=plan)).order_by("position")


def get_task_for_user(user: User | None, task_id: int) -> PlanTask | None:
    return (
        _with_assignments(tasks_for_user(user))
        .select_related("plan__unit")
        .filter(pk=task_id)
        .first()
    )


def list_updates_for_task(task: PlanTask) -> QuerySet[TaskUpdate]:
    return task.updates.select_related("recorded_by")


def get_update_for_user(user: User | None, update_id: int) -> TaskUpdate | None:
    visible = tasks_for_user(user)
    return TaskUpdate.objects.filter(task__in=visible.values("pk"), pk=update_id).first()


def list_overdue_tasks_for_user(
    user: User | None, *, unit: Unit | None = None, today: dt.date | None = None
) -> QuerySet[PlanTask]:
    """Open tasks (not sections) past their last day, the most overdue first."""
    today = today or timezone.localdate()
    plans = list_plans_for_user(user, unit=unit, watched=True).values("pk")
    tasks = PlanTask.objects.filter(
        plan__in=plans, number__gt="", status__in=OPEN_STATUSES, ends_on__lt=today
    )
    return _with_assignments(tasks).select_related("plan").order_by("ends_on", "plan", "position")


def list_due_tasks_for_user(
    user: User | None, *, within_days: int, unit: Unit | None = None, today: dt.date | None = None
) -> QuerySet[PlanTask]:
    """Open tasks whose last day falls in the next `within_days` days (today included)."""
    today = today or timezone.localdate()
    plans = list_plans_for_user(user, unit=unit, watched=True).values("pk")
    tasks = PlanTask.objects.filter(
        plan__in=plans,
        number__gt="",
        status__in=OPEN_STATUSES,
        ends_on__gte=today,
        ends_on__lte=today + dt.timedelta(days=within_days),
    )
    return _with_assignments(tasks).select_related("plan").order_by("ends_on", "plan", "position")


def list_my_tasks(user: User | None) -> QuerySet[PlanTask]:
    """The open tasks assigned to the organisations `user` is a member of (lead first), in
    any plan: an organisation's to-do list."""
    organisations = _my_organisations(user)
    mine = TaskAssignment.objects.filter(organisation__in=organisations)
    tasks = PlanTask.objects.filter(
        pk__in=mine.values("task"), number__gt="", status__in=OPEN_STATUSES
    ).annotate(
        leads=Count(
            "assignments",
            filter=Q(
                assignments__organisation__in=organisations,
                assignments__role=AssignmentRole.LEAD,
            ),
        )
    )
    return (
        _with_assignments(tasks).select_related("plan").order_by("-leads", "ends_on", "pk")  # type: ignore[misc]  # annotated above
    )


def targets_for_user(user: User | None) -> QuerySet[Target]:
    """The targets a user sees: those over their units and below (`restrict` over the target's
    unit: a ward its own, the district its wards' and its own), in plans they read."""
    return restrict(Target.objects.all(), user).filter(plan__in=plans_for_user(user).values("pk"))


def list_targets_for_user(user: User | None, plan: Plan) -> QuerySet[Target]:
    return (
        targets_for_user(user)
        .filter(plan=plan)
        .select_related("plan", "unit", "task")
        .order_by("position", "pk")
    )


def get_target_for_user(user: User | None, target_id: int) -> Target | None:
    return (
        targets_for_user(user).select_related("plan", "unit", "task").filter(pk=target_id).first()
    )


def persons_counted_for_user(user: User | None) -> QuerySet[Person]:
    """The persons a target's actual is counted over for `user`: those they may see."""
    return restrict(Person.objects.all(), user)


def figure_persons_for_user(user: User | None, unit: Unit) -> QuerySet[Person] | None:
    """The persons `user`'s figures of `unit` are counted over: None when they see every person
    those figures count in any school year (the units that stand for `unit` before it opened
    and after it closed, and the households moved out of them since, included), so the counts
    kept for everyone (`figure_counts`) are theirs too; else the persons they may see."""
    if is_administrator(user):
        return None
    paths = {unit.path}
    if unit.valid_from is not None:
        paths.update(unit_paths_on(unit, unit.valid_from - dt.timedelta(days=1)))
    if unit.valid_to is not None:
        paths.update(unit_paths_on(unit, unit.valid_to + dt.timedelta(days=1)))
    persons = persons_counted_for_user(user)
    if not all(can_see_unit_path(user, path) for path in paths):
        return persons
    seen = restrict(Household.objects.all(), user)
    moved_out = HouseholdPastUnit.objects.filter(under_paths("unit__path", tuple(paths)))
    return persons if moved_out.exclude(household__in=seen.values("pk")).exists() else None


def get_import_for_user(user: User | None, import_id: int) -> PlanTaskImport | None:
    visible = restrict(PlanTaskImport.objects.all(), user)
    return visible.select_related("plan__unit").filter(pk=import_id).first()


@dataclass(frozen=True)
class TimelineRow:
    task: PlanTask
    x: int  # the bar's left edge, in month columns from the first month
    width: int  # months covered
    overdue: bool


@dataclass(frozen=True)
class Timeline:
    months: list[dt.date]  # the first day of each month shown
    rows: list[TimelineRow]
    undated: list[PlanTask]
    today_x: float | None  # where today falls, in month columns, when it is shown


def _month_index(day: dt.date, first: dt.date) -> int:
    return (day.year - first.year) * 12 + day.month - first.month


def plan_timeline(tasks: list[PlanTask], *, today: dt.date | None = None) -> Timeline:
    """The tasks as bars over the months they span (server-rendered, one column a month)."""
    today = today or timezone.localdate()
    dated = [t for t in tasks if t.starts_on or t.ends_on]
    undated = [t for t in tasks if not (t.starts_on or t.ends_on)]
    if not dated:
        return Timeline([], [], undated, None)
    days = [d for t in dated for d in (t.starts_on, t.ends_on) if d]
    first = min(days).replace(day=1)
    count = _month_index(max(days), first) + 1
    months = [dt.date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
              for i in range(count)]  # fmt: skip
    rows = []
    for task in dated:
        start = _month_index(task.starts_on or task.ends_on, first)  # type: ignore[arg-type]
        end = _month_index(task.ends_on or task.starts_on, first)  # type: ignore[arg-type]
        overdue = bool(
            task.number and task.status in OPEN_STATUSES and task.ends_on and task.ends_on < today
        )
        rows.append(TimelineRow(task, start, end - start + 1, overdue))
    position = _month_index(today, first)
    today_x = position + (today.day - 1) / 31 if 0 <= position < count else None
    return Timeline(months, rows, undated, today_x)
