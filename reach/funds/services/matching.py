"""Matching, net of the state: for a sponsor's gift (a fund's purpose, its restriction if any)
suggest the persons who need it most, ranked by need, each with its reasons:

- pupils on the at-risk list, pupils returning after dropping out and pupils of poor and
  near-poor households (reach/indicators): need is the dropout risk score, plus
  `RETURNING_POINTS` for a returning pupil;
- children out of school (school-age, no enrolment in the school year: the indicators' own
  `out_of_school_q`), `OUT_OF_SCHOOL_POINTS`;
- persons counted as deprived by the education deprivation indicators (child school
  attendance, adult education level: the indicators' own `conditions`), `DEPRIVED_POINTS`,
  which also add to an enrolled pupil's need; a person not enrolled also gets the weight of
  the poor-household factor when the household is poor or near-poor.

Never suggested: a person already covered for the purpose, by a state entitlement line of a
purpose the state pays for the same need (`STATE_COVER`), by a payment of any fund for the
purpose in the school year (not reversed) or by a round's award. Suggestions are limited to
the fund's area, the restriction and the persons the user may see. A restriction to a unit,
a pupil or a household applies to everyone; a restriction to a level or a school keeps only
pupils enrolled at that level or school in the year, so it excludes every child out of school
(the gift is meant for a school's pupils; a child in no school belongs to none). Two queries
(enrolled pupils, persons not enrolled at a scored level), whatever the number of persons.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Exists, ExpressionWrapper, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from reach.accounts.models import User
from reach.accounts.scoping import restrict, under_paths
from reach.entitlements.choices import LineStatus
from reach.entitlements.models import EntitlementLine
from reach.funds.choices import TransactionKind
from reach.funds.models import Fund, Restriction, RoundAward, Transaction
from reach.indicators.deprivation import (
    INDICATOR_LABELS,
    Indicator,
    Measure,
    conditions,
    enrolled_in,
    household_status_in,
)
from reach.indicators.detection import FACTOR_LABELS, out_of_school_q, scored_enrolments
from reach.indicators.parameters import RISK_FACTORS, indicator_parameters, risk_weights
from reach.registry.choices import EnrolmentStatus
from reach.registry.models import Enrolment, Person

# Fund purpose -> the purposes of state benefits that already meet the same need. To confirm
# with each fund's board: the decrees name the state's purposes (shared/policy/facts.md), not
# what a gift of the fund may add on top of them.
STATE_COVER: dict[str, tuple[str, ...]] = {
    "scholarships": ("national_grant", "poverty_special_grant"),
    "student_aid": ("national_grant", "compulsory_living_subsidy"),
    "school_supplies": ("learning_cost_support", "textbooks"),
    "boarding": ("semi_boarding_food", "accommodation"),
    "rice": ("semi_boarding_food",),
    "learning_encouragement": (),
    "bicycles": (),
    "other": (),
}
# Points of need beside the risk score (threshold 32 in risk.yaml). To confirm with the funds'
# boards: no source ranks these lists against each other. A child of compulsory age out of
# school is also deprived on child school attendance, so with both it ranks with a returning
# pupil (20 + 10 = 30: one list, "out-of-school / returning", in issue 19).
RETURNING_POINTS = 30
OUT_OF_SCHOOL_POINTS = 20
DEPRIVED_POINTS = 10
DEPRIVATIONS = (Indicator.CHILD, Indicator.ADULT)


@dataclass(frozen=True)
class Suggestion:
    person_id: int
    full_name: str
    enrolment_id: int | None  # the enrolment scored; none for a person not enrolled at a level
    need: int
    reasons: tuple[str, ...]


def _school_year_dates(school_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(school_year, 8, 1), dt.date(school_year + 1, 7, 31)


def _not_covered(purpose: str, school_year: int, person: str) -> Q:
    """The outer row's person (through `person`) is covered for `purpose` in `school_year` by
    no state line of a purpose meeting the same need, no fund payment and no round award."""
    start, end = _school_year_dates(school_year)
    by_state = EntitlementLine.objects.filter(
        person=OuterRef(person),
        school_year=school_year,
        status__in=[LineStatus.DRAFT, LineStatus.IN_FORCE],
        benefit__purpose__in=STATE_COVER.get(purpose, ()),
    )
    paid = Transaction.objects.filter(
        recipient=OuterRef(person),
        purpose=purpose,
        kind__in=[TransactionKind.SPEND, TransactionKind.HAND_OVER],
        occurred_on__range=(start, end),
        reversal__isnull=True,
    )
    awarded = RoundAward.objects.filter(
        person=OuterRef(person), school_year=school_year, purpose=purpose
    )
    return ~Q(Exists(by_state)) & ~Q(Exists(paid)) & ~Q(Exists(awarded))


def _deprived(school_year: int, person: str) -> dict[str, Exists]:
    """deprived_<indicator>: the outer row's person (through `person`) is counted as deprived
    by the indicator in `school_year`."""
    cond = conditions(school_year)
    return {
        f"deprived_{indicator}": Exists(
            Person.objects.filter(pk=OuterRef(person)).filter(
                cond.person_q(indicator, Measure.DEPRIVED)
            )
        )
        for indicator in DEPRIVATIONS
    }


def _deprived_reasons(row: Enrolment | Person) -> list[str]:
    return [
        _("deprived: %(indicator)s (+%(points)s)")
        % {"indicator": INDICATOR_LABELS[indicator], "points": DEPRIVED_POINTS}
        for indicator in DEPRIVATIONS
        if getattr(row, f"deprived_{indicator}")
    ]


def _points_if(flag: str, points: int) -> Case:
    return Case(When(**{flag: True}, then=Value(points)), default=Value(0))


def suggest_students(
    *,
    actor: User | None,
    fund: Fund,
    purpose: str,
    school_year: int,
    restriction: Restriction | None = None,
    limit: int = 50,
) -> list[Suggestion]:
    """The `limit` persons of most need, the enrolled and the others ranked together."""
    found = []
    for suggest in (_suggest_enrolled, _suggest_not_enrolled):
        found += suggest(
            actor=actor,
            fund=fund,
            purpose=purpose,
            school_year=school_year,
            restriction=restriction,
            limit=limit,
        )
    found.sort(key=lambda s: (-s.need, s.person_id))
    return found[:limit]


def _suggest_enrolled(
    *,
    actor: User | None,
    fund: Fund,
    purpose: str,
    school_year: int,
    restriction: Restriction | None,
    limit: int,
) -> list[Suggestion]:
    """Pupils enrolled in the year at a scored level: at risk, returning, of a poor or
    near-poor household, or deprived (e.g. at a level below the one for their age)."""
    weights = risk_weights()
    enrolments = restrict(Enrolment.objects.all(), actor).filter(
        under_paths("person__household__unit__path", (fund.unit.path,))
    )
    if restriction is not None:
        if restriction.level:
            enrolments = enrolments.filter(level=restriction.level)
        if restriction.school_id:
            enrolments = enrolments.filter(school_id=restriction.school_id)
        if restriction.unit is not None:
            enrolments = enrolments.filter(
                under_paths("person__household__unit__path", (restriction.unit.path,))
            )
        if restriction.person_id:
            enrolments = enrolments.filter(person_id=restriction.person_id)
        if restriction.household_id:
            enrolments = enrolments.filter(person__household_id=restriction.household_id)
    returning = Exists(
        Enrolment.objects.filter(
            person=OuterRef("person"),
            school_year=school_year - 1,
            status=EnrolmentStatus.DROPPED_OUT,
        )
    )
    deprived = _deprived(school_year, "person")
    rows = (
        scored_enrolments(enrolments, school_year=school_year, weights=weights)
        .annotate(returning=returning, **deprived)
        .filter(_not_covered(purpose, school_year, "person"))
        .filter(
            Q(risk_score__gte=weights.threshold)
            | Q(returning=True)
            | Q(risk_poor_household=True)
            | Q(*[Q(**{name: True}) for name in deprived], _connector=Q.OR)
        )
        .annotate(
            need=Coalesce("risk_score", Value(0))
            + _points_if("returning", RETURNING_POINTS)
            + sum((_points_if(name, DEPRIVED_POINTS) for name in deprived), Value(0))
        )
        .select_related("person")
        .order_by("-need", "person_id")
    )
    suggestions, seen = [], set()
    for row in rows[: limit * 4]:  # a pupil enrolled twice in the year comes back twice
        if row.person_id in seen:
            continue
        seen.add(row.person_id)
        reasons = [
            f"{FACTOR_LABELS[name]} (+{weights.weights[name]})"
            for name in RISK_FACTORS
            if getattr(row, f"risk_{name}", False)
        ]
        if row.returning:
            reasons.insert(
                0, _("returning after dropping out (+%(points)s)") % {"points": RETURNING_POINTS}
            )
        reasons.extend(_deprived_reasons(row))
        risk = getattr(row, "risk_score", 0)
        if risk >= weights.threshold:
            reasons.append(
                _("at risk: score %(score)s of threshold %(threshold)s")
                % {"score": risk, "threshold": weights.threshold}
            )
        suggestions.append(
            Suggestion(
                person_id=row.person_id,
                full_name=row.person.full_name,
                enrolment_id=row.pk,
                need=row.need,
                reasons=tuple(str(r) for r in reasons),
            )
        )
    return suggestions


def _suggest_not_enrolled(
    *,
    actor: User | None,
    fund: Fund,
    purpose: str,
    school_year: int,
    restriction: Restriction | None,
    limit: int,
) -> list[Suggestion]:
    """Persons not enrolled in the year at a scored level: out of school, or deprived."""
    if restriction is not None and (restriction.level or restriction.school_id):
        return []  # a gift for a level's or a school's pupils: a child in no school is neither
    params = indicator_parameters()
    weights = risk_weights()
    persons = restrict(Person.objects.all(), actor).filter(
        under_paths("household__unit__path", (fund.unit.path,))
    )
    if restriction is not None:
        if restriction.unit is not None:
            persons = persons.filter(under_paths("household__unit__path", (restriction.unit.path,)))
        if restriction.person_id:
            persons = persons.filter(pk=restriction.person_id)
        if restriction.household_id:
            persons = persons.filter(household_id=restriction.household_id)
    deprived = _deprived(school_year, "pk")
    poor_weight = weights.weights["poor_household"]
    rows = (
        persons.filter(~enrolled_in(school_year, [EnrolmentStatus.ENROLLED], params.dropout_levels))
        .annotate(
            out_of_school=ExpressionWrapper(
                out_of_school_q(school_year, params), output_field=BooleanField()
            ),
            poor=household_status_in(school_year, weights.poor_statuses),
            **deprived,
        )
        .filter(Q(out_of_school=True) | Q(*[Q(**{n: True}) for n in deprived], _connector=Q.OR))
        .filter(_not_covered(purpose, school_year, "pk"))
        .annotate(
            need=_points_if("out_of_school", OUT_OF_SCHOOL_POINTS)
            + sum((_points_if(name, DEPRIVED_POINTS) for name in deprived), Value(0))
            + _points_if("poor", poor_weight)
        )
        .order_by("-need", "pk")
    )
    suggestions = []
    for row in rows[:limit]:
        reasons = []
        if row.out_of_school:
            reasons.append(
                _("out of school in %(school_year)s-%(next_year)s (+%(points)s)")
                % {
                    "school_year": school_year,
                    "next_year": school_year + 1,
                    "points": OUT_OF_SCHOOL_POINTS,
                }
            )
        reasons.extend(_deprived_reasons(row))
        if row.poor and poor_weight:
            reasons.append(f"{FACTOR_LABELS['poor_household']} (+{poor_weight})")
        suggestions.append(
            Suggestion(
                person_id=row.pk,
                full_name=row.full_name,
                enrolment_id=None,
                need=row.need,
                reasons=tuple(str(r) for r in reasons),
            )
        )
    return suggestions
