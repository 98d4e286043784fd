"""Reads of the indicators: roll-ups per unit and the lists behind every number.

Every queryset of persons or households starts from `restrict`; roll-ups are one GROUP BY per
school year over the persons, keyed by the path prefix of the sub-unit each belongs to.
"""

import datetime as dt

from django.db.models import Case, Count, Exists, F, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from reach.accounts.models import User
from reach.accounts.scoping import restrict, scope_of, under_paths
from reach.common.keyset import COUNT_CAP, CappedCount, count_up_to
from reach.common.schoolyear import FIRST_MONTH
from reach.geo.models import Unit
from reach.geo.selectors import top_units_for_user, unit_paths_on
from reach.indicators.deprivation import Conditions, Indicator, Measure, conditions
from reach.indicators.detection import dropped_out_q, out_of_school_q, scored_enrolments
from reach.indicators.figures import FIGURE_NAMES, Figures, Rollup, RollupRow
from reach.indicators.kept_figures import kept_as_of, kept_counts_by_group
from reach.indicators.parameters import (
    IndicatorParameters,
    RiskWeights,
    indicator_parameters,
    risk_weights,
)
from reach.plans.selectors import figure_persons_for_user
from reach.registry.models import (
    Enrolment,
    Household,
    HouseholdPastUnit,
    HouseholdYearStatus,
    Person,
)
from reach.registry.selectors import units_valid_on

TOTAL = "__total__"
# The order of the lists of persons, and their keyset (reach.common.keyset): by unit, household
# and birth date, as the indexes household_unit_code and person_household_birth_date hold them.
PERSON_KEY = ("household__unit_id", "household__code", "birth_date", "pk")


def list_visible_units(user: User | None) -> QuerySet[Unit]:
    return restrict(Unit.objects.all(), user).order_by("path")


def get_unit_for_user(user: User | None, code: str) -> Unit | None:
    return restrict(Unit.objects.all(), user).filter(code=code).first()


def child_units_for_user(user: User | None, unit: Unit | None) -> list[Unit]:
    if unit is None:
        return list(top_units_for_user(user))
    return list(restrict(Unit.objects.filter(parent=unit), user).order_by("path"))


def persons_for_user(user: User | None, unit: Unit | None = None) -> QuerySet[Person]:
    persons = restrict(Person.objects.all(), user)
    if unit is not None:
        persons = persons.filter(under_paths("household__unit__path", (unit.path,)))
    return persons


def group_by_unit(children: list[Unit], lookup: str = "household__unit__path") -> Case:
    """The code of the sub-unit a row lies under (by path prefix), TOTAL for the rest."""
    whens = [When(under_paths(lookup, (child.path,)), then=Value(child.code)) for child in children]
    return Case(*whens, default=Value(TOTAL))


def school_year_day(school_year: int) -> dt.date:
    """The day a school year's figures place households on: its first (as
    `reach.plans.figures.school_year_day`)."""
    return dt.date(school_year, FIRST_MONTH, 1)


def _placed(persons: QuerySet[Person], school_year: int) -> tuple[QuerySet[Person], str]:
    """The persons with the lookup of their household's unit path in `school_year`: the unit a
    reorganisation moved it from since, if one did (`HouseholdPastUnit`), else its own; the
    placement the kept counts use (`reach.plans.services.refresh_figures`)."""
    day = school_year_day(school_year)
    if not HouseholdPastUnit.objects.filter(valid_to__gte=day).exists():
        return persons, "household__unit__path"
    past = HouseholdPastUnit.objects.filter(household=OuterRef("household_id"), valid_to__gte=day)
    then = Coalesce(
        Subquery(past.order_by("valid_to").values("unit__path")[:1]), F("household__unit__path")
    )
    return persons.annotate(unit_path_then=then), "unit_path_then"


def sub_units_for_user(user: User | None, unit: Unit | None, school_year: int) -> list[Unit]:
    """The sub-units of `unit` (or the user's top units) in force in `school_year`: a year after
    a reorganisation lists the units formed by it, not the closed ones, and a year before it
    the units of then."""
    units = (
        top_units_for_user(user)
        if unit is None
        else restrict(Unit.objects.filter(parent=unit), user)
    )
    return list(units_valid_on(units, school_year_day(school_year)).order_by("path"))


def _live_figures(
    user: User | None,
    unit: Unit | None,
    children: list[Unit],
    cond: Conditions,
) -> dict[str, dict[str, int]]:
    """The counts per sub-unit (TOTAL for the rest) over the persons `user` sees,
    placed as their households stood in the year: one GROUP BY."""
    day = school_year_day(cond.school_year)
    persons, lookup = _placed(restrict(Person.objects.all(), user), cond.school_year)
    if unit is not None:
        persons = persons.filter(under_paths(lookup, unit_paths_on(unit, day)))
    group = Case(
        *[
            When(under_paths(lookup, unit_paths_on(child, day)), then=Value(child.code))
            for child in children
        ],
        default=Value(TOTAL),
    )
    right_age = cond.person_q(Indicator.RIGHT_AGE, Measure.POPULATION)
    counts = {
        "households": Count("household", distinct=True),
        "child_population": Count("pk", filter=cond.child_population),
        "child_deprived": Count("pk", filter=cond.child_deprived),
        "child_deprived_households": Count("household", distinct=True, filter=cond.child_deprived),
        "adult_population": Count("pk", filter=cond.adult_population),
        "adult_deprived": Count("pk", filter=cond.adult_deprived),
        "adult_deprived_households": Count("household", distinct=True, filter=cond.adult_deprived),
        "right_age_population": Count("pk", filter=right_age),
        "right_age_attending": Count("pk", filter=right_age & ~cond.child_deprived),
    }
    rows = persons.annotate(group=group).values("group").annotate(**counts).order_by()
    # FIGURE_NAMES are the names annotated above; mypy cannot follow them as keys.
    return {row["group"]: {name: row[name] for name in FIGURE_NAMES} for row in rows}  # type: ignore[literal-required]


def reads_kept_counts(user: User | None, unit: Unit | None, tops: list[Unit]) -> bool:
    """Whether `user` sees every person the roll-up of `unit` (None: of their top units
    `tops`) counts, so the counts kept for everyone are theirs
    (`reach.plans.selectors.figure_persons_for_user`)."""
    if unit is not None:
        return figure_persons_for_user(user, unit) is None
    if scope_of(user).school_ids or not tops:
        return False
    return all(figure_persons_for_user(user, top) is None for top in tops)


def _year_figures(
    user: User | None,
    unit: Unit | None,
    children: list[Unit],
    cond: Conditions,
    kept: bool,
) -> tuple[dict[str, Figures], bool]:
    """Each sub-unit's figures of the year (TOTAL: persons under none of them), and whether
    they were read from the kept counts."""
    day = school_year_day(cond.school_year)
    from_table = None
    if kept:
        tops = [unit] if unit is not None else list(top_units_for_user(user))
        paths = tuple(sorted({p for top in tops for p in unit_paths_on(top, day)}))
        groups = {child.code: unit_paths_on(child, day) for child in children}
        from_table = kept_counts_by_group(cond.school_year, paths, groups, TOTAL)
    if from_table is None:
        counted = _live_figures(user, unit, children, cond)
    else:
        counted = from_table
    figures = {group: Figures(**theirs) for group, theirs in counted.items()}
    return figures, from_table is not None


def rollup_for_user(
    user: User | None,
    *,
    school_year: int,
    unit: Unit | None = None,
    params: IndicatorParameters | None = None,
    previous: bool = True,
) -> Rollup:
    """The figures of `unit` (or of everything the user sees) and of each sub-unit in force,
    in `school_year` and the year before (that one only when it has an enrolment unless
    `previous`: the page shows no change against a year without records). A reader who sees
    every person under the unit gets a refreshed year from the kept counts (`kept_figures`, as
    of their refresh); any other reader, or other parameters, one GROUP BY a year over the
    visible persons."""
    kept = params is None
    params = params or indicator_parameters()
    children = sub_units_for_user(user, unit, school_year)
    if kept:
        tops = [] if unit is not None else list(top_units_for_user(user))
        kept = reads_kept_counts(user, unit, tops)
    previous_available = Enrolment.objects.filter(school_year=school_year - 1).exists()
    years = [school_year, school_year - 1] if previous or previous_available else [school_year]
    by_year, from_table = {}, []
    for year in years:
        by_year[year], read = _year_figures(user, unit, children, conditions(year, params), kept)
        if read:
            from_table.append(year)
    current, before = by_year[school_year], by_year.get(school_year - 1, {})
    empty = Figures()
    rows = tuple(
        RollupRow(
            unit=child,
            current=current.get(child.code, empty),
            previous=before.get(child.code, empty),
        )
        for child in children
    )
    total = RollupRow(
        unit=unit,
        current=sum(current.values(), empty),
        previous=sum(before.values(), empty),
    )
    return Rollup(
        school_year=school_year,
        unit=unit,
        total=total,
        rows=rows,
        target_percent=params.right_age.target_percent,
        previous_available=previous_available,
        counted_as_of=kept_as_of(from_table),
    )


def _year_annotations(
    school_year: int, person: str = "pk", household: str = "household"
) -> dict[str, Subquery]:
    enrolments = Enrolment.objects.filter(person=OuterRef(person), school_year=school_year)
    enrolments = enrolments.order_by("status", "level")
    status = HouseholdYearStatus.objects.filter(household=OuterRef(household), year=school_year)
    return {
        "year_level": Subquery(enrolments.values("level")[:1]),
        "year_grade": Subquery(enrolments.values("grade")[:1]),
        "year_enrolment_status": Subquery(enrolments.values("status")[:1]),
        "household_status": Subquery(status.values("status")[:1]),
    }


def list_indicator_persons_for_user(
    user: User | None,
    *,
    school_year: int,
    indicator: Indicator,
    measure: Measure,
    unit: Unit | None = None,
    params: IndicatorParameters | None = None,
) -> QuerySet[Person]:
    """The persons behind one number of the roll-up, with their enrolment and household status
    of the year."""
    cond = conditions(school_year, params)
    return (
        persons_for_user(user, unit)
        .filter(cond.person_q(indicator, measure))
        .select_related("household__unit")
        .annotate(**_year_annotations(school_year))
        .order_by(*PERSON_KEY)
    )


def list_indicator_households_for_user(
    user: User | None,
    *,
    school_year: int,
    indicator: Indicator | None,
    unit: Unit | None = None,
    params: IndicatorParameters | None = None,
) -> QuerySet[Household]:
    """Households with a visible member deprived in `indicator` (None: every household with a
    visible member), with the number of such members."""
    members = restrict(Person.objects.filter(household=OuterRef("pk")), user)
    if indicator is not None:
        members = members.filter(
            conditions(school_year, params).person_q(indicator, Measure.DEPRIVED)
        )
    counted = members.order_by().values("household").annotate(n=Count("pk")).values("n")
    households = restrict(Household.objects.all(), user)
    if unit is not None:
        households = households.filter(under_paths("unit__path", (unit.path,)))
    status = HouseholdYearStatus.objects.filter(household=OuterRef("pk"), year=school_year)
    return (
        households.filter(Exists(members))
        .select_related("unit")
        .annotate(
            members_counted=Coalesce(Subquery(counted), 0),
            household_status=Subquery(status.values("status")[:1]),
        )
        .order_by("unit__path", "code")
    )


def _last_enrolment_annotations(school_year: int) -> dict:
    """The latest enrolment of the outer person before `school_year`."""
    earlier = Enrolment.objects.filter(person=OuterRef("pk"), school_year__lt=school_year)
    earlier = earlier.order_by("-school_year", "level")
    return {
        "last_school_year": Subquery(earlier.values("school_year")[:1]),
        "last_level": Subquery(earlier.values("level")[:1]),
        "last_grade": Subquery(earlier.values("grade")[:1]),
        "last_status": Subquery(earlier.values("status")[:1]),
    }


def list_out_of_school_for_user(
    user: User | None,
    *,
    school_year: int,
    unit: Unit | None = None,
    params: IndicatorParameters | None = None,
) -> QuerySet[Person]:
    """Children of compulsory school age with no enrolment in `school_year`, with their last
    enrolment before it."""
    status = HouseholdYearStatus.objects.filter(household=OuterRef("household"), year=school_year)
    return (
        persons_for_user(user, unit)
        .filter(out_of_school_q(school_year, params))
        .select_related("household__unit")
        .annotate(
            household_status=Subquery(status.values("status")[:1]),
            **_last_enrolment_annotations(school_year),
        )
        .order_by(*PERSON_KEY)
    )


def list_dropped_out_for_user(
    user: User | None,
    *,
    school_year: int,
    unit: Unit | None = None,
    params: IndicatorParameters | None = None,
) -> QuerySet[Person]:
    """Pupils whose enrolment of `school_year` ended as dropped out, with that enrolment."""
    params = params or indicator_parameters()
    return (
        persons_for_user(user, unit)
        .filter(dropped_out_q(school_year, params))
        .select_related("household__unit")
        .annotate(**_year_annotations(school_year))
        .annotate(
            dropped_school=Subquery(
                Enrolment.objects.filter(
                    person=OuterRef("pk"), school_year=school_year, status="dropped_out"
                )
                .order_by("level")
                .values("school__name")[:1]
            ),
            dropped_attendance=Subquery(
                Enrolment.objects.filter(
                    person=OuterRef("pk"), school_year=school_year, status="dropped_out"
                )
                .order_by("level")
                .values("attendance_rate")[:1]
            ),
        )
        .order_by(*PERSON_KEY)
    )


def enrolments_for_user(user: User | None, unit: Unit | None = None) -> QuerySet[Enrolment]:
    enrolments = restrict(Enrolment.objects.all(), user)
    if unit is not None:
        enrolments = enrolments.filter(under_paths("person__household__unit__path", (unit.path,)))
    return enrolments


def list_at_risk_for_user(
    user: User | None,
    *,
    school_year: int,
    unit: Unit | None = None,
    minimum_score: int | None = None,
    params: IndicatorParameters | None = None,
    weights: RiskWeights | None = None,
) -> QuerySet[Enrolment]:
    """Enrolled pupils whose dropout risk score reaches `minimum_score` (the threshold of the
    weights by default), highest first, each with its factors (risk_<factor>)."""
    weights = weights or risk_weights()
    minimum = weights.threshold if minimum_score is None else minimum_score
    return (
        scored_enrolments(
            enrolments_for_user(user, unit), school_year=school_year, params=params, weights=weights
        )
        .filter(risk_score__gte=minimum)  # type: ignore[misc]  # annotated by scored_enrolments
        .select_related("person__household__unit", "school")
        .order_by("-risk_score", "person__household__unit__path", "person__household__code", "pk")
    )


def _detection_lists(
    user: User | None, *, school_year: int, unit: Unit | None, params: IndicatorParameters | None
) -> dict[str, QuerySet]:
    persons = persons_for_user(user, unit)
    return {
        "out_of_school": persons.filter(out_of_school_q(school_year, params)),
        "dropped_out": persons.filter(dropped_out_q(school_year, params)),
        "at_risk": list_at_risk_for_user(user, school_year=school_year, unit=unit, params=params),
    }


def detection_counts_for_user(
    user: User | None,
    *,
    school_year: int,
    unit: Unit | None = None,
    params: IndicatorParameters | None = None,
) -> dict[str, int]:
    """How many children are out of school, dropped out and at risk in `unit`."""
    lists = _detection_lists(user, school_year=school_year, unit=unit, params=params)
    return {name: rows.count() for name, rows in lists.items()}


def detection_counts_up_to_for_user(
    user: User | None,
    *,
    school_year: int,
    unit: Unit | None = None,
    params: IndicatorParameters | None = None,
    at_risk: bool = False,
    cap: int = COUNT_CAP,
) -> dict[str, CappedCount]:
    """The counts of `detection_counts_for_user` up to `cap` each, for the pages: each stops
    after `cap` + 1 rows instead of reading every visible child. The at-risk count only when
    `at_risk`: it scores every enrolled pupil of a list shorter than `cap` (seconds at a
    million persons)."""
    lists = _detection_lists(user, school_year=school_year, unit=unit, params=params)
    counts = {
        name: count_up_to(lists[name], key=PERSON_KEY, cap=cap)
        for name in ("out_of_school", "dropped_out")
    }
    if at_risk:
        counts["at_risk"] = count_up_to(lists["at_risk"], cap=cap)
    return counts
