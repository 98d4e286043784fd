"""/api/v1/learning/: criteria sets, registrations and their rates, courses and the training
rates. Reads go through the selectors (`restrict`); writes through the services."""

from django.utils.translation import gettext as _
from ninja import Router

from reach.accounts.scoping import restrict
from reach.casework.models import Campaign
from reach.common.errors import found
from reach.common.schemas import ERRORS, READ_ERRORS
from reach.geo.models import Organisation, School
from reach.geo.selectors import unit_for_user_or_404
from reach.learning import selectors, services
from reach.learning.models import Clan, Course, CriteriaSet, Registration
from reach.learning.parameters import this_year
from reach.learning.schemas import (
    AttendanceIn,
    BoardsOut,
    ClanIn,
    ClanOut,
    CommendationOut,
    CompletionIn,
    CourseIn,
    CourseOut,
    CriteriaSetOut,
    DecisionIn,
    EvaluationIn,
    EventOut,
    MonthReportOut,
    OutreachIn,
    OutreachOut,
    ParticipantIn,
    ParticipantOut,
    PointsIn,
    RegisterIn,
    RegistrationDetail,
    RegistrationOut,
    TitleRatesOut,
    TrainingFiguresOut,
    TrainingPersonOut,
    Year,
)
from reach.plans.models import PlanTask
from reach.registry.models import Household, Person

router = Router(tags=["learning"])


def set_out(criteria_set: CriteriaSet) -> dict:
    return {
        "id": criteria_set.pk,
        "code": criteria_set.code,
        "version": criteria_set.version,
        "title": criteria_set.title,
        "name": criteria_set.name,
        "source": criteria_set.source,
        "confidence": criteria_set.confidence,
        "pass_mark": criteria_set.pass_mark,
        "criteria": [
            {
                "code": c.code,
                "group": c.group,
                "label": c.label,
                "max_points": c.max_points,
                "computed": c.computed,
            }
            for c in criteria_set.criteria.all()
        ],
    }


def registration_out(registration: Registration) -> dict:
    return {
        "id": registration.pk,
        "year": registration.year,
        "title": registration.title,
        "subject": str(registration.subject),
        "unit": registration.unit.code,
        "criteria_set": str(registration.criteria_set),
        "status": registration.status,
        "self_score": registration.self_score,
        "board_score": registration.board_score,
        "pass_mark": registration.criteria_set.pass_mark,
        "decision_number": registration.decision_number,
        "decided_on": registration.decided_on,
    }


def registration_detail(registration: Registration) -> dict:
    return {
        **registration_out(registration),
        "scores": [
            {
                "code": s.criterion.code,
                "max_points": s.criterion.max_points,
                "self_points": s.self_points,
                "computed_points": s.computed_points,
                "computed_value": s.computed_value,
                "board_points": s.board_points,
            }
            for s in selectors.scores_of(registration)
        ],
    }


def _registration(request, registration_id: int) -> Registration:
    return found(
        selectors.get_registration_for_user(request.user, registration_id),
        _("No such registration"),
    )


def _course(request, course_id: int) -> Course:
    return found(selectors.get_course_for_user(request.user, course_id), _("No such course"))


def _visible(request, model, pk: int | None):
    if pk is None:
        return None
    return found(restrict(model.objects.filter(pk=pk), request.user).first(), _("No such record"))


@router.get("/learning/criteria-sets", response={200: list[CriteriaSetOut], **READ_ERRORS})
def list_criteria_sets(request):
    """Every version of every criteria set (national reference data); points or a pass mark
    of null are to confirm."""
    return [set_out(s) for s in selectors.list_criteria_sets()]


@router.get("/learning/rates", response={200: list[TitleRatesOut], **READ_ERRORS})
def get_title_rates(request, year: Year | None = None, unit: str = ""):
    """Recognised / registrable subjects per title against the QĐ 387 targets: the unit (or the
    caller's scope) first, then each sub-unit."""
    total, rows = selectors.title_rates_for_user(
        request.user, year=year or this_year(), unit=unit_for_user_or_404(request.user, unit)
    )
    return [
        {
            "unit": row.unit.code if row.unit else None,
            "rates": [
                {
                    "title": title,
                    "recognised": r.recognised,
                    "total": r.total,
                    "rate": r.rate,
                    "target": r.target,
                }
                for title, r in row.rates.items()
            ],
        }
        for row in [total, *rows]
    ]


@router.get("/learning/registrations", response={200: list[RegistrationOut], **READ_ERRORS})
def list_registrations(
    request, year: Year | None = None, title: str = "", status: str = "", unit: str = ""
):
    registrations = selectors.list_registrations_for_user(
        request.user,
        year=year,
        title=title,
        status=status,
        unit=unit_for_user_or_404(request.user, unit),
    )
    return [registration_out(r) for r in registrations[:1000]]


@router.get(
    "/learning/registrations/{registration_id}",
    response={200: RegistrationDetail, **READ_ERRORS},
)
def get_registration(request, registration_id: int):
    """A registration with its points per criterion: self-assessed, computed and the board's."""
    return registration_detail(_registration(request, registration_id))


@router.post("/learning/registrations", response={201: RegistrationDetail, **ERRORS})
def create_registration(request, body: RegisterIn):
    """Register one subject of the criteria set's title for a year; 409 if already registered."""
    criteria_set = found(CriteriaSet.objects.filter(pk=body.criteria_set).first(), _("No such set"))
    community = None
    if body.community:
        community = found(unit_for_user_or_404(request.user, body.community), _("No such unit"))
    registration = services.register(
        actor=request.user,
        year=body.year,
        criteria_set=criteria_set,
        household=_visible(request, Household, body.household),
        clan=_visible(request, Clan, body.clan),
        community=community,
        organisation=_visible(request, Organisation, body.organisation),
        school=_visible(request, School, body.school),
        person=_visible(request, Person, body.person),
    )
    return 201, registration_detail(registration)


@router.post(
    "/learning/registrations/{registration_id}/self-assessment",
    response={200: RegistrationDetail, **ERRORS},
)
def post_self_assessment(request, registration_id: int, body: PointsIn):
    registration = services.self_assess(
        actor=request.user,
        registration=_registration(request, registration_id),
        points=body.points,
    )
    return registration_detail(registration)


@router.post(
    "/learning/registrations/{registration_id}/evaluation",
    response={200: RegistrationDetail, **ERRORS},
)
def post_evaluation(request, registration_id: int, body: EvaluationIn):
    """The board's points (by default the computed points, else the self-assessed ones)."""
    registration = services.evaluate(
        actor=request.user,
        registration=_registration(request, registration_id),
        board=body.board,
        points=body.points,
    )
    return registration_detail(registration)


@router.post(
    "/learning/registrations/{registration_id}/decision",
    response={200: RegistrationDetail, **ERRORS},
)
def post_decision(request, registration_id: int, body: DecisionIn):
    """Recognised when the board's score reaches the set's pass mark; 422 before evaluation."""
    registration = services.decide(
        actor=request.user,
        registration=_registration(request, registration_id),
        decision_number=body.decision_number,
        decided_on=body.decided_on,
    )
    return registration_detail(registration)


def figures_out(row) -> dict:
    f = row.figures
    return {
        "unit": row.unit.code if row.unit else None,
        "workers": f.workers,
        "trained": f.trained,
        "certified": f.certified,
        "youth_need": f.youth_need,
        "served": f.served,
        "trained_rate": f.trained_rate,
        "certified_rate": f.certified_rate,
        "served_rate": f.served_rate,
    }


@router.get("/learning/training-rates", response={200: list[TrainingFiguresOut], **READ_ERRORS})
def get_training_rates(request, year: Year | None = None, unit: str = ""):
    """Workers of poor, near-poor and newly-escaped households trained (60%) and certified
    (25%); members 16-30 of poor / near-poor households who declared a need and were served
    (100%): the unit (or the caller's scope) first, then each sub-unit."""
    total, rows = selectors.training_rates_for_user(
        request.user, year=year or this_year(), unit=unit_for_user_or_404(request.user, unit)
    )
    return [figures_out(row) for row in [total, *rows]]


@router.get("/learning/training-persons", response={200: list[TrainingPersonOut], **READ_ERRORS})
def list_training_persons(
    request, year: Year | None = None, measure: str = "workers", unit: str = ""
):
    """The persons behind a training figure (`workers`, `trained`, `certified`, `youth_need`,
    `served`)."""
    if measure not in selectors.TRAINING_MEASURES:
        measure = "workers"
    persons = selectors.list_training_persons_for_user(
        request.user,
        year=year or this_year(),
        measure=measure,
        unit=unit_for_user_or_404(request.user, unit),
    )
    return [
        {
            "id": p.pk,
            "full_name": p.full_name,
            "household": p.household.code,
            "unit": p.household.unit.code,
        }
        for p in persons[:5000]
    ]


def course_out(course: Course) -> dict:
    return {
        "id": course.pk,
        "code": course.code,
        "name": course.name,
        "kind": course.kind,
        "unit": course.unit.code,
        "provider": course.provider.name if course.provider_id else course.provider_name,
        "starts_on": course.starts_on,
        "ends_on": course.ends_on,
        "certificate": course.certificate,
        "participant_count": course.participant_count,
        "completed_count": course.completed_count,
    }


@router.get("/learning/courses", response={200: list[CourseOut], **READ_ERRORS})
def list_courses(request, year: Year | None = None, unit: str = ""):
    courses = selectors.list_courses_for_user(
        request.user, year=year, unit=unit_for_user_or_404(request.user, unit)
    )
    return [course_out(c) for c in courses]


@router.get("/learning/courses/{course_id}", response={200: CourseOut, **READ_ERRORS})
def get_course(request, course_id: int):
    return course_out(_course(request, course_id))


@router.get(
    "/learning/courses/{course_id}/participants",
    response={200: list[ParticipantOut], **READ_ERRORS},
)
def list_participants(request, course_id: int):
    """The course's participants the caller may see, with the days they were present."""
    course = _course(request, course_id)
    return [
        {
            "id": p.pk,
            "person": p.person_id,
            "full_name": p.person.full_name,
            "status": p.status,
            "completed_on": p.completed_on,
            "certificate_number": p.certificate_number,
            "days_present": p.days_present,
        }
        for p in selectors.list_participants_for_user(request.user, course)
    ]


@router.post("/learning/courses", response={201: CourseOut, **ERRORS})
def create_course(request, body: CourseIn):
    unit = found(unit_for_user_or_404(request.user, body.unit), _("No such unit"))
    course = services.create_course(
        actor=request.user,
        code=body.code,
        name=body.name,
        kind=body.kind,
        unit=unit,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        certificate=body.certificate,
        completes_level=body.completes_level,
        provider_name=body.provider_name,
    )
    return 201, course_out(_course(request, course.pk))


@router.post("/learning/courses/{course_id}/participants", response={201: dict, **ERRORS})
def add_participant(request, course_id: int, body: ParticipantIn):
    participant = services.add_participant(
        actor=request.user,
        course=_course(request, course_id),
        person=_visible(request, Person, body.person),
    )
    return 201, {"id": participant.pk}


@router.post(
    "/learning/courses/{course_id}/participants/{participant_id}/completion",
    response={200: dict, **ERRORS},
)
def complete(request, course_id: int, participant_id: int, body: CompletionIn):
    """Completion (with the certificate's number): a certificate updates the person's
    education or training level, so the adult deprivation indicator moves."""
    course = _course(request, course_id)
    participant = found(
        selectors.list_participants_for_user(request.user, course)
        .filter(pk=participant_id)
        .first(),
        _("No such participant"),
    )
    participant = services.complete_participation(
        actor=request.user,
        participant=participant,
        completed_on=body.completed_on,
        certificate_number=body.certificate_number,
    )
    return {"id": participant.pk, "status": participant.status}


@router.get("/learning/clans", response={200: list[ClanOut], **READ_ERRORS})
def list_clans(request, unit: str = ""):
    clans = selectors.list_clans_for_user(
        request.user, unit=unit_for_user_or_404(request.user, unit)
    )
    return [
        {"id": c.pk, "unit": c.unit.code, "name": c.name, "household_count": c.household_count}
        for c in clans
    ]


@router.post("/learning/clans", response={201: ClanOut, **ERRORS})
def create_clan(request, body: ClanIn):
    """A named group of households of a unit; 409 for a name the unit already has."""
    unit = found(unit_for_user_or_404(request.user, body.unit), _("No such unit"))
    households = [_visible(request, Household, pk) for pk in body.households]
    clan = services.create_clan(
        actor=request.user, unit=unit, name=body.name, households=households
    )
    return 201, {
        "id": clan.pk,
        "unit": unit.code,
        "name": clan.name,
        "household_count": len(households),
    }


@router.post(
    "/learning/courses/{course_id}/participants/{participant_id}/attendance",
    response={200: dict, **ERRORS},
)
def mark_attendance(request, course_id: int, participant_id: int, body: AttendanceIn):
    """A participant present (or absent) on a day of the course."""
    course = _course(request, course_id)
    participant = found(
        selectors.list_participants_for_user(request.user, course)
        .filter(pk=participant_id)
        .first(),
        _("No such participant"),
    )
    attendance = services.record_attendance(
        actor=request.user, participant=participant, on=body.on, present=body.present
    )
    return {"id": attendance.pk, "on": attendance.on, "present": attendance.present}


@router.get("/learning/boards", response={200: BoardsOut, **READ_ERRORS})
def get_boards(request, unit: str = ""):
    """The sub-units of the unit (or the caller's top units) with an established board of their
    own, against the 100% aim of seed 004, with the list behind the rate."""
    place = unit_for_user_or_404(request.user, unit)
    rate = selectors.board_rate_for_user(request.user, place)
    return {
        "unit": place.code if place else None,
        "with_board": rate.with_board,
        "total": rate.total,
        "rate": rate.rate,
        "target": selectors.BOARD_TARGET,
        "units": [
            {
                "unit": u.code,
                "name": u.name,
                "has_board": u.has_board,
                "established_on": u.established_on,
                "decision_number": u.decision_number,
            }
            for u in rate.units
        ],
        "without": [u.code for u in rate.without],
    }


@router.get("/learning/events", response={200: list[EventOut], **READ_ERRORS})
def list_events(request, year: Year | None = None, unit: str = ""):
    events = selectors.list_events_for_user(
        request.user, unit_for_user_or_404(request.user, unit), year
    )
    return [
        {
            "id": e.pk,
            "on": e.on,
            "period": e.period,
            "unit": e.unit.code,
            "organisation": e.organisation.code if e.organisation else None,
            "kind": e.kind,
            "name": e.name,
            "participants": e.participants,
            "products": e.products,
            "funds_raised_minor": e.funds_raised_minor,
            "currency": e.currency,
        }
        for e in events[:1000]
    ]


@router.get("/learning/month-report", response={200: MonthReportOut, **READ_ERRORS})
def get_month_report(request, unit: str = "", year: Year | None = None):
    """The Learning Encouragement Month's report of a unit (a ward) for a year."""
    place = found(unit_for_user_or_404(request.user, unit), _("Unit not found"))
    report = selectors.month_report_for_user(request.user, place, year or this_year())
    return {
        "unit": place.code,
        "year": report.year,
        "events": report.event_count,
        "participants": report.participants,
        "by_kind": [
            {"kind": kind, "events": n, "participants": p} for kind, _label, n, p in report.by_kind
        ],
        "funds": [{"currency": c, "receipts": n, "amount_minor": a} for c, n, a in report.funds],
        "in_kind_receipts": report.in_kind_donations,
        "reported_at_events": [
            {"currency": c, "events": n, "amount_minor": a} for c, n, a in report.reported
        ],
    }


@router.get("/learning/commendations", response={200: list[CommendationOut], **READ_ERRORS})
def list_commendations(request, year: Year | None = None, unit: str = ""):
    commendations = selectors.list_commendations_for_user(
        request.user, unit_for_user_or_404(request.user, unit), year
    )
    return [
        {
            "id": c.pk,
            "year": c.year,
            "period": c.period,
            "unit": c.unit.code,
            "organisation": c.organisation.code if c.organisation else None,
            "person_id": c.person_id,
            "recipient": str(c.recipient),
            "achievement": c.achievement,
            "level": c.level,
            "award": c.award,
            "decision_number": c.decision_number,
            "decided_on": c.decided_on,
        }
        for c in commendations[:1000]
    ]


def outreach_out(activity) -> dict:
    return {
        "id": activity.pk,
        "unit": activity.unit.code,
        "on": activity.on,
        "channel": activity.channel,
        "audience": activity.audience,
        "name": activity.name,
        "task": activity.task_id,
        "campaign": activity.campaign_id,
        "articles": activity.articles,
        "clips": activity.clips,
        "publications": activity.publications,
    }


@router.get("/learning/outreach", response={200: list[OutreachOut], **READ_ERRORS})
def list_outreach(
    request,
    year: Year | None = None,
    unit: str = "",
    task: int | None = None,
    campaign: int | None = None,
):
    """Outreach activities the user sees; `task` or `campaign` narrows them to what was done
    for one plan task or campaign."""
    activities = selectors.list_outreach_for_user(
        request.user,
        unit_for_user_or_404(request.user, unit),
        year,
        task_id=task,
        campaign_id=campaign,
    )
    return [outreach_out(a) for a in activities[:1000]]


@router.post("/learning/outreach", response={201: OutreachOut, **ERRORS})
def create_outreach(request, body: OutreachIn):
    activity = services.record_outreach(
        actor=request.user,
        unit=found(unit_for_user_or_404(request.user, body.unit), _("No such unit")),
        on=body.on,
        channel=body.channel,
        audience=body.audience,
        name=body.name,
        task=_visible(request, PlanTask, body.task),
        campaign=_visible(request, Campaign, body.campaign),
        articles=body.articles,
        clips=body.clips,
        publications=body.publications,
        note=body.note,
    )
    return 201, outreach_out(activity)
