"""Who may change plans. Seeing a plan is `restrict` over its issuing unit; changing it is a role.

- A plan (creating it, importing its task table, editing its tasks): an office or ward officer
  over the plan's unit; administrators.
- A task's progress (an update with evidence): whoever may manage the plan, and the editing
  members of an organisation the task is assigned to (lead or co-operating), wherever the
  plan was issued: the department that leads a ministry task reports on it.
"""

from reach.accounts.choices import EDITING_ROLES, Role
from reach.accounts.models import User
from reach.accounts.permissions import holds_role
from reach.accounts.scoping import grants_of, is_administrator
from reach.geo.models import Organisation, Unit
from reach.plans.models import Plan, PlanTask

PLANNING_ROLES = {Role.OFFICE, Role.WARD_OFFICER}


def can_plan(user: User | None) -> bool:
    """Whether `user` may create plans somewhere (to offer the form; the service checks)."""
    return is_administrator(user) or any(g.role in PLANNING_ROLES for g in grants_of(user))


def can_manage_plan(user: User | None, plan_or_unit: Plan | Unit) -> bool:
    """Whether `user` may create a plan in a unit, or change a plan and import its tasks."""
    unit = plan_or_unit.unit if isinstance(plan_or_unit, Plan) else plan_or_unit
    return holds_role(user, PLANNING_ROLES, over=unit.path)


def can_update_task(user: User | None, task: PlanTask) -> bool:
    """Whether `user` may report progress on `task`."""
    if can_manage_plan(user, task.plan):
        return True
    if user is None or not user.is_authenticated:
        return False
    return user.memberships.filter(
        role__in=EDITING_ROLES, organisation__task_assignments__task=task
    ).exists()


def can_merge_organisations(user: User | None, duplicate: Organisation, into: Organisation) -> bool:
    """Whether `user` may merge `duplicate` (say, a department a task table named in a way Reach
    did not know) into `into`: a planning role over both organisations' units."""
    return all(holds_role(user, PLANNING_ROLES, over=o.unit.path) for o in (duplicate, into))
