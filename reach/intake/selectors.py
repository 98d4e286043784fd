"""Reads of universal-education rates, intake plans and streaming, through `restrict`.

Rates and streaming count the persons the reader may see, so a number equals its list. An
intake allocation is computed over every child of the district (a plan that changed with the
reader would not be one); its counts are shown for the units the reader may see, and of its
children only those the reader may see are named.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from reach.accounts.models import AuditEvent, User
from reach.accounts.scoping import restrict, under_paths
from reach.geo.models import School, Unit
from reach.indicators.selectors import child_units_for_user
from reach.intake import planning, streaming, universal
from reach.intake.choices import ENTRY_LEVEL, EntryGrade
from reach.intake.definitions import Rate, universal_definitions
from reach.intake.models import Capacity
from reach.registry.models import Person


def _persons(user: User | None) -> QuerySet[Person]:
    return restrict(Person.objects.all(), user)


def get_rate(code: str) -> Rate | None:
    return universal_definitions().rates.get(code)


def universal_rates_for_user(
    user: User | None, *, unit: Unit | None, school_year: int
) -> list[universal.RateValue]:
    """Every universal-education rate of `unit` (all the reader sees when None): one query."""
    return universal.rates_for(_persons(user), unit, school_year)


def universal_rates_by_sub_unit_for_user(
    user: User | None, *, unit: Unit | None, school_year: int
) -> dict[Unit, list[universal.RateValue]]:
    """Every rate of each sub-unit of `unit` the reader sees: one GROUP BY."""
    children = child_units_for_user(user, unit)
    return universal.rates_by_sub_unit(_persons(user), unit, children, school_year)


def list_rate_persons_for_user(
    user: User | None, *, rate: Rate, measure: str, unit: Unit | None, school_year: int
) -> QuerySet[Person]:
    """The persons behind one number of a rate, among those the reader sees."""
    persons = universal.persons_behind(_persons(user), rate, unit, school_year, measure)
    return persons.select_related("household", "household__unit").order_by(
        "household__unit__path", "full_name", "pk"
    )


def list_capacities_for_user(
    user: User | None, *, unit: Unit | None, school_year: int
) -> QuerySet[Capacity]:
    capacities = restrict(Capacity.objects.filter(school_year=school_year), user)
    if unit is not None:
        capacities = capacities.filter(under_paths("school__unit__path", (unit.path,)))
    return capacities.select_related("school", "school__unit").order_by("grade", "school__code")


def get_school_for_user(user: User | None, school_id: int) -> School | None:
    return restrict(School.objects.select_related("unit"), user).filter(pk=school_id).first()


@dataclass(frozen=True)
class PlacesSet:
    """A school's places at an entry grade in a school year (None: not set), with who set
    them last and when, as the audit trail records it."""

    school: School
    school_year: int
    grade: int
    places: int | None = None
    set_by: str = ""
    set_at: dt.datetime | None = None


def _last_changes(capacities: list[Capacity]) -> dict[int, AuditEvent]:
    """The latest audit event of each capacity: one statement."""
    events = AuditEvent.objects.filter(
        object_type=Capacity._meta.label_lower,
        object_id__in=[str(c.pk) for c in capacities],
    ).order_by("at", "id")
    return {int(event.object_id): event for event in events}


def _places_set(capacities: list[Capacity]) -> list[PlacesSet]:
    last = _last_changes(capacities)
    return [
        PlacesSet(
            school=c.school,
            school_year=c.school_year,
            grade=c.grade,
            places=c.places,
            set_by=last[c.pk].actor_name if c.pk in last else "",
            set_at=last[c.pk].at if c.pk in last else None,
        )
        for c in capacities
    ]


def list_places_of_school_for_user(user: User | None, school: School) -> list[PlacesSet]:
    """Every year's and entry grade's places of `school`, the latest year first."""
    capacities = restrict(Capacity.objects.filter(school=school), user).select_related("school")
    return _places_set(list(capacities.order_by("-school_year", "grade")))


def list_school_places_for_user(
    user: User | None, *, unit: Unit, school_year: int, grade: int, limit: int = 500
) -> list[PlacesSet]:
    """The places at `grade` in `school_year` of each school the user sees under `unit` that
    teaches the grade's level (or says no level, or has places set): two statements and the
    audit's one."""
    schools = list(
        restrict(School.objects.filter(under_paths("unit__path", (unit.path,))), user)
        .select_related("unit")
        .order_by("unit__path", "code")[:limit]
    )
    capacities = {
        c.school_id: c
        for c in Capacity.objects.filter(
            school__in=schools, school_year=school_year, grade=grade
        ).select_related("school")
    }
    known = {row.school.pk: row for row in _places_set(list(capacities.values()))}
    level = ENTRY_LEVEL[EntryGrade(grade)]
    return [
        known.get(s.pk) or PlacesSet(school=s, school_year=school_year, grade=grade)
        for s in schools
        if s.pk in known or not s.levels or level in s.levels
    ]


@dataclass(frozen=True)
class IntakeChild:
    person: Person
    ward: str
    priority: bool
    school: School | None


@dataclass(frozen=True)
class IntakePlan:
    allocation: planning.Allocation
    wards: list[planning.WardIntake]  # the wards shown (the reader's, under the unit asked)
    children: list[IntakeChild]  # the children the reader may see, of the wards shown
    unplaced: list[IntakeChild]
    hidden: int  # children of the wards shown the reader may not see


def intake_plan_for_user(
    user: User | None, *, unit: Unit, school_year: int, grade: int
) -> IntakePlan | None:
    """The intake of `grade` in `school_year + 1` for `unit` (a ward or a district); None
    above a district. Three statements besides the allocation's two."""
    district = planning.district_of(unit)
    if district is None:
        return None
    allocation = planning.allocate(district, school_year, grade)
    visible_wards = {u.code for u in restrict(Unit.objects.filter(parent=district), user)}
    shown = [
        w for code, w in allocation.wards.items()
        if code in visible_wards and (unit == district or w.ward.pk == unit.pk)
    ]  # fmt: skip
    shown_codes = {w.ward.code for w in shown}
    ids = [pk for pk, (ward, _p, _s) in allocation.placed.items() if ward in shown_codes]
    persons = _persons(user).filter(pk__in=ids).select_related("household", "household__unit")
    by_id = {p.pk: p for p in persons}
    schools = School.objects.in_bulk([s.school_id for s in allocation.schools])
    children = []
    for pk in ids:
        if pk in by_id:
            ward, priority, school = allocation.placed[pk]
            children.append(
                IntakeChild(by_id[pk], ward, priority, schools.get(school) if school else None)
            )
    return IntakePlan(
        allocation=allocation,
        wards=shown,
        children=children,
        unplaced=[c for c in children if c.school is None],
        hidden=len(ids) - len(children),
    )


def list_finishers_for_user(
    user: User | None, *, unit: Unit | None, school_year: int
) -> QuerySet[Person]:
    """The grade-9 finishers of `school_year` the reader sees, with their `next_step`."""
    persons = _persons(user)
    if unit is not None:
        persons = persons.filter(under_paths("household__unit__path", (unit.path,)))
    return streaming.finishers(persons, school_year)


def streaming_counts_for_user(
    user: User | None, *, unit: Unit | None, school_year: int
) -> dict[str, int]:
    """How many finishers took each next step: one GROUP BY."""
    rows = (
        list_finishers_for_user(user, unit=unit, school_year=school_year)
        .values("next_step")  # type: ignore[misc]  # annotated by streaming.finishers
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["next_step"]: row["n"] for row in rows}
