"""Criteria sets as data: the shipped YAML (`data/criteria.yaml`) and what Reach computes.

A computed criterion is judged over the persons of the registration's subject (a household's
members, a clan's households' members, a community's residents, the citizen) in its year:
- children_enrolled: every child of the child school attendance indicator's ages attends at the
  level for their age in the school year starting in that year (reach/indicators);
- adults_literate: every member of `params.ages` completed primary education or a literacy
  class (the registry holds the education completed, not the literacy level: to confirm);
- course_completed: at least `params.at_least` members of `params.ages` completed a course in
  the year.
A criterion met earns its full points; one not met earns none.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from reach.accounts.scoping import under_paths
from reach.indicators.deprivation import conditions
from reach.learning.choices import Computed, CourseKind, ParticipantStatus, Title
from reach.learning.models import Criterion, Participant, Registration
from reach.learning.parameters import DATA_DIR, aged, year_end
from reach.registry.choices import EducationCompleted
from reach.registry.models import Person

CRITERIA_FILE = DATA_DIR / "criteria.yaml"


@dataclass(frozen=True)
class CriterionInput:
    code: str
    label: str
    max_points: int | None = None
    group: str = ""
    computed: str = ""
    params: dict | None = None


@dataclass(frozen=True)
class SetInput:
    code: str
    title: str
    name: str
    source: str
    confidence: str = ""
    pass_mark: int | None = None
    note: str = ""
    criteria: tuple[CriterionInput, ...] = ()


def read_criteria_file(path: Path | None = None) -> list[SetInput]:
    with open(path or CRITERIA_FILE, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    sets = []
    for raw in data["sets"]:
        criteria = tuple(
            CriterionInput(
                code=str(c["code"]),
                label=c["label"],
                max_points=c.get("points"),
                group=c.get("group", ""),
                computed=c.get("computed", "") or "",
                params=c.get("params") or {},
            )
            for c in raw["criteria"]
        )
        sets.append(
            SetInput(
                code=raw["code"],
                title=raw["title"],
                name=raw["name"],
                source=raw["source"],
                confidence=raw.get("confidence", ""),
                pass_mark=raw.get("pass_mark"),
                note=raw.get("note", ""),
                criteria=criteria,
            )
        )
    return sets


def subject_persons(registration: Registration) -> QuerySet[Person]:
    """The persons a registration's computed criteria are judged over (none for a learning
    unit: Reach holds no staff lists)."""
    title = registration.title
    if title == Title.FAMILY:
        return Person.objects.filter(household_id=registration.household_id)
    if title == Title.CLAN:
        return Person.objects.filter(household__clans=registration.clan_id)
    if title == Title.COMMUNITY and registration.community is not None:
        return Person.objects.filter(
            under_paths("household__unit__path", (registration.community.path,))
        )
    if title == Title.CITIZEN:
        return Person.objects.filter(pk=registration.person_id)
    return Person.objects.none()


@dataclass(frozen=True)
class Judged:
    met: bool
    value: str
    points: int | None


def _completed_in(year: int, kinds: tuple[str, ...] | None = None) -> Exists:
    courses = Participant.objects.filter(
        person=OuterRef("pk"),
        status=ParticipantStatus.COMPLETED,
        completed_on__gte=dt.date(year, 1, 1),
        completed_on__lte=year_end(year),
    )
    if kinds:
        courses = courses.filter(course__kind__in=kinds)
    return Exists(courses)


def judge(criterion: Criterion, persons: QuerySet[Person], year: int) -> Judged | None:
    """A computed criterion's value over `persons` in `year`; None if Reach does not compute it."""
    params = criterion.params or {}
    if criterion.computed == Computed.CHILDREN_ENROLLED:
        cond = conditions(year)
        children = persons.filter(cond.child_population)
        total = children.count()
        attending = children.exclude(cond.child_deprived).count()
        met = attending == total
        value = _("%(n)s of %(total)s children attend") % {"n": attending, "total": total}
    elif criterion.computed == Computed.ADULTS_LITERATE:
        adults = persons.filter(aged(tuple(params.get("ages", (19, 60))), year_end(year)))
        literate = ~Q(education_completed=EducationCompleted.NONE) | Q(
            Exists(
                Participant.objects.filter(
                    person=OuterRef("pk"),
                    status=ParticipantStatus.COMPLETED,
                    course__kind=CourseKind.LITERACY,
                    completed_on__lte=year_end(year),
                )
            )
        )
        total = adults.count()
        n = adults.filter(literate).count()
        met = n == total
        value = _("%(n)s of %(total)s adults literate") % {"n": n, "total": total}
    elif criterion.computed == Computed.COURSE_COMPLETED:
        adults = persons.filter(aged(tuple(params.get("ages", (19, 60))), year_end(year)))
        n = adults.filter(_completed_in(year)).count()
        met = n >= int(params.get("at_least", 1))
        value = _("%(n)s members completed a course") % {"n": n}
    else:
        return None
    if criterion.max_points is None:  # points to confirm: the value is shown, no points
        return Judged(met=met, value=value, points=None)
    return Judged(met=met, value=value, points=(criterion.max_points if met else 0))
