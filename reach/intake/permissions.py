"""Who may change intake planning and streaming, and who may download the intake lists.

Places (capacity) of a school: an office or a ward officer over the school's unit. A grade-9
finisher's recorded next step: an office or ward officer over the household's unit, or the
staff of a school the pupil attended. The intake list of a ward as a spreadsheet: an office or
ward officer over the ward (viewers and school staff read the page; the download is for those
who plan the intake). Opening cases for unknown next steps is casework's
`can_open_cases_from_lists`.
"""

from reach.accounts.choices import Role
from reach.accounts.models import User
from reach.accounts.permissions import holds_role
from reach.geo.models import School, Unit
from reach.registry.models import Person

PLANNING_ROLES = frozenset({Role.OFFICE, Role.WARD_OFFICER})
STREAMING_ROLES = frozenset({Role.OFFICE, Role.WARD_OFFICER, Role.SCHOOL_STAFF})


def can_set_capacity(user: User | None, school: School) -> bool:
    """Whether `user` may set the places of `school`."""
    return holds_role(user, PLANNING_ROLES, over=school.unit.path)


def can_export_intake(user: User | None, unit: Unit) -> bool:
    """Whether `user` may download the intake list of `unit`."""
    return holds_role(user, PLANNING_ROLES, over=unit.path)


def can_record_next_step(user: User | None, person: Person) -> bool:
    """Whether `user` may record what the grade-9 finisher `person` did next."""
    schools = list(person.enrolments.values_list("school_id", flat=True).distinct())
    return holds_role(user, PLANNING_ROLES, over=person.household.unit.path) or any(
        holds_role(user, STREAMING_ROLES, school_id=school) for school in schools if school
    )
