"""Reads of units and schools, scoped: the one way a page, the API or a command turns a
unit's or school's code into a record the user may see."""

from django.db.models import QuerySet

from reach.accounts.models import User
from reach.accounts.scoping import restrict
from reach.common.errors import OutOfScope
from reach.geo.models import School, Unit


def units_for_user(user: User | None) -> QuerySet[Unit]:
    return restrict(Unit.objects.all(), user)


def top_units_for_user(user: User | None) -> QuerySet[Unit]:
    """The visible units whose parent the user cannot see: the roots of their scope."""
    visible = units_for_user(user)
    return visible.exclude(parent__in=visible.values("pk")).order_by("path")


def home_unit_for_user(user: User | None) -> Unit | None:
    """The unit a drill-down starts at when none is asked for: the user's own unit when their
    scope has one root (a county office starts at its county, not at its country); None, the
    whole tree, when it has several (an administrator)."""
    roots = list(top_units_for_user(user)[:2])
    return roots[0] if len(roots) == 1 else None


def get_unit_for_user(user: User | None, code: str) -> Unit | None:
    """The unit with `code` if `user` may see it."""
    return units_for_user(user).filter(code=code).first()


def unit_for_user_or_404(user: User | None, code: str | None) -> Unit | None:
    """The unit named by a request's `unit` parameter: None when none is named, the unit when
    the user may see it, else `OutOfScope` (404, as if it did not exist)."""
    if not code:
        return None
    unit = get_unit_for_user(user, code)
    if unit is None:
        raise OutOfScope("Unit not found")
    return unit


def school_for_user_or_404(user: User | None, code_or_id: str | int | None) -> School | None:
    """The school named by a request's `school` parameter (its code or id), scoped like
    `unit_for_user_or_404`."""
    if code_or_id in (None, ""):
        return None
    schools = restrict(School.objects.select_related("unit"), user)
    value = str(code_or_id)
    school = schools.filter(code=value).first()
    if school is None and value.isdigit():
        school = schools.filter(pk=int(value)).first()
    if school is None:
        raise OutOfScope("School not found")
    return school
