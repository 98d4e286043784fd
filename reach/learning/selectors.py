"""Reads of learning titles and training. Every queryset of personal data starts from
`restrict`; the rates are GROUP BY statements keyed by the path prefix of the sub-unit each
row lies under, and every number has the list behind it (`list_*` below)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery, Sum

from reach.accounts.models import User
from reach.accounts.scoping import restrict, under_paths
from reach.geo.models import Organisation, School, Unit
from reach.indicators.selectors import TOTAL, child_units_for_user, group_by_unit
from reach.learning.choices import (
    BoardStatus,
    CourseKind,
    EventKind,
    EventPeriod,
    ParticipantStatus,
    RegistrationStatus,
    Title,
)
from reach.learning.models import (
    Attendance,
    Board,
    Clan,
    Commendation,
    Course,
    CriteriaSet,
    Event,
    OutreachActivity,
    Participant,
    Registration,
    TrainingNeed,
)
from reach.learning.parameters import (
    TrainingParameters,
    aged,
    percent,
    targets,
    this_year,
    training_parameters,
    year_end,
)
from reach.registry.models import Household, HouseholdYearStatus, Person


def default_year_for_user(user: User | None) -> int:
    """The year a page opens on: the latest with registrations or courses the user sees, else
    the calendar's."""
    years = [
        restrict(Registration.objects.all(), user).aggregate(y=Max("year"))["y"],
        restrict(Course.objects.all(), user).aggregate(y=Max("starts_on__year"))["y"],
    ]
    return max((y for y in years if y), default=this_year())


# --- criteria sets (national reference data, read by everyone signed in) ---


def list_criteria_sets() -> QuerySet[CriteriaSet]:
    return CriteriaSet.objects.prefetch_related("criteria").order_by("code", "-version")


def latest_criteria_sets() -> list[CriteriaSet]:
    """The newest version of each code."""
    seen: dict[str, CriteriaSet] = {}
    for criteria_set in list_criteria_sets():
        seen.setdefault(criteria_set.code, criteria_set)
    return list(seen.values())


def get_criteria_set(code: str, version: int | None = None) -> CriteriaSet | None:
    sets = list_criteria_sets().filter(code=code)
    return (sets.filter(version=version) if version else sets).first()


# --- registrations ---


def list_registrations_for_user(
    user: User | None,
    *,
    year: int | None = None,
    title: str = "",
    status: str = "",
    unit: Unit | None = None,
) -> QuerySet[Registration]:
    registrations = restrict(Registration.objects.all(), user)
    if year:
        registrations = registrations.filter(year=year)
    if title:
        registrations = registrations.filter(title=title)
    if status:
        registrations = registrations.filter(status=status)
    if unit is not None:
        registrations = registrations.filter(under_paths("unit__path", (unit.path,)))
    return registrations.select_related(
        "criteria_set",
        "unit",
        "household",
        "clan",
        "community",
        "organisation",
        "school",
        "person",
    )


def get_registration_for_user(user: User | None, pk: int) -> Registration | None:
    return list_registrations_for_user(user).filter(pk=pk).first()


def scores_of(registration: Registration) -> list:
    return list(registration.scores.select_related("criterion").order_by("criterion__position"))


def list_clans_for_user(user: User | None, unit: Unit | None = None) -> QuerySet[Clan]:
    clans = restrict(Clan.objects.all(), user)
    if unit is not None:
        clans = clans.filter(under_paths("unit__path", (unit.path,)))
    return clans.select_related("unit").annotate(household_count=Count("households"))


# --- title rates against QĐ 387 ---


@dataclass
class TitleRate:
    recognised: int = 0
    total: int = 0
    target: int | None = None

    @property
    def rate(self) -> float | None:
        return percent(self.recognised, self.total)

    @property
    def meets_target(self) -> bool | None:
        if self.rate is None or self.target is None:
            return None
        return self.rate >= self.target


@dataclass
class TitleRow:
    unit: Unit | None
    rates: dict[str, TitleRate] = field(default_factory=dict)


def _counts(queryset: QuerySet, lookup: str, children: list[Unit]) -> dict[str, int]:
    rows = (
        queryset.annotate(group=group_by_unit(children, lookup))
        .values("group")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["group"]: row["n"] for row in rows}


def _under(queryset: QuerySet, lookup: str, unit: Unit | None) -> QuerySet:
    return queryset if unit is None else queryset.filter(under_paths(lookup, (unit.path,)))


def recognised_families(year: int) -> Exists:
    return Exists(
        Registration.objects.filter(
            household=OuterRef("household"),
            year=year,
            title=Title.FAMILY,
            status=RegistrationStatus.RECOGNISED,
        )
    )


def citizen_population(year: int) -> Q:
    """Workers (working age) of the households recognised as learning families in `year`."""
    return aged(training_parameters().working_ages, year_end(year)) & Q(recognised_families(year))


def recognised_citizen(year: int) -> Exists:
    return Exists(
        Registration.objects.filter(
            person=OuterRef("pk"), year=year, status=RegistrationStatus.RECOGNISED
        )
    )


def title_rates_for_user(
    user: User | None, *, year: int, unit: Unit | None = None
) -> tuple[TitleRow, list[TitleRow]]:
    """Recognised / registrable subjects per title for `unit` and each sub-unit in `year`:
    one GROUP BY over the recognitions, one per kind of subject."""
    goal = targets()
    children = child_units_for_user(user, unit)
    recognised = (
        _under(restrict(Registration.objects.all(), user), "unit__path", unit)
        .filter(year=year, status=RegistrationStatus.RECOGNISED)
        .annotate(group=group_by_unit(children, "unit__path"))
        .values("group", "title")
        .annotate(n=Count("pk"))
        .order_by()
    )
    numerators: dict[tuple[str, str], int] = {}
    for row in recognised:
        numerators[(row["title"], row["group"])] = row["n"]
    organisations = _counts(
        _under(restrict(Organisation.objects.all(), user), "unit__path", unit),
        "unit__path",
        children,
    )
    schools = _counts(
        _under(restrict(School.objects.all(), user), "unit__path", unit), "unit__path", children
    )
    denominators = {
        Title.FAMILY: _counts(
            _under(restrict(Household.objects.all(), user), "unit__path", unit),
            "unit__path",
            children,
        ),
        Title.CLAN: _counts(
            _under(restrict(Clan.objects.all(), user), "unit__path", unit), "unit__path", children
        ),
        Title.COMMUNITY: _counts(
            _under(restrict(Unit.objects.all(), user), "path", unit).filter(
                level=goal.community_level
            ),
            "path",
            children,
        ),
        Title.UNIT: {
            key: organisations.get(key, 0) + schools.get(key, 0)
            for key in set(organisations) | set(schools)
        },
    }
    # Citizens: workers of learning families, and those of them recognised (one GROUP BY).
    population = citizen_population(year)
    citizens = (
        _under(restrict(Person.objects.all(), user), "household__unit__path", unit)
        .filter(population)
        .annotate(group=group_by_unit(children, "household__unit__path"))
        .values("group")
        .annotate(total=Count("pk"), recognised=Count("pk", filter=Q(recognised_citizen(year))))
        .order_by()
    )
    citizen_rows = {row["group"]: row for row in citizens}

    def rate(title: str, keys: list[str]) -> TitleRate:
        if title == Title.CITIZEN:
            got = sum(citizen_rows[k]["recognised"] for k in keys if k in citizen_rows)
            of = sum(citizen_rows[k]["total"] for k in keys if k in citizen_rows)
        else:
            got = sum(numerators.get((title, k), 0) for k in keys)
            of = sum(denominators[Title(title)].get(k, 0) for k in keys)
        return TitleRate(recognised=got, total=of, target=goal.percent.get(title))

    rows = [
        TitleRow(unit=child, rates={t: rate(t, [child.code]) for t in Title.values})
        for child in children
    ]
    every = [child.code for child in children] + [TOTAL]
    total = TitleRow(unit=unit, rates={t: rate(t, every) for t in Title.values})
    return total, rows


# --- training ---


def list_courses_for_user(
    user: User | None, *, unit: Unit | None = None, year: int | None = None
) -> QuerySet[Course]:
    courses = _under(restrict(Course.objects.all(), user), "unit__path", unit)
    if year:
        courses = courses.filter(starts_on__lte=year_end(year), ends_on__gte=dt.date(year, 1, 1))
    return courses.select_related("unit", "provider").annotate(
        participant_count=Count("participants", distinct=True),
        completed_count=Count(
            "participants",
            filter=Q(participants__status=ParticipantStatus.COMPLETED),
            distinct=True,
        ),
    )


def get_course_for_user(user: User | None, pk: int) -> Course | None:
    return list_courses_for_user(user).filter(pk=pk).first()


def list_participants_for_user(user: User | None, course: Course) -> QuerySet[Participant]:
    return (
        restrict(Participant.objects.filter(course=course), user)
        .select_related("person", "person__household")
        .annotate(days_present=Count("attendance", filter=Q(attendance__present=True)))
    )


def get_participant_for_user(user: User | None, pk: int) -> Participant | None:
    """A participant the user sees, of a course the user sees."""
    return (
        restrict(Participant.objects.filter(pk=pk), user)
        .filter(course__in=restrict(Course.objects.all(), user).values("pk"))
        .select_related("course__unit", "course__provider", "person__household__unit")
        .first()
    )


def sessions_of(course: Course) -> list[dt.date]:
    """The days a course met: the days with an attendance mark (the dates name no one)."""
    return list(
        Attendance.objects.filter(participant__course=course)
        .values_list("on", flat=True)
        .distinct()
        .order_by("on")
    )


def attendance_grid_for_user(
    user: User | None, course: Course
) -> tuple[list[dt.date], list[tuple[Participant, list[bool | None], float | None]]]:
    """The course's sessions and, per participant the user sees, the mark of each session
    (None: not marked) and the share of sessions present (percent, one decimal)."""
    sessions = sessions_of(course)
    participants = list(list_participants_for_user(user, course))
    marks = {
        (a.participant_id, a.on): a.present
        for a in Attendance.objects.filter(participant__in=participants)
    }
    rows = []
    for participant in participants:
        row = [marks.get((participant.pk, day)) for day in sessions]
        held = sum(1 for mark in row if mark is not None)
        share = round(100 * sum(1 for mark in row if mark) / held, 1) if held else None
        rows.append((participant, row, share))
    return sessions, rows


TRAINING_MEASURES = ("workers", "trained", "certified", "youth_need", "served")


def training_conditions(year: int, params: TrainingParameters | None = None) -> dict[str, Q]:
    """The persons behind each training figure of `year`, as Q objects over `Person`."""
    p = params or training_parameters()
    end = year_end(year)

    def status_in(statuses: tuple[str, ...]) -> Q:
        return Q(
            Exists(
                HouseholdYearStatus.objects.filter(
                    household=OuterRef("household"), year=year, status__in=statuses
                )
            )
        )

    completed = Participant.objects.filter(
        person=OuterRef("pk"),
        status=ParticipantStatus.COMPLETED,
        completed_on__gte=p.trained_since,
        completed_on__lte=end,
        course__kind__in=p.trained_course_kinds,
    )
    workers = aged(p.working_ages, end) & status_in(p.worker_household_statuses)
    youth_need = (
        aged(p.youth_ages, end)
        & status_in(p.youth_household_statuses)
        & Q(Exists(TrainingNeed.objects.filter(person=OuterRef("pk"), year=year, vocational=True)))
    )
    served = Exists(
        Participant.objects.filter(
            person=OuterRef("pk"),
            course__kind=CourseKind.VOCATIONAL,
            course__starts_on__lte=end,
            course__ends_on__gte=dt.date(year, 1, 1),
        ).exclude(status=ParticipantStatus.WITHDRAWN)
    )
    return {
        "workers": workers,
        "trained": workers & Q(Exists(completed)),
        "certified": workers & Q(Exists(completed.exclude(certificate_number=""))),
        "youth_need": youth_need,
        "served": youth_need & Q(served),
    }


@dataclass
class TrainingFigures:
    workers: int = 0
    trained: int = 0
    certified: int = 0
    youth_need: int = 0
    served: int = 0

    def __add__(self, other: "TrainingFigures") -> "TrainingFigures":
        return TrainingFigures(*(getattr(self, m) + getattr(other, m) for m in TRAINING_MEASURES))

    @property
    def trained_rate(self) -> float | None:
        return percent(self.trained, self.workers)

    @property
    def certified_rate(self) -> float | None:
        return percent(self.certified, self.workers)

    @property
    def served_rate(self) -> float | None:
        return percent(self.served, self.youth_need)


@dataclass
class TrainingRow:
    unit: Unit | None
    figures: TrainingFigures


def training_rates_for_user(
    user: User | None, *, year: int, unit: Unit | None = None
) -> tuple[TrainingRow, list[TrainingRow]]:
    """The training figures of `unit` and each sub-unit in `year`: one GROUP BY over the
    visible persons."""
    cond = training_conditions(year)
    children = child_units_for_user(user, unit)
    persons = _under(restrict(Person.objects.all(), user), "household__unit__path", unit)
    rows = (
        persons.annotate(group=group_by_unit(children, "household__unit__path"))
        .values("group")
        .annotate(**{m: Count("pk", filter=cond[m]) for m in TRAINING_MEASURES})
        .order_by()
    )
    by_group = {
        row["group"]: TrainingFigures(**{m: row[m] for m in TRAINING_MEASURES}) for row in rows
    }
    empty = TrainingFigures()
    child_rows = [TrainingRow(unit=c, figures=by_group.get(c.code, empty)) for c in children]
    return TrainingRow(unit=unit, figures=sum(by_group.values(), empty)), child_rows


def list_training_persons_for_user(
    user: User | None, *, year: int, measure: str, unit: Unit | None = None
) -> QuerySet[Person]:
    """The persons behind one training figure."""
    cond = training_conditions(year)
    if measure not in cond:
        raise ValueError(measure)
    persons = _under(restrict(Person.objects.all(), user), "household__unit__path", unit)
    return persons.filter(cond[measure]).select_related("household", "household__unit")


# --- learning-promotion boards, the Month's events, commendations ---


def list_boards_for_user(user: User | None, unit: Unit | None = None) -> QuerySet[Board]:
    boards = restrict(Board.objects.select_related("unit", "organisation"), user)
    return _under(boards, "unit__path", unit).order_by("unit__path", "organisation__code")


@dataclass(frozen=True)
class BoardUnit:
    unit: Unit
    has_board: bool
    established_on: dt.date | None
    decision_number: str

    @property
    def code(self) -> str:
        return self.unit.code

    @property
    def name(self) -> str:
        return self.unit.name


@dataclass(frozen=True)
class BoardRate:
    """The sub-units of a unit (a district's wards) with an established board of their own,
    and the list of those without one: the rate is computed from the list."""

    units: list[BoardUnit]

    @property
    def total(self) -> int:
        return len(self.units)

    @property
    def with_board(self) -> int:
        return sum(1 for unit in self.units if unit.has_board)

    @property
    def without(self) -> list[BoardUnit]:
        return [unit for unit in self.units if not unit.has_board]

    @property
    def rate(self) -> float | None:
        return percent(self.with_board, self.total)

    @property
    def meets_target(self) -> bool | None:
        rate = self.rate
        return None if rate is None else rate >= BOARD_TARGET


# Seed 004 (Hải Phòng, Tháng Khuyến học 2022): "phấn đấu 100% các đơn vị ... có tổ chức khuyến
# học" (Chỉ thị 04/CT-UBND 24/02/2022, Hướng dẫn 38/HD-KHHP 04/8/2022).
BOARD_TARGET = 100.0


def board_rate_for_user(user: User | None, unit: Unit | None) -> BoardRate:
    """One query: the sub-units of `unit` the user sees, each annotated with its own board
    (established, not an organisation's)."""
    children = [child.pk for child in child_units_for_user(user, unit)]
    established = Board.objects.filter(
        unit=OuterRef("pk"), organisation__isnull=True, status=BoardStatus.ESTABLISHED
    )
    units = (
        Unit.objects.filter(pk__in=children)
        .annotate(
            has_board=Exists(established),
            board_established_on=Subquery(established.values("established_on")[:1]),
            board_decision=Subquery(established.values("decision_number")[:1]),
        )
        .order_by("path")
    )
    return BoardRate(
        units=[
            BoardUnit(
                unit=unit,
                has_board=unit.has_board,
                established_on=unit.board_established_on,
                decision_number=unit.board_decision or "",
            )
            for unit in units
        ]
    )


def month_window(year: int) -> tuple[dt.date, dt.date]:
    """The Learning Encouragement Month: 15 September to 15 October."""
    return dt.date(year, 9, 15), dt.date(year, 10, 15)


def list_events_for_user(
    user: User | None, unit: Unit | None = None, year: int | None = None
) -> QuerySet[Event]:
    events = _under(
        restrict(Event.objects.select_related("unit", "organisation"), user), "unit__path", unit
    )
    if year is not None:
        events = events.filter(on__year=year)
    return events.order_by("on", "pk")


@dataclass
class MonthReport:
    unit: Unit
    year: int
    events: list[Event]
    by_kind: list[tuple[str, str, int, int]]  # kind, label, events, participants
    funds: list[tuple[str, int, int]]  # currency, donations, amount (minor units)
    in_kind_donations: int
    # currency, events, amount (minor units): what the organisers report was raised at events
    reported: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def event_count(self) -> int:
        return len(self.events)

    @property
    def participants(self) -> int:
        return sum(event.participants for event in self.events)


def month_report_for_user(user: User | None, unit: Unit, year: int) -> MonthReport:
    """The Month's report of a ward for a year: its events of the Month (by kind, with their
    participants) and the donations its funds received (receipts, not pledges) in that year
    under the campaign "learning_month", counted from reach/funds (read only)."""
    from reach.funds.choices import Campaign, DonationForm, DonationKind
    from reach.funds.models import Donation

    events = list(list_events_for_user(user, unit, year).filter(period=EventPeriod.MONTH))
    by_kind = [
        (
            kind,
            str(label),
            sum(1 for event in events if event.kind == kind),
            sum(event.participants for event in events if event.kind == kind),
        )
        for kind, label in EventKind.choices
    ]
    donations = _under(restrict(Donation.objects.all(), user), "fund__unit__path", unit).filter(
        campaign=Campaign.LEARNING_MONTH, kind=DonationKind.RECEIPT, received_on__year=year
    )
    funds = [
        (row["fund__currency"], row["n"], row["amount"] or 0)
        for row in donations.filter(form=DonationForm.CASH)
        .values("fund__currency")
        .annotate(n=Count("pk"), amount=Sum("amount_minor"))
        .order_by("fund__currency")
    ]
    in_kind = donations.filter(form=DonationForm.IN_KIND).count()
    currencies = sorted({event.currency for event in events if event.funds_raised_minor})
    reported = [
        (
            currency,
            sum(1 for e in events if e.currency == currency and e.funds_raised_minor),
            sum(e.funds_raised_minor for e in events if e.currency == currency),
        )
        for currency in currencies
    ]
    return MonthReport(
        unit=unit,
        year=year,
        events=events,
        by_kind=by_kind,
        funds=funds,
        in_kind_donations=in_kind,
        reported=reported,
    )


def list_commendations_for_user(
    user: User | None, unit: Unit | None = None, year: int | None = None
) -> QuerySet[Commendation]:
    commendations = _under(
        restrict(Commendation.objects.select_related("unit", "organisation", "person"), user),
        "unit__path",
        unit,
    )
    if year is not None:
        commendations = commendations.filter(year=year)
    return commendations.order_by("-year", "unit__path", "level", "pk")


def list_outreach_for_user(
    user: User | None,
    unit: Unit | None = None,
    year: int | None = None,
    *,
    task_id: int | None = None,
    campaign_id: int | None = None,
) -> QuerySet[OutreachActivity]:
    activities = _under(
        restrict(
            OutreachActivity.objects.select_related("unit", "task", "task__plan", "campaign"),
            user,
        ),
        "unit__path",
        unit,
    )
    if year is not None:
        activities = activities.filter(on__year=year)
    if task_id is not None:
        activities = activities.filter(task_id=task_id)
    if campaign_id is not None:
        activities = activities.filter(campaign_id=campaign_id)
    return activities.order_by("-on", "pk")


@dataclass(frozen=True)
class OutreachProducts:
    activities: int
    articles: int
    clips: int
    publications: int

    @property
    def total(self) -> int:
        return self.articles + self.clips + self.publications


def outreach_products(activities: QuerySet[OutreachActivity]) -> OutreachProducts:
    """What the activities produced, summed in one query."""
    row = activities.order_by().aggregate(
        n=Count("pk"),
        articles=Sum("articles"),
        clips=Sum("clips"),
        publications=Sum("publications"),
    )
    return OutreachProducts(
        activities=row["n"],
        articles=row["articles"] or 0,
        clips=row["clips"] or 0,
        publications=row["publications"] or 0,
    )


def outreach_products_for_task(user: User | None, task_id: int) -> OutreachProducts:
    """The products of a plan task's outreach activities the user sees (the plan task page's
    count of what was produced)."""
    return outreach_products(list_outreach_for_user(user, task_id=task_id))
