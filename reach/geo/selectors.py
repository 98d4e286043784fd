"""Reads of units and schools, scoped: the one way a page, the API or a command turns a
unit's or school's code into a record the user may see."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from reach.accounts.models import User
from reach.accounts.scoping import restrict
from reach.common.errors import OutOfScope
from reach.geo.models import School, Unit, UnitLink, is_under


def units_for_user(user: User | None) -> QuerySet[Unit]:
    return restrict(Unit.objects.all(), user)


def top_units_for_user(user: User | None) -> QuerySet[Unit]:
    """The visible units whose parent the user cannot see: the roots of their scope."""
    visible = units_for_user(user)
    return visible.exclude(parent__in=visible.values("pk")).order_by("path")


def home_unit_for_user(user: User | None) -> Unit | None:
    """The unit a drill-down starts at when none is asked for: the user's own unit when their
    scope has one root (a county office starts at its county, not at its country), or one root
    in force (a ward officer whose ward was merged starts at the new ward); None, the whole
    tree, when it has several (an administrator)."""
    roots = list(top_units_for_user(user))
    if len(roots) != 1:
        today = timezone.localdate()
        roots = [root for root in roots if root.valid_to is None or root.valid_to >= today]
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


def unit_paths_on(unit: Unit, day: dt.date) -> tuple[str, ...]:
    """The unit paths that stand for `unit` on `day`, so a figure of a period counts the same
    households whichever side of a reorganisation the period lies: its own path while it is in
    force; before it opened, the units it was formed from whose successors all lie within it (a
    merger's old wards); after it closed, the units formed from it or from units under it whose
    predecessors all lie within it (a split's new wards, a district's merged wards). Nothing is
    apportioned: an old ward merged with another has no figure after the merger."""
    not_yet_open = unit.valid_from is not None and day < unit.valid_from
    already_closed = unit.valid_to is not None and day > unit.valid_to
    if not (not_yet_open or already_closed):
        return (unit.path,)
    links = UnitLink.objects.values_list("predecessor__path", "successor__path")
    # (near, far): before the unit opened, look back to the units it was formed from; after it
    # closed, forward to the units formed from it
    pairs = [(new, old) if not_yet_open else (old, new) for old, new in links]
    theirs = {far for near, far in pairs if is_under(near, unit.path)}
    return tuple(
        sorted(
            far
            for far in theirs
            if all(is_under(near, unit.path) for near, other in pairs if other == far)
        )
    )


def units_standing_for(unit: Unit, day: dt.date) -> list[Unit]:
    """The units in force on `day` that stand for `unit` (`unit_paths_on`): itself while it is
    in force; after a reorganisation closed it, the units formed from it (District 12's five
    wards of 2025 for the district)."""
    return list(Unit.objects.filter(path__in=unit_paths_on(unit, day)).order_by("path"))


def unit_on(unit: Unit, day: dt.date) -> Unit:
    """The unit that took over from `unit` by `day`, following its successors (a merged ward's
    new ward); `unit` itself while it is in force or when nothing took it over."""
    while unit.valid_to is not None and unit.valid_to < day and unit.successor is not None:
        unit = unit.successor
    return unit
