"""Who may change casework. Seeing a case is `restrict` over its child; changing it is a role.

- A case (assign, visit, action, link, close, reopen), and opening one for a child: an editing
  role (office, ward officer, school staff) over the unit of the child's household, or at a
  school the child is enrolled at (school staff work on their own pupils' cases, wherever the
  pupil lives); administrators everywhere. Viewers never. A user who sees a case through a
  viewer membership on the district and edits in one ward changes that ward's cases only.
- Opening cases from the lists: any editing role; the service opens cases only for the
  children whose cases the user may change (`children_whose_cases_user_may_change`).
- Work groups and campaigns (creating them, adding members, setting targets): the offices that
  run the mobilisation, an office or ward officer over the group's or campaign's unit;
  administrators. School staff sit in work groups but do not set them up.

Every casework service calls its predicate itself with `require(...)`.
"""

from django.db.models import Q, QuerySet

from reach.accounts.choices import EDITING_ROLES, Role
from reach.accounts.models import User
from reach.accounts.permissions import grants_of, holds_role
from reach.accounts.scoping import is_administrator, under_paths
from reach.casework.models import Campaign, DropoutCase, WorkGroup
from reach.geo.models import Unit, is_under
from reach.registry.models import Enrolment, Person

ORGANISING_ROLES = {Role.OFFICE, Role.WARD_OFFICER}


def _editing_schools(user: User | None) -> set[int]:
    return {
        g.school_id for g in grants_of(user) if g.school_id is not None and g.role in EDITING_ROLES
    }


def _may_change_cases_of(user: User | None, *, person_id: int, unit_path: str) -> bool:
    if holds_role(user, EDITING_ROLES, over=unit_path):
        return True
    schools = _editing_schools(user)
    return bool(schools) and (
        Enrolment.objects.filter(person_id=person_id, school_id__in=schools).exists()
    )


def can_edit_case(user: User | None, case: DropoutCase) -> bool:
    """Whether `user` may assign, visit, act on, close or reopen `case`."""
    return _may_change_cases_of(user, person_id=case.person_id, unit_path=case.unit.path)


def can_open_case_for(user: User | None, person: Person) -> bool:
    """Whether `user` may open a case for the child `person`."""
    return _may_change_cases_of(user, person_id=person.pk, unit_path=person.household.unit.path)


def can_open_cases_from_lists(user: User | None, unit: Unit | None = None) -> bool:
    """Whether `user` may open cases from the lists (of `unit`, or of all they see): an
    editing role over the unit, over a unit under it, or at a school."""
    if is_administrator(user):
        return True
    for grant in grants_of(user):
        if grant.role not in EDITING_ROLES:
            continue
        if grant.school_id is not None or unit is None:
            return True
        path = grant.unit_path
        if path is not None and (is_under(path, unit.path) or is_under(unit.path, path)):
            return True
    return False


def children_whose_cases_user_may_change(user: User | None) -> QuerySet[Person]:
    """The set form of `can_open_case_for`: the children `user` may open and change cases of."""
    persons = Person.objects.all()
    if is_administrator(user):
        return persons
    grants = grants_of(user)
    paths = tuple(g.unit_path for g in grants if g.unit_path and g.role in EDITING_ROLES)
    schools = _editing_schools(user)
    allowed = under_paths("household__unit__path", paths)
    if schools:
        pupils = Enrolment.objects.filter(school_id__in=schools).values("person_id")
        allowed |= Q(pk__in=pupils)
    return persons.filter(allowed)


def can_organise(user: User | None) -> bool:
    """Whether `user` may set up work groups or campaigns somewhere (to show the forms; the
    services check the unit)."""
    return is_administrator(user) or any(g.role in ORGANISING_ROLES for g in grants_of(user))


def can_manage_work_group(user: User | None, group_or_unit: WorkGroup | Unit) -> bool:
    """Whether `user` may create a work group in a unit, or add members to a work group."""
    unit = group_or_unit.unit if isinstance(group_or_unit, WorkGroup) else group_or_unit
    return holds_role(user, ORGANISING_ROLES, over=unit.path)


def can_manage_campaign(user: User | None, campaign_or_unit: Campaign | Unit) -> bool:
    """Whether `user` may create a campaign over a unit, or set a campaign's targets."""
    unit = campaign_or_unit.unit if isinstance(campaign_or_unit, Campaign) else campaign_or_unit
    return holds_role(user, ORGANISING_ROLES, over=unit.path)
