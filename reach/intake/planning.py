"""Intake planning: who reaches each entry grade next school year, the places the schools offer,
and the allocation of children to schools near home.

The children of an entry grade are read in one statement per grade (`entry_q`: an age on the
next year's reference day, or this year's last grade of the level below), each flagged when
their household is a priority one (policy family, poor, near-poor: `data/universal.yaml`).
Allocation works over a whole district, the area whose schools its wards share, so that it
does not change with the reader: children in priority order (priority groups first, then the
elder, then the registry's order) take a place at a school of their own ward (schools by code),
and those left a place at any school of the district; whoever is left has no place. The same
records give the same allocation every time.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When

from reach.accounts.scoping import under_paths
from reach.common.schoolyear import FIRST_MONTH
from reach.geo.models import School, Unit
from reach.indicators.deprivation import household_status_in, in_ages
from reach.indicators.parameters import AgeBand, IndicatorParameters, indicator_parameters
from reach.indicators.selectors import TOTAL, group_by_unit
from reach.intake.definitions import Definitions, EntryGradeRule, universal_definitions
from reach.intake.models import Capacity
from reach.registry.choices import EducationLevel, EnrolmentStatus
from reach.registry.models import Enrolment, Person
from reach.registry.selectors import units_valid_on

# Levels in the order a child goes through them, for "at this level or above".
LEVEL_ORDER = (
    EducationLevel.PRESCHOOL,
    EducationLevel.PRIMARY,
    EducationLevel.LOWER_SECONDARY,
    EducationLevel.UPPER_SECONDARY,
)
GOING_ON = (EnrolmentStatus.ENROLLED, EnrolmentStatus.GRADUATED)


def _from_level(level: str) -> list[str]:
    if level not in LEVEL_ORDER:
        return [level]
    return [str(v) for v in LEVEL_ORDER[LEVEL_ORDER.index(level) :]]  # type: ignore[arg-type]


def entry_q(rule: EntryGradeRule, school_year: int, params: IndicatorParameters | None = None) -> Q:
    """The persons who reach `rule`'s entry grade in `school_year + 1`, as a condition over
    Person, read from this year's records."""
    params = params or indicator_parameters()
    if rule.by_age is not None:
        already = Enrolment.objects.filter(
            person=OuterRef("pk"),
            school_year=school_year,
            level__in=_from_level(rule.level),
            status__in=GOING_ON,
        )
        return in_ages(AgeBand(rule.by_age, rule.by_age), params, school_year + 1) & ~Q(
            Exists(already)
        )
    return Q(
        Exists(
            Enrolment.objects.filter(
                person=OuterRef("pk"),
                school_year=school_year,
                level=rule.from_level,
                grade=rule.from_grade,
                status__in=GOING_ON,
            )
        )
    )


def priority_q(school_year: int, definitions: Definitions | None = None) -> Q:
    """A child of a priority household: poor, near-poor (the statuses of the data file) in the
    school year, or a policy family (a member with one of the policy flags)."""
    definitions = definitions or universal_definitions()
    q = Q(household_status_in(school_year, definitions.priority_statuses))
    for flag in definitions.policy_flags:
        q |= Q(Exists(Person.objects.filter(household=OuterRef("household"), **{flag: True})))
    return q


def rule_for(grade: int) -> EntryGradeRule:
    for rule in universal_definitions().entry_grades:
        if rule.grade == grade:
            return rule
    raise KeyError(grade)


def children_of_grade(
    persons: QuerySet[Person], area: Unit, school_year: int, grade: int
) -> QuerySet[Person]:
    """The children under `area` who reach `grade` next school year, flagged `priority`."""
    return (
        persons.filter(under_paths("household__unit__path", (area.path,)))
        .filter(entry_q(rule_for(grade), school_year))
        .annotate(
            priority=Case(
                When(priority_q(school_year), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


@dataclass
class SchoolPlaces:
    school_id: int
    code: str
    name: str
    ward: str
    places: int
    allocated: int = 0

    @property
    def free(self) -> int:
        return self.places - self.allocated


@dataclass
class WardIntake:
    ward: Unit
    children: int = 0
    priority: int = 0
    places: int = 0
    placed_in_ward: int = 0
    placed_elsewhere: int = 0
    unplaced: int = 0

    @property
    def gap(self) -> int:
        """Children counted minus places of the ward's schools: above 0, places are short."""
        return self.children - self.places


@dataclass
class Allocation:
    """One entry grade's plan over a district."""

    area: Unit
    school_year: int  # the year the children are counted in; they enter the next one
    grade: int
    wards: dict[str, WardIntake] = field(default_factory=dict)
    schools: list[SchoolPlaces] = field(default_factory=list)
    # person id -> (ward code, priority, school id or None)
    placed: dict[int, tuple[str, bool, int | None]] = field(default_factory=dict)

    @property
    def unplaced_ids(self) -> list[int]:
        return [pk for pk, (_w, _p, school) in self.placed.items() if school is None]


def allocate(area: Unit, school_year: int, grade: int) -> Allocation:
    """Allocate the children of `area` (a district: its sub-units are the wards) who reach
    `grade` next school year to the places of its schools: same ward first, then anywhere in
    the district; deterministic. Two statements: the children, the capacities."""
    counted_on = dt.date(school_year, FIRST_MONTH, 1)  # a unit closed by then has no children
    wards = list(units_valid_on(Unit.objects.filter(parent=area), counted_on).order_by("code"))
    plan = Allocation(area=area, school_year=school_year, grade=grade)
    plan.wards = {w.code: WardIntake(ward=w) for w in wards}
    capacities = (
        Capacity.objects.filter(
            school_year=school_year + 1,
            grade=grade,
            school__in=_schools_under(area),
        )
        .annotate(ward=group_by_unit(wards, "school__unit__path"))
        .values("school_id", "school__code", "school__name", "ward", "places")
        .order_by("school__code")
    )
    for row in capacities:
        plan.schools.append(
            SchoolPlaces(
                school_id=row["school_id"],
                code=row["school__code"],
                name=row["school__name"],
                ward=row["ward"],
                places=row["places"],
            )
        )
        if row["ward"] in plan.wards:
            plan.wards[row["ward"]].places += row["places"]
    children = list(
        children_of_grade(Person.objects.all(), area, school_year, grade)
        .annotate(ward=group_by_unit(wards))
        .values_list("pk", "ward", "priority")
        .order_by("-priority", "birth_date", "pk")
    )
    by_ward: dict[str, list[SchoolPlaces]] = defaultdict(list)
    for school in plan.schools:
        by_ward[school.ward].append(school)
    waiting = []
    for pk, ward, priority in children:
        intake = plan.wards.get(ward)
        if intake is not None:
            intake.children += 1
            intake.priority += int(priority)
        school = next((s for s in by_ward.get(ward, ()) if s.free > 0), None)
        if school is not None and ward != TOTAL:
            school.allocated += 1
            plan.placed[pk] = (ward, priority, school.school_id)
            if intake is not None:
                intake.placed_in_ward += 1
        else:
            plan.placed[pk] = (ward, priority, None)
            waiting.append(pk)
    for pk in waiting:
        ward, priority, _none = plan.placed[pk]
        school = next((s for s in plan.schools if s.free > 0), None)
        intake = plan.wards.get(ward)
        if school is not None:
            school.allocated += 1
            plan.placed[pk] = (ward, priority, school.school_id)
            if intake is not None:
                intake.placed_elsewhere += 1
        elif intake is not None:
            intake.unplaced += 1
    return plan


def _schools_under(area: Unit) -> QuerySet[School]:
    return School.objects.filter(under_paths("unit__path", (area.path,))).values("pk")


def district_of(unit: Unit) -> Unit | None:
    """The district whose wards share their schools: `unit` itself when its sub-units have no
    sub-units, its parent when it has none (a ward); None above a district."""
    if not unit.children.exists():
        return unit.parent
    if not Unit.objects.filter(parent__parent=unit).exists():
        return unit
    return None
