"""The demo's intake places and streaming (issue 22): for the school year after the current
one, places at each entry grade for the demo schools of each level, set from the children the
registry shows reaching that grade in the school's district, a little short in some wards and
to spare in others (the figures are invented for the demonstration; the proportions are fixed
so the demo shows gaps every time); then cases for the grade-9 finishers of the year before
the current one whose next step is unknown. Everything goes through the services (audited)."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count

from reach.accounts.models import User
from reach.accounts.scoping import under_paths
from reach.common.schoolyear import FIRST_MONTH
from reach.geo.models import School, Unit
from reach.geo.selectors import unit_on
from reach.indicators.selectors import group_by_unit
from reach.intake.choices import EntryGrade
from reach.intake.planning import children_of_grade
from reach.intake.services import open_cases_for_unknown_next_steps, set_capacity
from reach.registry.models import Person
from reach.registry.selectors import units_valid_on

LEVEL_OF_GRADE = {
    EntryGrade.PRESCHOOL: "preschool",
    EntryGrade.GRADE_1: "primary",
    EntryGrade.GRADE_6: "lower_secondary",
    EntryGrade.GRADE_10: "upper_secondary",
}
# Places as a share of the ward's children, ward after ward (by code): some short, some not.
SHARES = (0.8, 1.1, 0.95, 1.2, 0.7)


def _districts() -> list[Unit]:
    """The units whose sub-units hold households and have no sub-units: the demo's districts."""
    wards = Unit.objects.filter(children__isnull=True, households__isnull=False).distinct()
    return list(Unit.objects.filter(pk__in=wards.values("parent")).order_by("code"))


def set_up_demo_intake(*, actor: User, school_year: int) -> dict[str, int]:
    """Places for `school_year + 1`, from the children counted in `school_year`."""
    capacities = 0
    for district in _districts():
        day = dt.date(school_year, FIRST_MONTH, 1)
        wards = list(units_valid_on(Unit.objects.filter(parent=district), day).order_by("code"))
        schools = list(
            School.objects.filter(under_paths("unit__path", (district.path,)))
            .select_related("unit__successor")
            .order_by("code")
        )
        for grade, level in LEVEL_OF_GRADE.items():
            rows = (
                children_of_grade(Person.objects.all(), district, school_year, grade)
                .annotate(ward=group_by_unit(wards))
                .values("ward")
                .annotate(n=Count("pk"))
                .order_by()
            )
            counts = {row["ward"]: row["n"] for row in rows}
            by_ward: dict[str, list[School]] = defaultdict(list)
            for school in schools:
                if level in (school.levels or []):
                    # a school of a ward merged by a reorganisation counts in the new ward
                    home = unit_on(school.unit, day)
                    by_ward[home.path.split(".")[len(district.path.split("."))]].append(school)
            for index, ward in enumerate(wards):
                own = by_ward.get(ward.code, [])
                if not own or not counts.get(ward.code):
                    continue
                places = round(counts[ward.code] * SHARES[index % len(SHARES)])
                for position, school in enumerate(own):
                    share = places // len(own) + (1 if position < places % len(own) else 0)
                    set_capacity(
                        actor=actor,
                        school=school,
                        school_year=school_year + 1,
                        grade=grade,
                        places=share,
                    )
                    capacities += 1
    cases = open_cases_for_unknown_next_steps(actor=actor, school_year=school_year - 1)
    return {"capacities": capacities, "cases after grade 9": cases}
