"""Matching, net of the state: for a sponsor's gift (a fund's purpose, its restriction if any)
suggest the pupils who need it most, from the at-risk list, the pupils returning after
dropping out and the poor and near-poor households (reach/indicators), ranked by need
(the dropout risk score, plus `RETURNING_POINTS` for a returning pupil), each with its reasons.

Never suggested: a pupil already covered for the purpose, by a state entitlement line of a
purpose the state pays for the same need (`STATE_COVER`), by a payment of any fund for the
purpose in the school year (not reversed) or by a round's award. Suggestions are limited to
the fund's area, the restriction (level, school, unit, pupil, household) and the pupils the
user may see. One query, whatever the number of pupils.

Not yet: children out of school (no enrolment in the year) are in the indicators' list but
not suggested here (a gift is handed over through a school).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce

from reach.accounts.models import User
from reach.accounts.scoping import restrict, under_paths
from reach.entitlements.choices import LineStatus
from reach.entitlements.models import EntitlementLine
from reach.funds.choices import TransactionKind
from reach.funds.models import Fund, Restriction, RoundAward, Transaction
from reach.indicators.detection import FACTOR_LABELS, scored_enrolments
from reach.indicators.parameters import RISK_FACTORS, risk_weights
from reach.registry.choices import EnrolmentStatus
from reach.registry.models import Enrolment

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
RETURNING_POINTS = 30


@dataclass(frozen=True)
class Suggestion:
    person_id: int
    full_name: str
    enrolment_id: int
    need: int
    reasons: tuple[str, ...]


def _school_year_dates(school_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(school_year, 8, 1), dt.date(school_year + 1, 7, 31)


def suggest_students(
    *,
    actor: User | None,
    fund: Fund,
    purpose: str,
    school_year: int,
    restriction: Restriction | None = None,
    limit: int = 50,
) -> list[Suggestion]:
    weights = risk_weights()
    start, end = _school_year_dates(school_year)
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
    by_state = Exists(
        EntitlementLine.objects.filter(
            person=OuterRef("person"),
            school_year=school_year,
            status__in=[LineStatus.DRAFT, LineStatus.IN_FORCE],
            benefit__purpose__in=STATE_COVER.get(purpose, ()),
        )
    )
    paid = Transaction.objects.filter(
        recipient=OuterRef("person"),
        purpose=purpose,
        kind__in=[TransactionKind.SPEND, TransactionKind.HAND_OVER],
        occurred_on__range=(start, end),
        reversal__isnull=True,
    )
    awarded = RoundAward.objects.filter(
        person=OuterRef("person"), school_year=school_year, purpose=purpose
    )
    rows = (
        scored_enrolments(enrolments, school_year=school_year, weights=weights)
        .annotate(returning=returning, covered_by_state=by_state)
        .filter(~Exists(paid) & ~Exists(awarded) & Q(covered_by_state=False))
        .filter(
            Q(risk_score__gte=weights.threshold) | Q(returning=True) | Q(risk_poor_household=True)
        )
        .annotate(
            need=Coalesce("risk_score", Value(0))
            + Case(When(returning=True, then=Value(RETURNING_POINTS)), default=Value(0))
        )
        .select_related("person")
        .order_by("-need", "person_id")
    )
    suggestions, seen = [], set()
    for row in rows[: limit * 4]:
        if row.person_id in seen:
            continue
        seen.add(row.person_id)
        reasons = [
            f"{FACTOR_LABELS[name]} (+{weights.weights[name]})"
            for name in RISK_FACTORS
            if getattr(row, f"risk_{name}", False)
        ]
        if row.returning:
            reasons.insert(0, f"returning after dropping out (+{RETURNING_POINTS})")
        risk = getattr(row, "risk_score", 0)
        if risk >= weights.threshold:
            reasons.append(f"at risk: score {risk} of threshold {weights.threshold}")
        suggestions.append(
            Suggestion(
                person_id=row.person_id,
                full_name=row.person.full_name,
                enrolment_id=row.pk,
                need=row.need,
                reasons=tuple(str(r) for r in reasons),
            )
        )
    return suggestions[:limit]
