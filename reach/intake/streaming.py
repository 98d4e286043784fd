"""Streaming after grade 9 (phân luồng): the pupils who finished grade 9 in a school year and
what each did the next one, in one statement.

A finisher: an enrolment of the year at lower secondary, grade 9, enrolled or graduated, and no
lower-secondary enrolment the next year (a repeater is not one). The next step is read from the
next year's enrolments (upper secondary: grade 10; secondary vocational: vocational; continuing
education: continuing), else from the outcome recorded for the finisher (work, or vocational /
continuing education the registry does not hold), else unknown.
"""

from django.db.models import Case as SqlCase
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Subquery, Value, When

from reach.intake.choices import NextStep
from reach.intake.models import StreamingOutcome
from reach.registry.choices import EducationLevel, EnrolmentStatus
from reach.registry.models import Enrolment, Person

NEXT_LEVELS = (
    (EducationLevel.UPPER_SECONDARY, NextStep.GRADE_10),
    (EducationLevel.VOCATIONAL_SECONDARY, NextStep.VOCATIONAL),
    (EducationLevel.CONTINUING_EDUCATION, NextStep.CONTINUING),
)


def finished_grade_9_q(school_year: int) -> Q:
    finished = Enrolment.objects.filter(
        person=OuterRef("pk"),
        school_year=school_year,
        level=EducationLevel.LOWER_SECONDARY,
        grade=9,
        status__in=(EnrolmentStatus.ENROLLED, EnrolmentStatus.GRADUATED),
    )
    repeating = Enrolment.objects.filter(
        person=OuterRef("pk"), school_year=school_year + 1, level=EducationLevel.LOWER_SECONDARY
    )
    return Q(Exists(finished)) & ~Q(Exists(repeating))


def next_step_expression(school_year: int) -> SqlCase:
    whens = [
        When(
            Exists(
                Enrolment.objects.filter(
                    person=OuterRef("pk"), school_year=school_year + 1, level=level
                )
            ),
            then=Value(step.value),
        )
        for level, step in NEXT_LEVELS
    ]
    recorded = StreamingOutcome.objects.filter(person=OuterRef("pk"), school_year=school_year)
    whens.append(When(Exists(recorded), then=Subquery(recorded.values("outcome")[:1])))
    return SqlCase(*whens, default=Value(NextStep.UNKNOWN.value), output_field=CharField())


def finishers(persons: QuerySet[Person], school_year: int) -> QuerySet[Person]:
    """The grade-9 finishers of `school_year` among `persons`, each with `next_step` and
    `grade_9_school` (the school's name)."""
    school = Enrolment.objects.filter(
        person=OuterRef("pk"),
        school_year=school_year,
        level=EducationLevel.LOWER_SECONDARY,
        grade=9,
    ).order_by("pk")
    return (
        persons.filter(finished_grade_9_q(school_year))
        .annotate(
            next_step=next_step_expression(school_year),
            grade_9_school=Subquery(school.values("school__name")[:1]),
        )
        .select_related("household", "household__unit")
        .order_by("household__unit__path", "full_name", "pk")
    )
