"""Advances generated households by one school year, planting dropouts from hidden causes.

From the rows of school year `year` this writes the household statuses and enrolments of
`year + 1`: pupils move up a grade or repeat one, change level and school, finish; children
reach preschool and primary age; some out-of-school children return. Enrolled pupils drop out
with a probability that grows with the household's poverty, low attendance, a repeated grade,
being an orphan, disabled or left behind, studying far from home without boarding, an older
sibling who dropped out, and a family circumstance that no record shows. They are the planted
dropouts: pupils enrolled in `year` below the last grade of their level who, in `year + 1`,
are not attending (their enrolment ends as dropped out, or they have none).

Deterministic: each household draws from its own stream, seeded by its code and the year, so
the result does not depend on chunking or on other households. Households that already have a
status for `year + 1` are skipped, so a rerun creates nothing.
"""

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import asdict, dataclass

from django.db import transaction

from reach.accounts.choices import AuditAction
from reach.accounts.scoping import under_paths
from reach.accounts.services import record_audit_event
from reach.geo.models import Unit
from reach.registry.choices import EducationCompleted as Completed
from reach.registry.choices import EducationLevel as Level
from reach.registry.choices import EnrolmentStatus, HouseholdStatus
from reach.registry.generate.builder import CommuneContext, HouseholdBuilder, InstanceMaker
from reach.registry.generate.profiles import COMPLETED_ORDER, age_on
from reach.registry.generate.writer import LOOKUP_BATCH, _insert
from reach.registry.models import Enrolment, Household, HouseholdYearStatus, Person

CHUNK_HOUSEHOLDS = 4000
LAST_GRADE = {
    Level.PRIMARY: 5,
    Level.LOWER_SECONDARY: 9,
    Level.UPPER_SECONDARY: 12,
    Level.VOCATIONAL_SECONDARY: 3,
}
# The hidden hazard of dropping out (log-odds). Not the risk score's weights: the score only
# sees recorded factors, as yes/no, and never the family circumstance.
BASE_LOG_ODDS = {
    Level.PRIMARY: -5.6,
    Level.LOWER_SECONDARY: -4.6,
    Level.UPPER_SECONDARY: -4.0,
    Level.VOCATIONAL_SECONDARY: -3.8,
}
STATUS_LOG_ODDS = {
    HouseholdStatus.POOR: 1.4,
    HouseholdStatus.NEAR_POOR: 0.9,
    HouseholdStatus.ESCAPED_POOR: 0.4,
    HouseholdStatus.ESCAPED_NEAR_POOR: 0.3,
}
LEAVING_LOWER_SECONDARY = 0.9  # not going on to grade 10
PER_POINT_OF_ABSENCE = 0.06  # below 90% attendance
REPEATED = 0.9
ORPHAN = 1.0
DISABLED = 0.8
LEFT_BEHIND = 0.7
FAR_WITHOUT_BOARDING = 0.5
OLDER_SIBLING_DROPPED_OUT = 1.1
FAMILY_SPREAD = 0.8  # standard deviation of the unrecorded family circumstance
# Next year's status of a household holding a status this year: (status, cumulative share).
STATUS_CHANGES = {
    HouseholdStatus.POOR: (
        (HouseholdStatus.POOR, 0.78),
        (HouseholdStatus.NEAR_POOR, 0.88),
        (HouseholdStatus.ESCAPED_POOR, 1.0),
    ),
    HouseholdStatus.NEAR_POOR: (
        (HouseholdStatus.NEAR_POOR, 0.8),
        (HouseholdStatus.POOR, 0.85),
        (HouseholdStatus.ESCAPED_NEAR_POOR, 1.0),
    ),
    HouseholdStatus.ESCAPED_POOR: (
        (HouseholdStatus.ESCAPED_POOR, 0.9),
        (HouseholdStatus.NONE, 1.0),
    ),
    HouseholdStatus.ESCAPED_NEAR_POOR: (
        (HouseholdStatus.ESCAPED_NEAR_POOR, 0.9),
        (HouseholdStatus.NONE, 1.0),
    ),
    HouseholdStatus.NONE: (
        (HouseholdStatus.NONE, 0.994),
        (HouseholdStatus.NEAR_POOR, 0.997),
        (HouseholdStatus.POOR, 1.0),
    ),
}
# China's registry has no near-poor status: its households move between poor and escaped.
CHINA_STATUS = {
    HouseholdStatus.NEAR_POOR: HouseholdStatus.POOR,
    HouseholdStatus.ESCAPED_NEAR_POOR: HouseholdStatus.ESCAPED_POOR,
}


@dataclass(frozen=True)
class NextYearResult:
    households: int
    statuses: int
    enrolments: int
    planted_dropouts: int
    completed_raised: int


@dataclass
class _Pupil:
    """What the next year of one person depends on."""

    person: dict
    age: int  # on 1 September of the next school year
    enrolment: dict | None  # this year's
    repeated: bool
    older_sibling_dropped_out: bool


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def family_circumstance(household_code: str) -> float:
    """The unrecorded circumstance of a household, the same every year."""
    return random.Random(f"{household_code}:family").gauss(0, FAMILY_SPREAD)


def dropout_probability(
    *, pupil: _Pupil, status: str, far: bool, family: float, china: bool
) -> float:
    """The hidden chance that an enrolled pupil is not attending next year."""
    enrolment = pupil.enrolment
    level, grade = enrolment["level"], enrolment["grade"]
    x = BASE_LOG_ODDS[level] + STATUS_LOG_ODDS.get(status, 0.0) + family
    if level == Level.LOWER_SECONDARY and grade == LAST_GRADE[level]:
        x += LEAVING_LOWER_SECONDARY
    attendance = enrolment["attendance_rate"] if enrolment["attendance_rate"] is not None else 95
    x += PER_POINT_OF_ABSENCE * max(0, 90 - attendance)
    x += REPEATED * pupil.repeated + ORPHAN * pupil.person["orphan"]
    x += DISABLED * pupil.person["disabled"] + FAR_WITHOUT_BOARDING * far
    x += LEFT_BEHIND * pupil.person.get("left_behind", False)
    x += OLDER_SIBLING_DROPPED_OUT * pupil.older_sibling_dropped_out
    return _sigmoid(x - 0.2 if china else x)


def recorded_hazard(
    *,
    enrolment: dict,
    person: dict,
    status: str,
    repeated: bool,
    older_sibling_dropped_out: bool,
    far: bool,
    china: bool,
) -> float:
    """The chance `dropout_probability` gives a pupil of an average family: the generator's
    own hazard of what the registry records (`enrolment`: level, grade, attendance_rate;
    `person`: orphan, disabled, left_behind), the best any score of those records can rank by.
    """
    pupil = _Pupil(person, 0, enrolment, repeated, older_sibling_dropped_out)
    return dropout_probability(pupil=pupil, status=status, far=far, family=0.0, china=china)


class _NextYear:
    """Builds the next year's rows of one chunk of households."""

    def __init__(self, *, unit: Unit, seed: int, year: int) -> None:
        self.year, self.next = year, year + 1
        builder = HouseholdBuilder(unit=unit, seed=seed, year=self.next)
        self.profile, self.china = builder.profile, builder.china
        self.communes: dict[int, CommuneContext] = {c.unit.id: c for c in builder.communes}
        self.day = dt.date(self.next, 9, 1)  # ages as the builder counts them
        self.new_enrolment = InstanceMaker(Enrolment)
        self.new_status = InstanceMaker(HouseholdYearStatus)
        self.planted = 0
        self.completed: dict[str, list[int]] = defaultdict(list)

    def school(self, rng, commune, level, current_school_id):
        schools = commune.schools.get(level) or commune.district_schools.get(level) or []
        if current_school_id and any(s.id == current_school_id for s in schools):
            return next(s for s in schools if s.id == current_school_id)
        return schools[int(rng.random() * len(schools))] if schools else None

    def enrolment(self, rng, commune, pupil, level, grade, *, status, attendance, school=None):
        current = pupil.enrolment["school_id"] if pupil.enrolment else None
        school = school or self.school(rng, commune, level, current)
        boarding = bool(
            school
            and school.boarding
            and (
                (pupil.enrolment and pupil.enrolment["boarding"] and school.id == current)
                or rng.random() < self.profile.boarding.get(level, 0)
            )
        )
        return self.new_enrolment(
            person_id=pupil.person["id"],
            school_id=school.id if school else None,
            school_year=self.next,
            level=level,
            grade=grade,
            boarding=boarding,
            status=status,
            attendance_rate=attendance,
        )

    def attendance(self, rng, *, status: str, family: float) -> int:
        low = 100 - int(rng.random() ** 2 * 26) - (12 if family > 0.8 else 0)
        return max(40, low - (6 if status == HouseholdStatus.POOR else 0))

    def raise_completed(self, person: dict, completed: str) -> None:
        if COMPLETED_ORDER.index(completed) > COMPLETED_ORDER.index(person["education_completed"]):
            self.completed[completed].append(person["id"])

    def next_status(self, rng, status: str) -> str:
        draw = rng.random()
        status = next(s for s, share in STATUS_CHANGES[status] if draw < share)
        return CHINA_STATUS.get(status, status) if self.china else status

    def household(self, household: dict, pupils: list[_Pupil], status: str):
        """The next year's status and enrolments of one household."""
        rng = random.Random(f"{household['code']}:{self.next}")
        family = family_circumstance(household["code"])
        commune = self.communes[household["unit_id"]]
        new_status = self.next_status(rng, status)
        rows = [
            self.new_status(
                household_id=household["id"],
                year=self.next,
                status=new_status,
                decision=commune.decisions[self.next] if new_status != HouseholdStatus.NONE else "",
            )
        ]
        for pupil in pupils:
            enrolment = self.pupil(rng, commune, pupil, status, new_status, family)
            if enrolment is not None:
                rows.append(enrolment)
        return rows

    def pupil(self, rng, commune, pupil: _Pupil, status, new_status, family):
        e, random_ = pupil.enrolment, rng.random
        attendance = self.attendance(rng, status=new_status, family=family)
        if e is None or e["status"] != EnrolmentStatus.ENROLLED:
            if e is not None and e["status"] == EnrolmentStatus.DROPPED_OUT and random_() < 0.25:
                return self.enrolment(
                    rng,
                    commune,
                    pupil,
                    e["level"],
                    e["grade"],
                    status=EnrolmentStatus.ENROLLED,
                    attendance=attendance - 8,
                )
            return self.entry(rng, commune, pupil, attendance)
        level, grade = e["level"], e["grade"]
        if level in BASE_LOG_ODDS and grade is not None and grade <= LAST_GRADE[level]:
            if grade < LAST_GRADE[level] or level == Level.LOWER_SECONDARY:
                far = bool(e["school_unit_id"] and e["school_unit_id"] not in commune.near_unit_ids)
                chance = dropout_probability(
                    pupil=pupil,
                    status=status,
                    far=far and not e["boarding"],
                    family=family,
                    china=self.china,
                )
                if random_() < chance:
                    return self.dropout(rng, commune, pupil)
        return self.progress(rng, commune, pupil, new_status, attendance)

    def dropout(self, rng, commune, pupil: _Pupil):
        """A planted dropout: an enrolment that ends as dropped out, or none at all."""
        self.planted += 1
        e = pupil.enrolment
        level, grade = self.next_grade(e["level"], e["grade"])
        if e["level"] == Level.LOWER_SECONDARY and e["grade"] == LAST_GRADE[e["level"]]:
            self.raise_completed(pupil.person, Completed.LOWER_SECONDARY)
            return None  # finished lower secondary, never came to grade 10
        if rng.random() < 0.45:
            return None
        return self.enrolment(
            rng,
            commune,
            pupil,
            level,
            grade,
            status=EnrolmentStatus.DROPPED_OUT,
            attendance=30 + int(rng.random() * 40),
        )

    def next_grade(self, level: str, grade: int) -> tuple[str, int]:
        if level == Level.PRIMARY and grade == LAST_GRADE[level]:
            return Level.LOWER_SECONDARY, grade + 1
        if level == Level.LOWER_SECONDARY and grade == LAST_GRADE[level]:
            return Level.UPPER_SECONDARY, grade + 1
        return level, grade + 1

    def progress(self, rng, commune, pupil: _Pupil, status: str, attendance: int):
        e, person, random_ = pupil.enrolment, pupil.person, rng.random
        level, grade = e["level"], e["grade"]
        enrolled = EnrolmentStatus.ENROLLED
        if level == Level.PRESCHOOL:
            if pupil.age >= 6:
                return self.enrolment(
                    rng, commune, pupil, Level.PRIMARY, 1, status=enrolled, attendance=attendance
                )
            return self.enrolment(
                rng, commune, pupil, level, None, status=enrolled, attendance=attendance
            )
        if level == Level.HIGHER_EDUCATION:
            if pupil.age > 22:
                self.raise_completed(person, Completed.HIGHER)
                return None
            return self.enrolment(
                rng, commune, pupil, level, None, status=enrolled, attendance=attendance
            )
        if level not in LAST_GRADE or grade is None:
            return None
        repeat = 0.015 + 0.04 * (e["attendance_rate"] is not None and e["attendance_rate"] < 80)
        repeat += 0.02 * (status == HouseholdStatus.POOR)
        if grade < LAST_GRADE[level] and random_() < repeat:
            return self.enrolment(
                rng, commune, pupil, level, grade, status=enrolled, attendance=attendance
            )
        if level == Level.PRIMARY and grade == LAST_GRADE[level]:
            self.raise_completed(person, Completed.PRIMARY)
        if level == Level.LOWER_SECONDARY and grade == LAST_GRADE[level]:
            self.raise_completed(person, Completed.LOWER_SECONDARY)
            rate = self.profile.upper_secondary_rate
            if random_() * (rate + 0.15) >= rate:
                return self.enrolment(
                    rng,
                    commune,
                    pupil,
                    Level.VOCATIONAL_SECONDARY,
                    1,
                    status=enrolled,
                    attendance=attendance,
                )
        if grade == LAST_GRADE[level] and level in (
            Level.UPPER_SECONDARY,
            Level.VOCATIONAL_SECONDARY,
        ):
            finished = (
                Completed.UPPER_SECONDARY
                if level == Level.UPPER_SECONDARY
                else Completed.VOCATIONAL
            )
            self.raise_completed(person, finished)
            if level == Level.UPPER_SECONDARY and random_() < 0.25:
                return self.enrolment(
                    rng,
                    commune,
                    pupil,
                    Level.HIGHER_EDUCATION,
                    None,
                    status=enrolled,
                    attendance=attendance,
                )
            return None
        level, grade = self.next_grade(level, grade)
        return self.enrolment(
            rng, commune, pupil, level, grade, status=enrolled, attendance=attendance
        )

    def entry(self, rng, commune, pupil: _Pupil, attendance: int):
        """Children not enrolled this year: preschool at 3, primary at 6, a few return."""
        age, random_, enrolled = pupil.age, rng.random, EnrolmentStatus.ENROLLED
        if 3 <= age <= 5 and random_() < (self.profile.preschool_rate if age == 3 else 0.3):
            return self.enrolment(
                rng, commune, pupil, Level.PRESCHOOL, None, status=enrolled, attendance=attendance
            )
        if age == 6 and random_() < 0.97:
            return self.enrolment(
                rng, commune, pupil, Level.PRIMARY, 1, status=enrolled, attendance=attendance
            )
        if 7 <= age <= 14 and random_() < 0.2:
            level = Level.PRIMARY if age <= 10 else Level.LOWER_SECONDARY
            return self.enrolment(
                rng, commune, pupil, level, age - 5, status=enrolled, attendance=attendance - 10
            )
        return None


def _households(unit: Unit, seed: int, year: int) -> list[dict]:
    """The households generated with `seed` under `unit` that have no status after `year`."""
    under = Household.objects.filter(
        under_paths("unit__path", (unit.path,)), code__contains=f"-{seed}-"
    )
    done = HouseholdYearStatus.objects.filter(year=year + 1).values("household_id")
    return list(under.exclude(pk__in=done).order_by("code").values("id", "code", "unit_id"))


def _pupils(household_ids: list[int], year: int, day) -> dict[int, list[_Pupil]]:
    persons = list(
        Person.objects.filter(household_id__in=household_ids)
        .order_by("household_id", "id")
        .values(
            "id",
            "household_id",
            "birth_date",
            "orphan",
            "disabled",
            "left_behind",
            "education_completed",
        )
    )
    ids = [p["id"] for p in persons]
    enrolments = Enrolment.objects.filter(person_id__in=ids, school_year__lte=year).values(
        "person_id",
        "school_year",
        "level",
        "grade",
        "status",
        "attendance_rate",
        "boarding",
        "school_id",
        "school__unit_id",
    )
    this_year: dict[int, dict] = {}
    last_grades: dict[int, set] = defaultdict(set)
    dropped_births: dict[int, list] = defaultdict(list)
    birth = {p["id"]: p for p in persons}
    for e in enrolments.order_by("person_id", "level"):
        person = birth[e["person_id"]]
        if e["status"] == EnrolmentStatus.DROPPED_OUT:
            dropped_births[person["household_id"]].append(person["birth_date"])
        if e["school_year"] == year:
            if e["person_id"] not in this_year or e["status"] == EnrolmentStatus.ENROLLED:
                this_year[e["person_id"]] = {**e, "school_unit_id": e["school__unit_id"]}
        elif e["school_year"] == year - 1:
            last_grades[e["person_id"]].add((e["level"], e["grade"]))
    found: dict[int, list[_Pupil]] = defaultdict(list)
    for person in persons:
        age = age_on(person["birth_date"], day)
        if not 3 <= age <= 23:
            continue
        enrolment = this_year.get(person["id"])
        repeated = bool(
            enrolment
            and enrolment["grade"]
            and (enrolment["level"], enrolment["grade"]) in last_grades[person["id"]]
        )
        older = any(b < person["birth_date"] for b in dropped_births[person["household_id"]])
        found[person["household_id"]].append(_Pupil(person, age, enrolment, repeated, older))
    return found


def generate_next_school_year(*, unit: Unit, seed: int, year: int, actor=None) -> NextYearResult:
    """Write school year `year + 1` for the households generated with `seed` under `unit`."""
    advance = _NextYear(unit=unit, seed=seed, year=year)
    households = _households(unit, seed, year)
    totals = {"households": 0, "statuses": 0, "enrolments": 0}
    for start in range(0, len(households), CHUNK_HOUSEHOLDS):
        chunk = households[start : start + CHUNK_HOUSEHOLDS]
        ids = [h["id"] for h in chunk]
        statuses = dict(
            HouseholdYearStatus.objects.filter(household_id__in=ids, year=year).values_list(
                "household_id", "status"
            )
        )
        pupils = _pupils(ids, year, advance.day)
        rows = []
        for household in chunk:
            status = statuses.get(household["id"], HouseholdStatus.NONE)
            rows.extend(advance.household(household, pupils.get(household["id"], []), status))
        new_statuses = [r for r in rows if isinstance(r, HouseholdYearStatus)]
        new_enrolments = [r for r in rows if isinstance(r, Enrolment)]
        with transaction.atomic():
            _insert(HouseholdYearStatus, new_statuses, with_pk=False)
            _insert(Enrolment, new_enrolments, with_pk=False)
        totals["households"] += len(chunk)
        totals["statuses"] += len(new_statuses)
        totals["enrolments"] += len(new_enrolments)
    raised = 0
    with transaction.atomic():
        for completed, person_ids in advance.completed.items():
            for first in range(0, len(person_ids), LOOKUP_BATCH):
                batch = person_ids[first : first + LOOKUP_BATCH]
                raised += Person.objects.filter(pk__in=batch).update(education_completed=completed)
    result = NextYearResult(**totals, planted_dropouts=advance.planted, completed_raised=raised)
    if result.households:
        record_audit_event(
            actor=actor,
            action=AuditAction.CREATE,
            obj=unit,
            after={
                "generated_next_school_year": {**asdict(result), "seed": seed, "year": year + 1}
            },
            reason="reach generate (next school year)",
        )
    return result
