"""The facts of every enrolment of a school year, as columns of one SQL statement.

`enrolment_facts` annotates each enrolment with every catalog field (reach/policy/catalog.py),
so a condition compiled by `condition_to_q` filters it set-based; `facts_of` reads the same
facts from one row for the Python evaluator and the explanation.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    F,
    FilteredRelation,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from reach.accounts.scoping import under_paths
from reach.geo.choices import SchoolInclusive, SchoolOwnership
from reach.policy.catalog import FACT_COLUMNS
from reach.policy.conditions import age_on
from reach.registry.choices import EnrolmentStatus, HouseholdStatus
from reach.registry.models import Enrolment

UNIT_PATH = "person__household__unit__path"
# Columns of `facts_of` beyond the catalog's: where the household lives (reference tables).
EXTRA_COLUMNS = ("unit_path",)


def year_enrolments(school_year: int) -> QuerySet[Enrolment]:
    """The enrolments of pupils enrolled in `school_year`, in every unit."""
    return Enrolment.objects.filter(school_year=school_year, status=EnrolmentStatus.ENROLLED)


def enrolment_facts(*, school_year: int, unit_path: str | None = None) -> QuerySet[Enrolment]:
    """Enrolled pupils of `school_year` (2024 = 2024-2025) living under `unit_path`, with the
    household's status of calendar year `school_year` ("none" without one), whether its unit
    is an extremely difficult commune that year, the person's flags and birth date, the
    school's ownership ("public" without a school) and whether it is a 普惠 (inclusive)
    kindergarten: "yes" for a public school, the school's record for a private one, "unknown"
    without a school."""
    enrolments = year_enrolments(school_year)
    if unit_path:
        enrolments = enrolments.filter(under_paths(UNIT_PATH, (unit_path,)))
    # At most one status a household and one attribute a unit each year (both unique): left
    # joins, which cost less than a subquery per pupil.
    enrolments = enrolments.annotate(
        year_status=FilteredRelation(
            "person__household__statuses",
            condition=Q(person__household__statuses__year=school_year),
        ),
        year_attribute=FilteredRelation(
            "person__household__unit__year_attributes",
            condition=Q(person__household__unit__year_attributes__year=school_year),
        ),
    )
    return enrolments.annotate(
        household_status=Coalesce(
            F("year_status__status"), Value(HouseholdStatus.NONE.value), output_field=CharField()
        ),
        extremely_difficult_commune=Coalesce(
            F("year_attribute__extremely_difficult_commune"),
            Value(False),
            output_field=BooleanField(),
        ),
        ethnic_minority=F("person__ethnic_minority"),
        orphan=F("person__orphan"),
        disabled=F("person__disabled"),
        martyr_child=F("person__martyr_child"),
        birth_date=F("person__birth_date"),
        school_ownership=Coalesce(
            F("school__ownership"), Value(SchoolOwnership.PUBLIC.value), output_field=CharField()
        ),
        school_inclusive=Case(
            When(school__isnull=True, then=Value(SchoolInclusive.UNKNOWN.value)),
            When(
                school__ownership=SchoolOwnership.PUBLIC.value,
                then=Value(SchoolInclusive.YES.value),
            ),
            default=F("school__inclusive"),
            output_field=CharField(),
        ),
        unit_path=F(UNIT_PATH),
    )


def facts_of(row: Any, *, reference_date: dt.date | None = None) -> dict:
    """The facts of one row of `enrolment_facts` (a model instance or a `.values()` dict);
    with `reference_date`, also the age on that day. A blank program counts as unknown."""
    get = row.get if isinstance(row, Mapping) else lambda name: getattr(row, name)
    facts = {column: get(column) for column in (*FACT_COLUMNS, *EXTRA_COLUMNS)}
    if facts["program"] == "":
        facts["program"] = None
    if reference_date is not None:
        facts["reference_date"] = reference_date
        facts["age"] = age_on(facts["birth_date"], reference_date)
    return facts
