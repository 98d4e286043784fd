"""Reconciliation and coverage, set-based and scoped (every list passes through `restrict`).

For a school year and a scope, each entitlement line in force is compared with what was paid
for its pupil's benefit purpose and months (its first month): nothing (entitled, not paid),
less (under-paid), more (over-paid, e.g. a correction lowered the line after payment); and
each payment whose purpose and months have no line in force is paid without entitlement.
Coverage is the share of the pupils of poor and near-poor households who are entitled and
fully served, against the 100% target.
"""

from dataclasses import dataclass, field

from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf

from reach.accounts.models import User
from reach.accounts.scoping import restrict, under_paths
from reach.entitlements.choices import LineStatus
from reach.entitlements.models import EntitlementLine
from reach.geo.models import PATH_SEPARATOR, Unit
from reach.payments.choices import Gap
from reach.payments.models import Disbursement, PaymentClaim
from reach.registry.choices import EnrolmentStatus, HouseholdStatus
from reach.registry.models import Enrolment, HouseholdYearStatus, Person

TARGET_PERCENT = 100  # seed 000: 100% of pupils of poor and near-poor households served
POOR_STATUSES = (HouseholdStatus.POOR, HouseholdStatus.NEAR_POOR)
HOUSEHOLD_PATH = "person__household__unit__path"
SERVED_WEIGHT = 1 << 32  # above any count of pupils (see `coverage`)

PURPOSE = Coalesce(NullIf(F("benefit__purpose"), Value("")), F("benefit_code"))


def in_scope(
    queryset: QuerySet, user: User, unit: Unit | None, path: str = HOUSEHOLD_PATH
) -> QuerySet:
    queryset = restrict(queryset, user)
    return queryset.filter(under_paths(path, (unit.path,))) if unit is not None else queryset


def lines_in_force(*, user: User, school_year: int, unit: Unit | None = None) -> QuerySet:
    """The lines in force of the year in scope, each with its purpose and what was paid for
    it (`paid`), and its gap (None when fully paid).

    What was paid comes from one LEFT JOIN to the claim of the line's purpose and months
    (unique per pupil, year, purpose and first month, so it never repeats a line), read once
    per line wherever `paid` and `gap` are used; a correlated subquery would be evaluated again
    at each use."""
    lines = EntitlementLine.objects.filter(status=LineStatus.IN_FORCE, school_year=school_year)
    return _with_paid(in_scope(lines, user, unit))


def _with_paid(lines: QuerySet) -> QuerySet:
    """`lines` with their purpose, what was paid for them (`paid`) and their gap."""
    claim = FilteredRelation(
        "person__payment_claims",
        condition=Q(person__payment_claims__school_year=F("school_year"))
        & Q(person__payment_claims__purpose=F("purpose"))
        & Q(person__payment_claims__first_month=F("first_month")),
    )
    return (
        lines.annotate(purpose=PURPOSE)
        .annotate(purpose_claim=claim)
        .annotate(
            paid=Coalesce(F("purpose_claim__paid_minor"), Value(0), output_field=BigIntegerField())
        )
        .annotate(
            gap=Case(
                When(paid=0, then=Value(Gap.NOT_PAID.value)),
                When(paid__lt=F("amount_minor"), then=Value(Gap.UNDER_PAID.value)),
                When(paid__gt=F("amount_minor"), then=Value(Gap.OVER_PAID.value)),
                default=None,
                output_field=CharField(),
            )
        )
    )


def claims_without_entitlement(
    *, user: User, school_year: int, unit: Unit | None = None
) -> QuerySet:
    """Payments (by pupil, purpose and months) for which no line is in force: paid without
    entitlement.

    A claim is first checked against the line it was claimed for (one look-up by primary key):
    nearly always that line is in force and of the claim's purpose and months, and the search
    of the pupil's lines of the year is left for the others."""
    same_key = {
        "status": LineStatus.IN_FORCE,
        "school_year": OuterRef("school_year"),
        "person": OuterRef("person"),
        "purpose": OuterRef("purpose"),
        "first_month": OuterRef("first_month"),
    }
    lines = EntitlementLine.objects.annotate(purpose=PURPOSE)
    own_line = lines.filter(pk=OuterRef("line_id"), **same_key)
    in_force = lines.filter(**same_key)
    claims = PaymentClaim.objects.filter(school_year=school_year, paid_minor__gt=0)
    return in_scope(claims, user, unit).filter(~Exists(own_line)).filter(~Exists(in_force))


@dataclass
class Reconciliation:
    school_year: int
    counts: dict[str, int]  # by gap
    amounts: dict[str, dict[str, int]]  # by gap: {currency: minor still due or over}
    by_unit: list[dict] = field(default_factory=list)


def reconcile(*, user: User, school_year: int, unit: Unit | None = None) -> Reconciliation:
    """The gaps of a school year in scope: counts and amounts by kind and by unit (two
    group-by queries; the lists come from `list_gaps`)."""
    gaps = lines_in_force(user=user, school_year=school_year, unit=unit).exclude(gap=None)
    counts = {gap.value: 0 for gap in Gap}
    due: dict[str, dict[str, int]] = {gap.value: {} for gap in Gap}
    units: dict[tuple[str, str, str], int] = {}
    rows = (
        gaps.order_by()
        .values("unit__code", "unit__name", "gap", "currency")
        .annotate(lines=Count("id"), due=Sum(F("amount_minor") - F("paid")))
    )
    for row in rows:
        gap, currency = row["gap"], row["currency"]
        counts[gap] += row["lines"]
        due[gap][currency] = due[gap].get(currency, 0) + (row["due"] or 0)
        key = (row["unit__code"], row["unit__name"], gap)
        units[key] = units.get(key, 0) + row["lines"]
    amounts = {
        gap: {currency: abs(minor) for currency, minor in by_currency.items()}
        for gap, by_currency in due.items()
    }
    loose = claims_without_entitlement(user=user, school_year=school_year, unit=unit)
    for row in loose.order_by().values("currency").annotate(n=Count("id"), paid=Sum("paid_minor")):
        counts[Gap.NOT_ENTITLED] += row["n"]
        amounts[Gap.NOT_ENTITLED][row["currency"]] = row["paid"]
    by_unit = [
        {"unit__code": code, "unit__name": name, "gap": gap, "lines": lines}
        for (code, name, gap), lines in sorted(
            units.items(), key=lambda item: (item[0][0], item[0][2])
        )
    ]
    return Reconciliation(school_year, counts, amounts, by_unit)


def list_gaps(*, user: User, school_year: int, gap: str, unit: Unit | None = None) -> QuerySet:
    """The lines (or, for `not_entitled`, the payment claims) behind one kind of gap."""
    if gap == Gap.NOT_ENTITLED:
        return (
            claims_without_entitlement(user=user, school_year=school_year, unit=unit)
            .select_related("person__household__unit", "line")
            .order_by("person__household__unit__path", "person_id")
        )
    return (
        lines_in_force(user=user, school_year=school_year, unit=unit)
        .filter(gap=gap)
        .select_related("person", "unit", "benefit")
        .order_by("unit__path", "person_id", "benefit_code")
    )


# -- coverage -------------------------------------------------------------------------------


def poor_pupils(*, user: User, school_year: int, unit: Unit | None = None) -> QuerySet[Person]:
    """Pupils enrolled in the year whose household is poor or near-poor that year, each with
    `entitled` (a line in force) and `served` (entitled, and every line in force paid in
    full)."""
    enrolled = Enrolment.objects.filter(
        person=OuterRef("pk"), school_year=school_year, status=EnrolmentStatus.ENROLLED
    )
    poor = HouseholdYearStatus.objects.filter(
        household=OuterRef("household"), year=school_year, status__in=POOR_STATUSES
    )
    in_force = EntitlementLine.objects.filter(
        person=OuterRef("pk"), school_year=school_year, status=LineStatus.IN_FORCE
    )
    claim = FilteredRelation(
        "person__payment_claims",
        condition=Q(person__payment_claims__school_year=school_year)
        & Q(person__payment_claims__purpose=F("purpose"))
        & Q(person__payment_claims__first_month=F("first_month")),
    )
    unserved = (
        in_force.annotate(purpose=PURPOSE)
        .annotate(purpose_claim=claim)
        .annotate(
            paid=Coalesce(F("purpose_claim__paid_minor"), Value(0), output_field=BigIntegerField())
        )
        .filter(paid__lt=F("amount_minor"))
    )
    pupils = Person.objects.filter(Exists(enrolled), Exists(poor))
    return (
        in_scope(pupils, user, unit, path="household__unit__path")
        .annotate(entitled=Exists(in_force), unserved=Exists(unserved))
        .annotate(served=Case(When(Q(entitled=True, unserved=False), then=True), default=False))
    )


@dataclass
class CoverageRow:
    unit: Unit | None
    pupils: int
    entitled: int
    served: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.served / self.pupils, 1) if self.pupils else None

    @property
    def target(self) -> int:
        return TARGET_PERCENT


def coverage(*, user: User, school_year: int, unit: Unit | None = None) -> tuple[CoverageRow, list]:
    """The coverage of the scope, and of each unit one level below it (the units a user
    drills into), from one group-by over the pupils' household units."""
    enrolled = Enrolment.objects.filter(
        person=OuterRef("pk"), school_year=school_year, status=EnrolmentStatus.ENROLLED
    )
    poor = HouseholdYearStatus.objects.filter(
        household=OuterRef("household"), year=school_year, status__in=POOR_STATUSES
    )
    in_force = EntitlementLine.objects.filter(
        person=OuterRef("pk"), school_year=school_year, status=LineStatus.IN_FORCE
    )
    # The pupils with a line not paid in full: one pass over the scope's lines in force, each
    # meeting its claim (as `lines_in_force` compares them), read once into a list that each
    # pupil is looked up in, instead of searching each pupil's lines and claims again.
    unserved = (
        lines_in_force(user=user, school_year=school_year, unit=unit)
        .filter(paid__lt=F("amount_minor"))
        .order_by()
        .values("person_id")
    )
    # Each pupil's state in one expression, so that each look-up is made once (and `unserved`
    # only for the entitled), summed per unit: an entitled pupil adds 1, a served one also
    # SERVED_WEIGHT, so one sum holds both counts (the entitled below SERVED_WEIGHT, the served
    # above it) and the rows are grouped by unit alone, as the scan meets them, not sorted by
    # unit and state.
    weight = Case(
        When(~Exists(in_force), then=Value(0)),
        When(pk__in=unserved, then=Value(1)),
        default=Value(1 + SERVED_WEIGHT),
        output_field=BigIntegerField(),
    )
    poor_enrolled = Person.objects.filter(Exists(enrolled), Exists(poor))
    pupils = in_scope(poor_enrolled, user, unit, path="household__unit__path")
    rows = (
        pupils.order_by()
        .values("household__unit__path")
        .annotate(pupils=Count("id"), weight=Sum(weight))
    )
    total = CoverageRow(unit, 0, 0, 0)
    below: dict[str, CoverageRow] = {}
    depth = len(unit.path.split(PATH_SEPARATOR)) if unit is not None else 0
    for row in rows:
        path = row["household__unit__path"]
        served, entitled = divmod(row["weight"] or 0, SERVED_WEIGHT)
        total.pupils += row["pupils"]
        total.entitled += entitled
        total.served += served
        child = PATH_SEPARATOR.join(path.split(PATH_SEPARATOR)[: depth + 1])
        if child == (unit.path if unit is not None else ""):
            continue
        entry = below.setdefault(child, CoverageRow(None, 0, 0, 0))
        entry.pupils += row["pupils"]
        entry.entitled += entitled
        entry.served += served
    units = {u.path: u for u in Unit.objects.filter(path__in=below)}
    children = []
    for path in sorted(below):
        below[path].unit = units.get(path)
        children.append(below[path])
    return total, children


def list_disbursements_for_user(user: User, *, school_year: int | None = None) -> QuerySet:
    payments = restrict(Disbursement.objects.all(), user)
    if school_year is not None:
        payments = payments.filter(school_year=school_year)
    return payments.select_related("line", "person", "unit", "recorded_by")


def line_visible(user: User, line_id: int) -> bool:
    return restrict(EntitlementLine.objects.filter(pk=line_id), user).exists()
