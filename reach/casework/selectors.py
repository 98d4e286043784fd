"""Reads of casework. A case is seen by whoever may see its child: every queryset of cases
starts from `restrict` over persons. The case board is one GROUP BY on the sub-unit path."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from reach.accounts.models import AuditEvent, User
from reach.accounts.scoping import restrict, under_paths
from reach.casework.choices import ACTIVE_STATUSES, RETURNABLE_KINDS, CaseStatus, Outcome
from reach.casework.models import (
    Campaign,
    CaseAction,
    CaseVisit,
    CaseVisitReason,
    DropoutCase,
    WorkGroup,
)
from reach.entitlements.models import EntitlementLine
from reach.geo.models import PATH_SEPARATOR, School, Unit
from reach.indicators.figures import percent
from reach.indicators.selectors import child_units_for_user, group_by_unit, list_at_risk_for_user
from reach.registry.models import Person


def visit_interval_days() -> int:
    """A case with no visit for this many days is overdue (seed 001: visit every household)."""
    return getattr(settings, "REACH_CASE_VISIT_DAYS", 30)


def cases_for_user(user: User | None) -> QuerySet[DropoutCase]:
    """The cases of the children `user` may see: each case asks whether its child is visible
    (`person IN (every visible person)` listed a million persons to count a dozen cases)."""
    visible = restrict(Person.objects.filter(pk=OuterRef("person_id")), user)
    return DropoutCase.objects.filter(Exists(visible))


def _with_last_visit(cases: QuerySet[DropoutCase], today: dt.date) -> QuerySet[DropoutCase]:
    last = CaseVisit.objects.filter(case=OuterRef("pk")).order_by("-visited_on")
    cutoff = today - dt.timedelta(days=visit_interval_days())
    return cases.annotate(
        last_visit=Subquery(last.values("visited_on")[:1]),
        last_seen=Coalesce(Subquery(last.values("visited_on")[:1]), F("opened_on")),
    ).annotate(
        overdue=ExpressionWrapper(
            Q(status__in=ACTIVE_STATUSES, last_seen__lt=cutoff), output_field=BooleanField()
        ),
    )


def get_case_for_user(user: User | None, case_id: int) -> DropoutCase | None:
    return (
        _with_last_visit(cases_for_user(user), timezone.localdate())
        .select_related("person", "household__unit", "unit", "work_group__unit", "opened_by")
        .filter(pk=case_id)
        .first()
    )


def list_cases_for_user(
    user: User | None,
    *,
    school_year: int | None = None,
    unit: Unit | None = None,
    status: str = "",
    kind: str = "",
    overdue: bool = False,
    today: dt.date | None = None,
) -> QuerySet[DropoutCase]:
    cases = _with_last_visit(cases_for_user(user), today or timezone.localdate())
    if school_year:
        cases = cases.filter(school_year=school_year)
    if unit is not None:
        cases = cases.filter(under_paths("unit__path", (unit.path,)))
    if status:
        cases = cases.filter(status=status)
    if kind:
        cases = cases.filter(kind=kind)
    # `overdue` and `last_seen` are annotated by _with_last_visit, which mypy cannot see.
    if overdue:
        cases = cases.filter(overdue=True)  # type: ignore[misc]
    return cases.select_related("person", "household", "unit", "work_group").order_by(  # type: ignore[misc]
        "-overdue", "last_seen", "pk"
    )


def list_overdue_cases_for_user(
    user: User | None, *, unit: Unit | None = None, today: dt.date | None = None
) -> QuerySet[DropoutCase]:
    """Active cases without a visit in the last `visit_interval_days()` (reminders)."""
    # `last_seen` is annotated by _with_last_visit, which mypy cannot see.
    return list_cases_for_user(user, unit=unit, overdue=True, today=today).order_by(  # type: ignore[misc]
        "work_group__name", "last_seen", "pk"
    )


def cases_by_person(
    user: User | None, *, person_ids: Iterable[int], school_year: int
) -> dict[int, DropoutCase]:
    """The latest case of each of `person_ids` in `school_year` (for the follow-up lists)."""
    cases = cases_for_user(user).filter(person_id__in=person_ids, school_year=school_year)
    return {case.person_id: case for case in cases.order_by("pk")}


@dataclass(frozen=True)
class Board:
    """Counts of a unit's cases in a school year."""

    cases: int = 0
    open: int = 0
    in_progress: int = 0
    closed: int = 0
    overdue: int = 0
    returnable: int = 0  # out-of-school and dropped-out cases
    returned_to_school: int = 0
    continuing_education: int = 0
    moved_away: int = 0
    unreachable: int = 0
    still_out: int = 0
    stayed_in_school: int = 0

    def __add__(self, other: "Board") -> "Board":
        return Board(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def return_rate(self) -> float | None:
        """Children back at school of those found out of school or dropped out, in percent."""
        return percent(self.returned_to_school, self.returnable)


@dataclass(frozen=True)
class BoardRow:
    unit: Unit | None
    board: Board


def case_board_for_user(
    user: User | None, *, school_year: int, unit: Unit | None = None, today: dt.date | None = None
) -> tuple[BoardRow, list[BoardRow]]:
    """The unit's total and one row per sub-unit: one GROUP BY statement over the cases."""
    children = child_units_for_user(user, unit)
    cases = list_cases_for_user(user, school_year=school_year, unit=unit, today=today)
    outcome_counts = {
        outcome.value: Count("pk", filter=Q(status=CaseStatus.CLOSED, outcome=outcome))
        for outcome in Outcome
    }
    rows = (
        cases.order_by()
        .annotate(group=group_by_unit(children, lookup="unit__path"))
        .values("group")
        .annotate(
            cases=Count("pk"),
            open=Count("pk", filter=Q(status=CaseStatus.OPEN)),
            in_progress=Count("pk", filter=Q(status=CaseStatus.IN_PROGRESS)),
            closed=Count("pk", filter=Q(status=CaseStatus.CLOSED)),
            overdue=Count("pk", filter=Q(overdue=True)),
            returnable=Count("pk", filter=Q(kind__in=RETURNABLE_KINDS)),
            **outcome_counts,
        )
    )
    names = [f.name for f in fields(Board)]
    # `names` are the counts annotated above; mypy cannot follow a loop over them.
    boards = {
        row["group"]: Board(**{name: row[name] for name in names})  # type: ignore[literal-required]
        for row in rows
    }
    total = sum(boards.values(), Board())
    return BoardRow(unit, total), [BoardRow(c, boards.get(c.code, Board())) for c in children]


def reason_counts_for_user(
    user: User | None, *, school_year: int, unit: Unit | None = None
) -> dict[str, int]:
    """How often each reason was found on the visits of the unit's cases."""
    cases = cases_for_user(user).filter(school_year=school_year)
    if unit is not None:
        cases = cases.filter(under_paths("unit__path", (unit.path,)))
    reasons = CaseVisitReason.objects.filter(visit__case__in=cases.values("pk"))
    return dict(reasons.values_list("reason").annotate(n=Count("pk")).order_by("-n"))


def list_visits(case: DropoutCase) -> list[CaseVisit]:
    return list(case.visits.prefetch_related("reasons").select_related("recorded_by"))


def list_actions(case: DropoutCase) -> QuerySet[CaseAction]:
    return case.actions.select_related("recorded_by")


def list_work_groups_for_user(
    user: User | None, *, unit: Unit | None = None
) -> QuerySet[WorkGroup]:
    groups = WorkGroup.objects.filter(unit__in=restrict(Unit.objects.all(), user).values("pk"))
    if unit is not None:
        groups = groups.filter(under_paths("unit__path", (unit.path,)))
    return groups.select_related("unit").annotate(
        member_count=Count("members", distinct=True),
        active_cases=Count("cases", filter=Q(cases__status__in=ACTIVE_STATUSES), distinct=True),
    )


def get_work_group_for_user(user: User | None, group_id: int) -> WorkGroup | None:
    return list_work_groups_for_user(user).filter(pk=group_id).first()


def work_groups_serving(unit: Unit) -> QuerySet[WorkGroup]:
    """Work groups of the unit and of the units above it."""
    parts = unit.path.split(PATH_SEPARATOR)
    paths = [PATH_SEPARATOR.join(parts[: n + 1]) for n in range(len(parts))]
    return WorkGroup.objects.filter(unit__path__in=paths).select_related("unit")


def get_child_for_user(user: User | None, person_id: int) -> Person | None:
    """The child a case is opened for, if `user` may see them."""
    persons = restrict(Person.objects.select_related("household__unit"), user)
    return persons.filter(pk=person_id).first()


def default_work_group(unit: Unit) -> WorkGroup | None:
    """The work group a case opened by hand goes to: the first of the child's own unit."""
    return work_groups_serving(unit).filter(unit=unit).first()


def risk_score_for_user(user: User | None, person: Person, *, school_year: int) -> int | None:
    """The child's dropout risk score in the school year, for an at-risk case."""
    scored = list_at_risk_for_user(user, school_year=school_year, minimum_score=0)
    # `risk_score` is annotated by list_at_risk_for_user, which mypy cannot see.
    return scored.filter(person=person).values_list("risk_score", flat=True).first()  # type: ignore[misc]


def schools_for_case(case: DropoutCase) -> QuerySet[School]:
    """Schools a child may return to: those of the district of the child's unit."""
    parts = case.unit.path.split(PATH_SEPARATOR)
    district = PATH_SEPARATOR.join(parts[:-1]) or case.unit.path
    return School.objects.filter(under_paths("unit__path", (district,))).order_by("name")


def list_entitlements_for_case(user: User | None, case: DropoutCase) -> QuerySet[EntitlementLine]:
    """What the policy engine says the child is entitled to in the case's school year: the
    lines of the child, if `user` may see the child, for an aid referral."""
    visible = restrict(Person.objects.filter(pk=case.person_id), user)
    return (
        EntitlementLine.objects.filter(
            person__in=visible.values("pk"), school_year=case.school_year
        )
        .select_related("benefit", "run")
        .order_by("policy_code", "benefit__position")
    )


def list_audit_events_for_case(case: DropoutCase) -> QuerySet[AuditEvent]:
    """The changes to a case, its visits and its actions, newest first."""
    visits = [str(pk) for pk in case.visits.values_list("pk", flat=True)]
    actions = [str(pk) for pk in case.actions.values_list("pk", flat=True)]
    return AuditEvent.objects.filter(
        Q(object_type="casework.dropoutcase", object_id=str(case.pk))
        | Q(object_type="casework.casevisit", object_id__in=visits)
        | Q(object_type="casework.caseaction", object_id__in=actions)
    ).order_by("-at", "-id")


def list_campaigns_for_user(user: User | None) -> QuerySet[Campaign]:
    visible = restrict(Unit.objects.all(), user).values("pk")
    return Campaign.objects.filter(unit__in=visible).select_related("unit").order_by("-starts_on")


def get_campaign_for_user(user: User | None, campaign_id: int) -> Campaign | None:
    return list_campaigns_for_user(user).filter(pk=campaign_id).first()


@dataclass(frozen=True)
class CampaignRow:
    unit: Unit
    target_returns: int | None
    handled: int  # cases with a visit, an action, an opening or a closing in the period
    returned: int  # closed as returned to school in the period

    @property
    def progress(self) -> float | None:
        return percent(self.returned, self.target_returns or 0)


def campaign_report_for_user(
    user: User | None, campaign: Campaign
) -> tuple[CampaignRow, list[CampaignRow]]:
    """The cases handled and the returns achieved during the campaign, in total and per target
    unit: one statement with a pair of conditional counts per target."""
    period = (campaign.starts_on, campaign.ends_on)
    cases = cases_for_user(user).filter(
        under_paths("unit__path", (campaign.unit.path,)), school_year=campaign.school_year
    )
    handled = (
        Q(opened_on__range=period)
        | Q(closed_on__range=period)
        | Q(Exists(CaseVisit.objects.filter(case=OuterRef("pk"), visited_on__range=period)))
        | Q(Exists(CaseAction.objects.filter(case=OuterRef("pk"), taken_on__range=period)))
    )
    returned = Q(outcome=Outcome.RETURNED_TO_SCHOOL, closed_on__range=period)
    targets = list(campaign.targets.select_related("unit"))
    counts = {"handled": Count("pk", filter=handled), "returned": Count("pk", filter=returned)}
    for n, target in enumerate(targets):
        within = under_paths("unit__path", (target.unit.path,))
        counts[f"handled_{n}"] = Count("pk", filter=within & handled)
        counts[f"returned_{n}"] = Count("pk", filter=within & returned)
    found = cases.aggregate(**counts)
    rows = [
        CampaignRow(t.unit, t.target_returns, found[f"handled_{n}"], found[f"returned_{n}"])
        for n, t in enumerate(targets)
    ]
    goal = sum(t.target_returns for t in targets) if targets else None
    return CampaignRow(campaign.unit, goal, found["handled"], found["returned"]), rows


CARE_FLAGS = ("left_behind", "migrant", "unsupported", "orphan", "disabled")
CHILD_AGE_LIMIT = 18


def care_children_for_user(user: User | None, campaign: Campaign) -> dict[str, int]:
    """The children (under 18 when the campaign starts) under the campaign's unit whom a care
    campaign visits: how many carry each key-group flag, and how many carry any (`children`).
    One statement over the persons `user` may see."""
    start = campaign.starts_on
    born_after = start.replace(year=start.year - CHILD_AGE_LIMIT, day=min(start.day, 28))
    persons = restrict(Person.objects.all(), user).filter(
        under_paths("household__unit__path", (campaign.unit.path,)), birth_date__gt=born_after
    )
    any_flag = Q()
    for flag in CARE_FLAGS:
        any_flag |= Q(**{flag: True})
    counts = {flag: Count("pk", filter=Q(**{flag: True})) for flag in CARE_FLAGS}
    return persons.aggregate(children=Count("pk", filter=any_flag), **counts)
