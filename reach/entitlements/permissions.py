"""Who may change entitlement runs, their approval and the objections to their lines.

Every predicate answers for one user and one record; the services call them themselves
(`reach.accounts.permissions.require`), pages and the API only use them to offer a step.
"""

from reach.accounts.choices import EDITING_ROLES, Role
from reach.accounts.models import User
from reach.accounts.permissions import holds_role
from reach.entitlements.choices import DECIDE_ROLES, RUN_ROLES
from reach.entitlements.models import EntitlementLine, EntitlementRun, Objection
from reach.entitlements.selectors import line_visible_to
from reach.geo.models import Unit


def _path(run: EntitlementRun) -> str | None:
    return run.unit.path if run.unit is not None else None


def can_run_over(user: User | None, unit: Unit | None) -> bool:
    """The office or a ward officer over `unit`; over everything (`unit` None) only an
    administrator."""
    return holds_role(user, RUN_ROLES, over=unit.path if unit is not None else None)


def can_submit_run(user: User | None, run: EntitlementRun) -> bool:
    """Who may run over the run's scope, or staff of a school in the run's own unit."""
    path = _path(run)
    return holds_role(user, RUN_ROLES, over=path) or (
        path is not None and holds_role(user, {Role.SCHOOL_STAFF}, school_in=path)
    )


def can_decide_run(user: User | None, run: EntitlementRun) -> bool:
    """The office over the run's scope: approve, return, publish, close."""
    return holds_role(user, DECIDE_ROLES, over=_path(run))


def can_record_objection(user: User | None, line: EntitlementLine) -> bool:
    """Staff who may see the line's pupil and edit there: the office or ward over the pupil's
    household, or staff of the pupil's school."""
    if not line_visible_to(user, line):
        return False
    return holds_role(user, EDITING_ROLES, over=line.unit.path) or holds_role(
        user, {Role.SCHOOL_STAFF}, school_id=line.enrolment.school_id
    )


def can_resolve_objection(user: User | None, objection: Objection) -> bool:
    """The office over the run's scope, which publishes the notice and starts corrections."""
    return line_visible_to(user, objection.line) and can_decide_run(user, objection.line.run)
