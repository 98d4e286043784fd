"""The two education deprivation indicators as conditions over persons, for one school year.

Each condition is a Q object over `Person` (ages become birth-date ranges, attendance an EXISTS
over the year's enrolments), so counting, grouping and listing deprived persons or households is
one SQL statement on SQLite and PostgreSQL alike, never a loop over persons. The parameters
(age bands, levels, diplomas) come from `parameters.yaml`.

- Child school attendance: aged 3 to 15 (under 16) and not attending school at a level that
  fits the age. A household is deprived when one of its members is.
- Adult education level: aged 16 to 30, not in training, and without the diploma required for
  the age (16-18: lower secondary; 19-30: upper secondary or a vocational certificate).
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from reach.indicators.parameters import AgeBand, IndicatorParameters, indicator_parameters
from reach.registry.models import Enrolment, HouseholdYearStatus, Person


class Indicator(StrEnum):
    CHILD = "child"  # child school attendance
    ADULT = "adult"  # adult education level
    RIGHT_AGE = "right_age"  # children of poor / near-poor households, at the right level


class Measure(StrEnum):
    POPULATION = "population"  # persons the indicator counts
    DEPRIVED = "deprived"  # of whom deprived (right age: not at the right level)
    ATTENDING = "attending"  # of whom not deprived (right age: at the right level)


INDICATOR_LABELS = {
    Indicator.CHILD: _("Child school attendance (3 to under 16)"),
    Indicator.ADULT: _("Adult education level (16 to 30)"),
    Indicator.RIGHT_AGE: _("Children of poor and near-poor households at the right level"),
}
MEASURE_LABELS = {
    Measure.POPULATION: _("in the age range"),
    Measure.DEPRIVED: _("deprived"),
    Measure.ATTENDING: _("not deprived"),
}


def in_ages(band: AgeBand, params: IndicatorParameters, school_year: int, prefix: str = "") -> Q:
    """Persons (through `prefix`, e.g. "person__") whose age on the reference day is in `band`."""
    after, up_to = band.birth_dates(params.reference_date(school_year))
    return Q(**{f"{prefix}birth_date__gt": after, f"{prefix}birth_date__lte": up_to})


def enrolled_in(school_year: int, statuses, levels, person: str = "pk") -> Exists:
    """An enrolment of the outer person in `school_year` with one of `statuses` and `levels`."""
    return Exists(
        Enrolment.objects.filter(
            person=OuterRef(person), school_year=school_year, status__in=statuses, level__in=levels
        )
    )


def household_status_in(school_year: int, statuses, household: str = "household") -> Exists:
    """The outer row's household held one of `statuses` in `school_year`."""
    return Exists(
        HouseholdYearStatus.objects.filter(
            household=OuterRef(household), year=school_year, status__in=statuses
        )
    )


@dataclass(frozen=True)
class Conditions:
    """The indicators' conditions over `Person` for one school year."""

    school_year: int
    child_population: Q
    child_deprived: Q
    adult_population: Q
    adult_deprived: Q
    poor_or_near_poor: Q

    def person_q(self, indicator: Indicator, measure: Measure) -> Q:
        if indicator == Indicator.ADULT:
            population, deprived = self.adult_population, self.adult_deprived
        else:
            population, deprived = self.child_population, self.child_deprived
            if indicator == Indicator.RIGHT_AGE:
                population = population & self.poor_or_near_poor
        if measure == Measure.POPULATION:
            return population
        if measure == Measure.DEPRIVED:
            return population & deprived
        return population & ~deprived


def conditions(school_year: int, params: IndicatorParameters | None = None) -> Conditions:
    params = params or indicator_parameters()
    child, adult = params.child, params.adult
    child_deprived = Q(pk__in=[])
    for part in child.levels_by_age:
        attending = enrolled_in(school_year, child.attending_statuses, part.levels)
        child_deprived |= in_ages(part.ages, params, school_year) & ~attending
    lacks_diploma = Q(pk__in=[])
    for part in adult.required_by_age:
        has = Q(education_completed__in=part.completed)
        if part.vocational_certificate:
            has |= Q(vocational_certificate=True)
        lacks_diploma |= in_ages(part.ages, params, school_year) & ~has
    in_training = enrolled_in(school_year, adult.in_training_statuses, adult.in_training_levels)
    adult_population = in_ages(adult.ages, params, school_year)
    return Conditions(
        school_year=school_year,
        child_population=in_ages(child.ages, params, school_year),
        child_deprived=child_deprived,
        adult_population=adult_population,
        adult_deprived=adult_population & ~in_training & lacks_diploma,
        poor_or_near_poor=Q(household_status_in(school_year, params.right_age.household_statuses)),
    )


def first_member_q() -> Q:
    """The person who stands for their household when households are counted as persons: the
    member with the lowest id (one per household with any member)."""
    earlier = Person.objects.filter(household=OuterRef("household"), pk__lt=OuterRef("pk"))
    return ~Q(Exists(earlier))


def household_with(member: Q) -> Q:
    """The outer person's household has a member meeting `member` (a condition over Person)."""
    return Q(Exists(Person.objects.filter(member, household=OuterRef("household"))))


def _households(_year: int, _d: object, _p: IndicatorParameters) -> Q:
    return first_member_q()


def _child_deprived_households(year: int, _d: object, params: IndicatorParameters) -> Q:
    return first_member_q() & household_with(conditions(year, params).child_deprived)


def _adult_deprived_households(year: int, _d: object, params: IndicatorParameters) -> Q:
    return first_member_q() & household_with(conditions(year, params).adult_deprived)


# Household counts as conditions over persons (each household counted by its first member), for
# the figures of `plans/data/figures.yaml`: the roll-up's households (`reach.indicators.selectors`)
# counted per unit and year into the kept counts.
FIGURE_CONDITIONS = {
    "households": _households,
    "child_deprived_households": _child_deprived_households,
    "adult_deprived_households": _adult_deprived_households,
}
