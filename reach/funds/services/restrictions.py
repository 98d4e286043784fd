"""A donor's wishes as a restriction, and whether a pupil meets one.

A restriction names what must hold for a recipient: a purpose (the spend's), a level and a
school (an enrolment of the spend's school year), a unit (the pupil's household lives in it or
under it), a named pupil or household. What it names lies within the fund's area (its unit and
everything under it) and is visible to the user who records it."""

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.scoping import restrict
from reach.accounts.services import record_audit_event, snapshot
from reach.common.schoolyear import school_year_of
from reach.funds.choices import FundPurpose
from reach.funds.models import Fund, Restriction
from reach.funds.permissions import can_manage_restrictions
from reach.funds.services.ledger import FundError, lock_fund
from reach.geo.models import School, Unit, is_under
from reach.registry.choices import EducationLevel, EnrolmentStatus
from reach.registry.models import Enrolment, Household, Person

M = TypeVar("M", bound=Model)


class RestrictionNotMet(FundError):
    """The recipient does not meet the restriction of the money or goods to be spent."""


@dataclass(frozen=True)
class RestrictionInput:
    """A donor's wishes as written on a form, the API or a row of a donation list."""

    purpose: str = ""
    level: str = ""
    school_id: int | None = None
    unit_id: int | None = None
    person_id: int | None = None
    household_id: int | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.purpose
            or self.level
            or self.school_id
            or self.unit_id
            or self.person_id
            or self.household_id
        )


def _visible(queryset: QuerySet[M], user: User | None, pk: int | None) -> M | None:
    return restrict(queryset, user).filter(pk=pk).first() if pk is not None else None


def restriction_for(*, fund: Fund, wishes: RestrictionInput, actor: User | None) -> Restriction:
    """The fund's restriction for `wishes`, created on first use (the caller holds the fund's
    lock). Refuses a purpose or level that does not exist, and a school, unit, pupil or
    household the actor may not see or that lies outside the fund's area."""
    if wishes.purpose and wishes.purpose not in FundPurpose.values:
        raise FundError(_("unknown purpose %(value)r") % {"value": wishes.purpose})
    if wishes.level and wishes.level not in EducationLevel.values:
        raise FundError(_("unknown level %(value)r") % {"value": wishes.level})
    school = _visible(School.objects.select_related("unit"), actor, wishes.school_id)
    unit = _visible(Unit.objects.all(), actor, wishes.unit_id)
    person = _visible(Person.objects.select_related("household__unit"), actor, wishes.person_id)
    household = _visible(Household.objects.select_related("unit"), actor, wishes.household_id)
    area = fund.unit.path
    places: list[tuple[int | None, str | None, str]] = [
        (wishes.school_id, school.unit.path if school else None, _("school")),
        (wishes.unit_id, unit.path if unit else None, _("unit")),
        (wishes.person_id, person.household.unit.path if person else None, _("pupil")),
        (wishes.household_id, household.unit.path if household else None, _("household")),
    ]
    for asked, place, label in places:
        if asked is not None and not is_under(place, area):
            raise FundError(
                _("no %(what)s %(id)s in the fund's area") % {"what": label, "id": asked}
            )
    restriction, _created = Restriction.objects.get_or_create(
        fund=fund,
        purpose=wishes.purpose,
        level=wishes.level,
        school=school,
        unit=unit,
        person=person,
        household=household,
    )
    return restriction


def describe_restriction(restriction: Restriction) -> str:
    """The restriction as people read it: "Bicycles; Lower secondary; School X"."""
    parts = []
    if restriction.purpose:
        parts.append(str(FundPurpose(restriction.purpose).label))
    if restriction.level:
        parts.append(str(EducationLevel(restriction.level).label))
    if restriction.school_id:
        parts.append(str(restriction.school))
    if restriction.unit_id:
        parts.append(str(restriction.unit))
    if restriction.person_id:
        parts.append(_("pupil %(id)s") % {"id": restriction.person_id})
    if restriction.household_id:
        parts.append(_("household %(id)s") % {"id": restriction.household_id})
    return "; ".join(parts)


def unmet(restriction: Restriction, *, recipient: Person, purpose: str, on: dt.date) -> list[str]:
    """Every way `recipient` (paid for `purpose` on `on`) falls outside `restriction`; none:
    the money may go to them."""
    reasons = []
    year = school_year_of(on)
    enrolments = Enrolment.objects.filter(
        person=recipient, school_year=year, status=EnrolmentStatus.ENROLLED
    )
    if restriction.purpose and purpose != restriction.purpose:
        reasons.append(
            _("the money is for %(purpose)s only")
            % {"purpose": FundPurpose(restriction.purpose).label}
        )
    if restriction.level and not enrolments.filter(level=restriction.level).exists():
        reasons.append(
            _("the money is for pupils of %(level)s in %(year)s only")
            % {"level": EducationLevel(restriction.level).label, "year": year}
        )
    if restriction.school_id and not enrolments.filter(school_id=restriction.school_id).exists():
        reasons.append(
            _("the money is for pupils of %(school)s in %(year)s only")
            % {"school": restriction.school, "year": year}
        )
    if restriction.unit is not None and not is_under(
        recipient.household.unit.path, restriction.unit.path
    ):
        reasons.append(
            _("the money is for pupils living in %(unit)s only") % {"unit": restriction.unit}
        )
    if restriction.person_id and restriction.person_id != recipient.pk:
        reasons.append(_("the money is for one named pupil only"))
    if restriction.household_id and restriction.household_id != recipient.household_id:
        reasons.append(_("the money is for the pupils of one named household only"))
    return reasons


def add_restriction(*, actor: User, fund: Fund, wishes: RestrictionInput) -> Restriction:
    """Add a pot to `fund` for `wishes` (or return the one that exists), audited. Raises
    NotAllowed, or FundError for empty wishes or what `restriction_for` refuses."""
    require(
        can_manage_restrictions(actor, fund),
        _("Your role cannot add restrictions to this fund."),
    )
    if wishes.empty:
        raise FundError(_("a restriction restricts something: name a purpose, level or place"))
    with transaction.atomic():
        locked = lock_fund(fund.pk)
        existing = set(locked.restrictions.values_list("pk", flat=True))
        restriction = restriction_for(fund=locked, wishes=wishes, actor=actor)
        if restriction.pk not in existing:
            record_audit_event(
                actor=actor,
                action=AuditAction.CREATE,
                obj=restriction,
                after=snapshot(restriction),
                household_id=restriction.household_id or None,
            )
    return restriction
