"""Who may change learning titles and training.

Registrations, self-assessments and the board's evaluation and decision: a ward officer or an
office over the registration's unit (the ward's learning-promotion board works through its
officers). Criteria sets: an officer of a learning-promotion association (a membership of an
organisation of that kind) or an administrator. Courses, participants, attendance, completion
and declared needs: a ward officer or an office over the course's (or person's) unit.
"""

from reach.accounts.choices import Role
from reach.accounts.models import User
from reach.accounts.permissions import holds_role
from reach.accounts.scoping import is_administrator
from reach.geo.choices import OrganisationKind
from reach.geo.models import Unit
from reach.learning.models import Course, Registration

LEARNING_ROLES = frozenset({Role.OFFICE, Role.WARD_OFFICER})


def can_register(user: User | None, unit: Unit) -> bool:
    """Whether `user` may register a subject of `unit` for a title."""
    return holds_role(user, LEARNING_ROLES, over=unit.path)


def can_assess(user: User | None, registration: Registration) -> bool:
    """Whether `user` may record a registration's self-assessment."""
    return holds_role(user, LEARNING_ROLES, over=registration.unit.path)


def can_evaluate(user: User | None, registration: Registration) -> bool:
    """Whether `user` may record the board's evaluation and the recognition decision."""
    return holds_role(user, LEARNING_ROLES, over=registration.unit.path)


def can_edit_criteria(user: User | None) -> bool:
    """Whether `user` may enter a criteria set or a new version of one."""
    if is_administrator(user):
        return True
    if user is None or not user.is_authenticated:
        return False
    return user.memberships.filter(
        organisation__kind=OrganisationKind.LEARNING_ASSOCIATION, role__in=LEARNING_ROLES
    ).exists()


def can_manage_training(user: User | None, course_or_unit: Course | Unit) -> bool:
    """Whether `user` may set up a course of a unit, enrol, mark attendance and completion."""
    unit = course_or_unit.unit if isinstance(course_or_unit, Course) else course_or_unit
    return holds_role(user, LEARNING_ROLES, over=unit.path)


def can_record_need(user: User | None, unit: Unit) -> bool:
    """Whether `user` may record a person's declared training need (the person's unit)."""
    return holds_role(user, LEARNING_ROLES, over=unit.path)


def can_manage_month(user: User | None, unit: Unit) -> bool:
    """Whether `user` may record the boards, the Month's events and the commendations of
    `unit` (a ward officer or an office over it)."""
    return holds_role(user, LEARNING_ROLES, over=unit.path)


def can_record_outreach(user: User | None, unit: Unit) -> bool:
    """Whether `user` may record an outreach activity of `unit` (a ward officer or an office
    over it)."""
    return holds_role(user, LEARNING_ROLES, over=unit.path)
