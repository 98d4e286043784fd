"""Who may change school support (issue 22 item 7).

- Needs, projects, teachers sent, training and pairings: an office or a ward officer over the
  school's unit (for a pairing, over both schools), or an administrator.
- A school's staff may record and withdraw the needs of their own school.
- The spreadsheet of what poor villages' schools received names the teachers sent: offices,
  ward officers and administrators download it (`may_see_unmasked`), not viewers or schools.
"""

from reach.accounts.choices import Role
from reach.accounts.models import User
from reach.accounts.permissions import holds_role, may_see_unmasked
from reach.geo.models import School, Unit

SUPPORT_ROLES = frozenset({Role.OFFICE, Role.WARD_OFFICER})


def can_manage_school_support(user: User | None, school: School) -> bool:
    """Whether `user` may record projects, teachers sent and training for `school`."""
    return holds_role(user, SUPPORT_ROLES, over=school.unit.path)


def can_record_need(user: User | None, school: School) -> bool:
    """Whether `user` may record or withdraw a need of `school` (its staff may too)."""
    return can_manage_school_support(user, school) or holds_role(
        user, {Role.SCHOOL_STAFF}, school_id=school.pk
    )


def can_pair_schools(user: User | None, helper: School, school: School) -> bool:
    """Whether `user` may pair `helper` with `school` and record the pair's activities."""
    return can_manage_school_support(user, helper) and can_manage_school_support(user, school)


def can_export_received(user: User | None, unit: Unit | None) -> bool:
    """Whether `user` may download the list of what schools received (it names teachers)."""
    return may_see_unmasked(user, unit)
