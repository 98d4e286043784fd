"""Out-of-school children, dropped-out pupils and the dropout risk score, as set-based queries.

- Out of school: children of compulsory school age with no enrolment at all in the school year.
- Dropped out: an enrolment of the school year that ended as dropped out, with no other
  enrolment of the year attended.
- At risk: enrolled pupils whose score, the sum of the weights (`risk.yaml`) of the factors
  present, reaches the threshold. Every factor is a column of the same query, so each score
  shows the factors behind it.
"""

from functools import reduce
from operator import add

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from reach.crosscheck.choices import FindingKind, RunStatus
from reach.crosscheck.models import CrosscheckRun, Finding
from reach.indicators.deprivation import enrolled_in, household_status_in, in_ages
from reach.indicators.parameters import (
    RISK_FACTORS,
    IndicatorParameters,
    RiskWeights,
    indicator_parameters,
    risk_weights,
)
from reach.registry.choices import EducationLevel, EnrolmentStatus
from reach.registry.models import Enrolment

FACTOR_LABELS = {
    "poor_household": _("poor or near-poor household"),
    "low_attendance": _("low attendance"),
    "repeated_grade": _("repeated a grade"),
    "orphan": _("orphan"),
    "disabled": _("disability"),
    "far_from_school": _("school outside the home commune, not boarding"),
    "older_sibling_dropped_out": _("an older sibling dropped out"),
    "left_behind": _("left-behind child"),
    "very_low_attendance": _("very low attendance"),
    "recent_absences": _("attendance fell since last school year"),
    "secondary_level": _("secondary school"),
    "leaving_lower_secondary": _("last year of lower secondary"),
    "upper_secondary_level": _("upper or vocational secondary"),
    "register_mismatch": _("in a register mismatch of the latest cross-check"),
}
SECONDARY_LEVELS = (
    EducationLevel.LOWER_SECONDARY,
    EducationLevel.UPPER_SECONDARY,
    EducationLevel.VOCATIONAL_SECONDARY,
)
FACTOR_FIELDS = tuple(f"risk_{name}" for name in RISK_FACTORS)


def out_of_school_q(school_year: int, params: IndicatorParameters | None = None) -> Q:
    """Persons of compulsory school age with no enrolment in `school_year`."""
    params = params or indicator_parameters()
    any_enrolment = Exists(Enrolment.objects.filter(person=OuterRef("pk"), school_year=school_year))
    return in_ages(params.out_of_school_ages, params, school_year) & ~any_enrolment


def dropped_out_q(school_year: int, params: IndicatorParameters | None = None) -> Q:
    """Persons whose enrolment of `school_year` ended as dropped out and who attend no other."""
    params = params or indicator_parameters()
    # The year's dropped-out enrolments are few: the database starts from them (an index range)
    # rather than asking each visible person whether they have one.
    dropped = Enrolment.objects.filter(
        school_year=school_year,
        status=EnrolmentStatus.DROPPED_OUT,
        level__in=params.dropout_levels,
    ).values("person_id")
    attending = enrolled_in(school_year, params.child.attending_statuses, EducationLevel.values)
    return Q(pk__in=dropped) & ~attending


# The lists of a register cross-check that are differences between the school register and the
# registry (its suspected dropouts); its list of dropouts is not a difference.
MISMATCH_KINDS = (FindingKind.NOT_IN_REGISTER, FindingKind.NOT_ATTENDING)


def in_register_mismatch(school_year: int) -> Exists:
    """Over `Enrolment`: its pupil is on a difference list of the latest compared cross-check of
    `school_year` of a unit (each unit's latest month: a difference a later month no longer
    shows counts no more)."""
    latest = (
        CrosscheckRun.objects.filter(
            unit=OuterRef("run__unit"), school_year=school_year, status=RunStatus.COMPARED
        )
        .order_by("-month", "-pk")
        .values("pk")[:1]
    )
    return Exists(
        Finding.objects.filter(
            person=OuterRef("person"),
            kind__in=MISMATCH_KINDS,
            run__school_year=school_year,
            run=Subquery(latest),
        )
    )


def risk_factors(school_year: int, weights: RiskWeights) -> dict[str, object]:
    """The factors as boolean expressions over `Enrolment`, named risk_<factor>."""
    repeated = Enrolment.objects.filter(
        person=OuterRef("person"),
        school_year=school_year - 1,
        level=OuterRef("level"),
        grade=OuterRef("grade"),
    )
    older_dropout = Enrolment.objects.filter(
        person__household=OuterRef("person__household"),
        person__birth_date__lt=OuterRef("person__birth_date"),
        school_year__lte=school_year,
        status=EnrolmentStatus.DROPPED_OUT,
    )
    far = Q(school__isnull=False, boarding=False) & ~Q(school__unit=F("person__household__unit"))
    attended_more_last_year = Enrolment.objects.filter(
        person=OuterRef("person"),
        school_year=school_year - 1,
        attendance_rate__gte=OuterRef("attendance_rate") + weights.absences_drop_points,
    )
    expressions = {
        "poor_household": household_status_in(
            school_year, weights.poor_statuses, household="person__household"
        ),
        "low_attendance": Q(attendance_rate__lt=weights.low_attendance_below),
        "repeated_grade": Q(grade__isnull=False) & Q(Exists(repeated)),
        "orphan": Q(person__orphan=True),
        "disabled": Q(person__disabled=True),
        "far_from_school": far,
        "older_sibling_dropped_out": Exists(older_dropout),
        "left_behind": Q(person__left_behind=True),
        # No day-by-day absences are recorded: the year's rate so far against last year's.
        "very_low_attendance": Q(attendance_rate__lt=weights.very_low_attendance_below),
        "recent_absences": Q(attendance_rate__isnull=False) & Q(Exists(attended_more_last_year)),
        "secondary_level": Q(level__in=SECONDARY_LEVELS),
        "leaving_lower_secondary": Q(level=EducationLevel.LOWER_SECONDARY, grade=9),
        "upper_secondary_level": Q(
            level__in=[EducationLevel.UPPER_SECONDARY, EducationLevel.VOCATIONAL_SECONDARY]
        ),
        "register_mismatch": in_register_mismatch(school_year),
    }
    return {
        f"risk_{name}": ExpressionWrapper(expression, output_field=BooleanField())
        if isinstance(expression, Q)
        else expression
        for name, expression in expressions.items()
    }


def scored_enrolments(
    enrolments: QuerySet[Enrolment],
    *,
    school_year: int,
    params: IndicatorParameters | None = None,
    weights: RiskWeights | None = None,
) -> QuerySet[Enrolment]:
    """`enrolments` of pupils enrolled in `school_year` at the dropout levels, annotated with
    each factor (risk_<factor>) and the score (risk_score)."""
    params = params or indicator_parameters()
    weights = weights or risk_weights()
    scored = enrolments.filter(
        school_year=school_year,
        status=EnrolmentStatus.ENROLLED,
        level__in=params.dropout_levels,
    ).annotate(**risk_factors(school_year, weights))
    score = reduce(
        add,
        [
            Case(
                When(**{f"risk_{name}": True}, then=Value(weights.weights[name])),
                default=Value(0),
                output_field=IntegerField(),
            )
            for name in RISK_FACTORS
        ],
    )
    return scored.annotate(risk_score=score)


def factors_of(enrolment: Enrolment, weights: RiskWeights | None = None) -> list[dict]:
    """The factors present on a scored enrolment that add to its score, with their labels and
    weights: they sum to the score."""
    weights = weights or risk_weights()
    return [
        {"code": name, "label": FACTOR_LABELS[name], "weight": weights.weights[name]}
        for name in RISK_FACTORS
        if weights.weights[name] and getattr(enrolment, f"risk_{name}", False)
    ]
