"""Reads of school support, every one through `restrict`. The page of poor villages' schools
is a handful of GROUP BY statements whatever the number of schools."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from reach.accounts.models import User
from reach.accounts.scoping import restrict, under_paths
from reach.funds.models import Fund
from reach.funds.selectors import funds_for_user
from reach.geo.models import PATH_SEPARATOR, Organisation, School, Unit, UnitYearAttribute
from reach.schoolsupport.choices import NeedStatus, ProjectStatus
from reach.schoolsupport.models import (
    PairingActivity,
    SchoolNeed,
    SchoolPairing,
    SchoolProject,
    TeacherPlacement,
    TeacherTraining,
)


def this_year() -> int:
    return timezone.localdate().year


def list_schools_for_user(user: User | None, unit: Unit | None = None) -> QuerySet[School]:
    schools = restrict(School.objects.select_related("unit"), user)
    if unit is not None:
        schools = schools.filter(under_paths("unit__path", (unit.path,)))
    return schools.order_by("unit__path", "code")


def get_school_for_user(user: User | None, school_id: int) -> School | None:
    return list_schools_for_user(user).filter(pk=school_id).first()


def list_needs_for_user(user: User | None, school: School) -> QuerySet[SchoolNeed]:
    return restrict(SchoolNeed.objects.filter(school=school), user)


def list_open_needs_for_user(user: User | None, school: School) -> QuerySet[SchoolNeed]:
    """The needs of `school` a project can still answer."""
    return list_needs_for_user(user, school).filter(status=NeedStatus.OPEN)


def list_funds_over_school_for_user(user: User | None, school: School) -> QuerySet[Fund]:
    """The funds the user sees whose area holds `school` (a fund pays only under its unit)."""
    parts = school.unit.path.split(PATH_SEPARATOR)
    over = [PATH_SEPARATOR.join(parts[: n + 1]) for n in range(len(parts))]
    return funds_for_user(user).filter(unit__path__in=over).order_by("code")


def list_organisations_for_user(user: User | None) -> QuerySet[Organisation]:
    return restrict(Organisation.objects.all(), user).order_by("name")


def list_projects_for_user(user: User | None, school: School) -> QuerySet[SchoolProject]:
    return restrict(
        SchoolProject.objects.filter(school=school).select_related("fund", "need"), user
    )


def get_need_for_user(user: User | None, need_id: int) -> SchoolNeed | None:
    return (
        restrict(SchoolNeed.objects.select_related("school__unit"), user).filter(pk=need_id).first()
    )


def get_project_for_user(user: User | None, project_id: int) -> SchoolProject | None:
    projects = SchoolProject.objects.select_related("school__unit", "fund__unit", "need")
    return restrict(projects, user).filter(pk=project_id).first()


def get_pairing_for_user(user: User | None, pairing_id: int) -> SchoolPairing | None:
    pairings = SchoolPairing.objects.select_related(
        "helper__unit", "school__unit"
    ).prefetch_related(
        Prefetch("activities", queryset=PairingActivity.objects.order_by("held_on", "pk"))
    )
    return restrict(pairings, user).filter(pk=pairing_id).first()


def list_pairings_for_user(user: User | None, school: School) -> QuerySet[SchoolPairing]:
    """The pairs `school` is in, helping or helped, that the user may see."""
    pairings = SchoolPairing.objects.filter(Q(school=school) | Q(helper=school))
    return (
        restrict(pairings, user)
        .select_related("helper", "school")
        .prefetch_related(
            Prefetch("activities", queryset=PairingActivity.objects.order_by("held_on", "pk"))
        )
    )


@dataclass
class SchoolPlan:
    """One school, one plan: its needs with what was done against each, the projects that
    answer no recorded need, the teachers sent, the training and the pairs."""

    school: School
    needs: list[SchoolNeed]
    other_projects: list[SchoolProject]
    placements: list[TeacherPlacement]
    trainings: list[TeacherTraining]
    pairings: list[SchoolPairing]
    received: dict[str, int]  # currency -> final cost of the completed projects


def school_plan_for_user(user: User | None, school: School) -> SchoolPlan:
    projects = list(list_projects_for_user(user, school))
    by_need: dict[int, list[SchoolProject]] = defaultdict(list)
    for project in projects:
        if project.need_id is not None:
            by_need[project.need_id].append(project)
    needs = list(list_needs_for_user(user, school))
    for need in needs:
        need.answered_by = by_need.get(need.pk, [])  # type: ignore[attr-defined]
    received: dict[str, int] = defaultdict(int)
    for project in projects:
        if project.status == ProjectStatus.COMPLETED:
            received[project.currency] += project.cost_minor or 0
    return SchoolPlan(
        school=school,
        needs=needs,
        other_projects=[p for p in projects if p.need_id is None],
        placements=list(
            restrict(TeacherPlacement.objects.filter(school=school), user).select_related(
                "from_school", "from_organisation"
            )
        ),
        trainings=list(restrict(TeacherTraining.objects.filter(school=school), user)),
        pairings=list(list_pairings_for_user(user, school)),
        received=dict(received),
    )


# --- poor villages' schools and what they received ---


@dataclass
class ReceivedRow:
    school: School | None  # None: the total row
    extremely_difficult: bool = False
    poor_village: bool = False
    projects: int = 0
    amounts: dict[str, int] = field(default_factory=dict)  # currency -> minor units
    teachers_sent: int = 0
    trainings: int = 0
    teachers_trained: int = 0
    pairings: int = 0


@dataclass
class Received:
    year: int
    rows: list[ReceivedRow]
    total: ReceivedRow  # its school is None: the sums over the rows
    placements: list[TeacherPlacement]


def extremely_difficult_paths(year: int) -> tuple[str, ...]:
    """The paths of the units that are extremely difficult communes in `year` (public
    reference data: official decisions)."""
    return tuple(
        UnitYearAttribute.objects.filter(year=year, extremely_difficult_commune=True)
        .values_list("unit__path", flat=True)
        .order_by("unit__path")
    )


def poor_village_schools_for_user(
    user: User | None, *, unit: Unit | None, year: int
) -> QuerySet[School]:
    """The schools the user sees (under `unit`) in an extremely difficult commune of `year`
    (or a village under one), or flagged as a poor village's school."""
    poor = Q(support_profile__poor_village=True)
    paths = extremely_difficult_paths(year)
    if paths:
        poor |= under_paths("unit__path", paths)
    return list_schools_for_user(user, unit).filter(poor)


def _counted(rows_of: QuerySet, schools: list[int], **annotations: Any) -> dict[int, dict]:
    """Per school of `schools`: the aggregates of its rows of `rows_of` (one GROUP BY)."""
    rows = (
        rows_of.filter(school_id__in=schools).values("school_id").annotate(**annotations).order_by()
    )
    return {row["school_id"]: row for row in rows}


def received_for_user(
    user: User | None, *, unit: Unit | None, year: int, through: dt.date | None = None
) -> Received:
    """What each poor village's school received up to `through` (default: today): completed
    projects with their final cost per currency, teachers sent, trainings and pairs."""
    through = through or timezone.localdate()
    schools = list(
        poor_village_schools_for_user(user, unit=unit, year=year).select_related("support_profile")
    )
    ids = [s.pk for s in schools]
    paths = extremely_difficult_paths(year)
    amounts: dict[int, dict[str, int]] = defaultdict(dict)
    projects: dict[int, int] = defaultdict(int)
    for group in (
        SchoolProject.objects.filter(
            school_id__in=ids, status=ProjectStatus.COMPLETED, completed_on__lte=through
        )
        .values("school_id", "currency")
        .annotate(total=Sum("cost_minor"), n=Count("pk"))
        .order_by()
    ):
        amounts[group["school_id"]][group["currency"]] = int(group["total"] or 0)
        projects[group["school_id"]] += group["n"]
    sent = _counted(TeacherPlacement.objects.filter(starts_on__lte=through), ids, n=Count("pk"))
    trained = _counted(
        TeacherTraining.objects.filter(held_on__lte=through),
        ids,
        n=Count("pk"),
        teachers=Sum("teachers"),
    )
    paired = _counted(SchoolPairing.objects.filter(starts_on__lte=through), ids, n=Count("pk"))
    rows = []
    total = ReceivedRow(school=None)
    total_amounts: dict[str, int] = defaultdict(int)
    for school in schools:
        profile = getattr(school, "support_profile", None)
        row = ReceivedRow(
            school=school,
            extremely_difficult=any(
                school.unit.path == p or school.unit.path.startswith(p + ".") for p in paths
            ),
            poor_village=bool(profile and profile.poor_village),
            projects=projects.get(school.pk, 0),
            amounts=amounts.get(school.pk, {}),
            teachers_sent=sent.get(school.pk, {}).get("n", 0),
            trainings=trained.get(school.pk, {}).get("n", 0),
            teachers_trained=int(trained.get(school.pk, {}).get("teachers") or 0),
            pairings=paired.get(school.pk, {}).get("n", 0),
        )
        rows.append(row)
        total.projects += row.projects
        total.teachers_sent += row.teachers_sent
        total.trainings += row.trainings
        total.teachers_trained += row.teachers_trained
        total.pairings += row.pairings
        for currency, amount in row.amounts.items():
            total_amounts[currency] += amount
    total.amounts = dict(total_amounts)
    placements = list(
        TeacherPlacement.objects.filter(school_id__in=ids, starts_on__lte=through)
        .select_related("school", "from_school", "from_organisation")
        .order_by("school__code", "starts_on")
    )
    return Received(year=year, rows=rows, total=total, placements=placements)
