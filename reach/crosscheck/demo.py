"""The demo's register cross-checks (四查三比对): for one ward of District 12 and for Guiding
county, a school register built from the registry's enrolments of the school year, with planted
differences, staged and compared for September and October, so each unit's history and ledgers
have two months.

Each month's register holds one row per pupil of the unit enrolled at a school, as the registry
records them, except the planted differences (drawn afresh each month, so October's register has
September's corrected):
- a few school-age pupils left off the register (they join the school-age children in no
  register, beside the out-of-school children the registry has);
- a few attending pupils the register marks as dropped out;
- a few of the registry's dropouts the register still holds as enrolled.
The registry's dropouts are on the register as dropped out, so those of poor and near-poor
households are listed as such. Running it again adds nothing: a unit and month compared already
is left as it is."""

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from reach.accounts.models import User
from reach.crosscheck.choices import RunStatus
from reach.crosscheck.models import CrosscheckRun
from reach.crosscheck.register import COLUMNS
from reach.crosscheck.rules import school_ages
from reach.crosscheck.services import compare_register, stage_register
from reach.geo.models import PATH_SEPARATOR, Unit
from reach.geo.selectors import unit_on
from reach.indicators.parameters import indicator_parameters
from reach.registry.choices import EnrolmentStatus
from reach.registry.models import Enrolment

UNITS = ("26734", "522723000000")  # a ward of District 12 (Thới An's from 2025-07-01); Guiding
MONTHS = (9, 10)  # September and October of the school year
MISSING_SHARE = 0.01  # of the unit's school-age pupils, at least one
REGISTERED_OUT_SHARE = 0.005  # of the unit's attending pupils, at least one
KEPT_ENROLLED_SHARE = 0.25  # of the unit's dropouts, at least one when there are any


@dataclass(frozen=True)
class DemoRegister:
    """A month's register of a unit and the person ids of its planted differences."""

    rows: list[dict[str, object]]
    missing: frozenset[int]  # school-age pupils left off the register
    registered_out: frozenset[int]  # attending pupils the register marks as dropped out
    kept_enrolled: frozenset[int]  # the registry's dropouts the register holds as enrolled


def _under(field: str, unit: Unit) -> Q:
    return Q(**{field: unit.path}) | Q(**{f"{field}__startswith": unit.path + PATH_SEPARATOR})


def demo_register(*, unit: Unit, school_year: int, month: dt.date) -> DemoRegister:
    """The register of `unit` for `month`; the same every time for the same registry."""
    after, up_to = school_ages().birth_dates(indicator_parameters().reference_date(school_year))
    enrolments = (
        Enrolment.objects.filter(school_year=school_year, school__isnull=False)
        .filter(_under("person__household__unit__path", unit))
        .order_by("person_id", "pk")
        .values(
            "person_id",
            "person__national_id",
            "person__full_name",
            "person__birth_date",
            "school__code",
            "grade",
            "status",
        )
    )
    pupils: dict[int, dict] = {}  # one row a pupil: an attended enrolment before a dropped one
    for enrolment in enrolments:
        kept = pupils.get(enrolment["person_id"])
        if kept is None or kept["status"] == EnrolmentStatus.DROPPED_OUT:
            pupils[enrolment["person_id"]] = enrolment
    attending = [p["person_id"] for p in pupils.values() if p["status"] == EnrolmentStatus.ENROLLED]
    school_age = [
        p["person_id"]
        for p in pupils.values()
        if p["status"] == EnrolmentStatus.ENROLLED and after < p["person__birth_date"] <= up_to
    ]
    dropouts = [
        p["person_id"] for p in pupils.values() if p["status"] == EnrolmentStatus.DROPPED_OUT
    ]
    rng = random.Random(f"{unit.code}:{month:%Y-%m}")
    missing = _draw(rng, school_age, MISSING_SHARE)
    registered_out = _draw(rng, [p for p in attending if p not in missing], REGISTERED_OUT_SHARE)
    kept_enrolled = _draw(rng, dropouts, KEPT_ENROLLED_SHARE)
    rows = []
    for person_id, pupil in pupils.items():
        if person_id in missing:
            continue
        status = pupil["status"]
        if person_id in registered_out:
            status = EnrolmentStatus.DROPPED_OUT
        elif person_id in kept_enrolled:
            status = EnrolmentStatus.ENROLLED
        grade = pupil["grade"]
        rows.append(
            {
                "national_id": pupil["person__national_id"] or "",
                "full_name": pupil["person__full_name"],
                "birth_date": pupil["person__birth_date"].isoformat(),
                "school_code": pupil["school__code"],
                "grade": grade if grade and 1 <= grade <= 12 else "",
                "status": str(status),
            }
        )
    return DemoRegister(rows, missing, registered_out, kept_enrolled)


def _draw(rng: random.Random, people: list[int], share: float) -> frozenset[int]:
    if not people:
        return frozenset()
    return frozenset(rng.sample(people, max(1, round(len(people) * share))))


def _csv(rows: list[dict[str, object]]) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode("utf-8"))


def set_up_demo_crosschecks(*, actor: User, school_year: int) -> dict[str, int]:
    """Stage and compare the demo registers of UNITS for MONTHS of `school_year` (not a month
    still to come, nor one a unit has compared already); the counts of the runs compared."""
    counts = dict.fromkeys(
        (
            "registers compared",
            "register rows",
            "in no school register",
            "register and attendance disagree",
            "dropouts of poor households",
            "cases opened",
        ),
        0,
    )
    for code in UNITS:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            continue
        unit = unit_on(unit, dt.date(school_year, MONTHS[0], 1))  # the ward that took it over
        for number in MONTHS:
            month = dt.date(school_year, number, 1)
            runs = CrosscheckRun.objects.filter(unit=unit, month=month)
            if month > timezone.localdate() or runs.filter(status=RunStatus.COMPARED).exists():
                continue
            run = runs.filter(status=RunStatus.STAGED).first()
            if run is None:
                register = demo_register(unit=unit, school_year=school_year, month=month)
                run = stage_register(
                    actor=actor,
                    unit=unit,
                    month=month,
                    file=_csv(register.rows),
                    filename=f"register-{unit.code}-{month:%Y-%m}.csv",
                )
            run = compare_register(actor=actor, run=run)
            counts["registers compared"] += 1
            counts["register rows"] += run.register_rows
            counts["in no school register"] += run.not_in_register
            counts["register and attendance disagree"] += run.not_attending
            counts["dropouts of poor households"] += run.poor_dropouts
            counts["cases opened"] += run.cases_opened
    return counts
