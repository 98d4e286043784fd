"""/api/v1/school-support/: one school's plan (needs, projects, teachers sent, training,
pairs), the poor villages' schools and what they received, and the writes of each. Reads go
through the selectors (`restrict`); writes through the services."""

from django.utils.translation import gettext as _
from ninja import Router

from reach.accounts.scoping import restrict
from reach.common.errors import found
from reach.common.schemas import ERRORS, READ_ERRORS
from reach.geo.models import Organisation, School
from reach.geo.selectors import unit_for_user_or_404
from reach.schoolsupport import selectors, services
from reach.schoolsupport.models import SchoolPairing, SchoolProject
from reach.schoolsupport.schemas import (
    ActivityIn,
    ActivityOut,
    DateIn,
    FlagIn,
    NeedIn,
    NeedOut,
    PairingIn,
    PairingOut,
    PlacementIn,
    PlacementOut,
    ProjectIn,
    ProjectOut,
    ProjectStatusIn,
    ReceivedOut,
    SchoolOut,
    SchoolPlanOut,
    SpendingIn,
    SpendingOut,
    TrainingIn,
    TrainingOut,
    Year,
)

router = Router(tags=["school support"])
PREFIX = "/school-support"


def school_out(school: School) -> dict:
    return {"id": school.pk, "code": school.code, "name": school.name, "unit": school.unit.code}


def project_out(project: SchoolProject) -> dict:
    return {
        "id": project.pk,
        "kind": project.kind,
        "title": project.title,
        "need": project.need_id,
        "budget_minor": project.budget_minor,
        "currency": project.currency,
        "funding": project.funding,
        "fund": project.fund_id,
        "drawn_from_fund_minor": services.drawn_from_fund(project),
        "status": project.status,
        "planned_on": project.planned_on,
        "started_on": project.started_on,
        "completed_on": project.completed_on,
        "cancelled_on": project.cancelled_on,
        "cost_minor": project.cost_minor,
    }


def pairing_out(pairing: SchoolPairing) -> dict:
    return {
        "id": pairing.pk,
        "kind": pairing.kind,
        "helper": school_out(pairing.helper),
        "school": school_out(pairing.school),
        "starts_on": pairing.starts_on,
        "ends_on": pairing.ends_on,
        "focus": pairing.focus,
        "activities": [activity_out(a) for a in pairing.activities.all()],
    }


def activity_out(activity) -> dict:
    return {
        "id": activity.pk,
        "held_on": activity.held_on,
        "kind": activity.kind,
        "description": activity.description,
    }


def amounts_out(amounts: dict[str, int]) -> list[dict]:
    return [{"currency": c, "amount_minor": a} for c, a in sorted(amounts.items())]


def _school(request, school_id: int) -> School:
    return found(selectors.get_school_for_user(request.user, school_id), _("No such school"))


def _plan(request, school: School) -> dict:
    plan = selectors.school_plan_for_user(request.user, school)
    projects = [p for need in plan.needs for p in need.answered_by] + plan.other_projects  # type: ignore[attr-defined]
    return {
        "school": school_out(school),
        "needs": [
            {
                "id": n.pk,
                "kind": n.kind,
                "description": n.description,
                "quantity": n.quantity,
                "status": n.status,
                "recorded_on": n.recorded_on,
                "closed_on": n.closed_on,
                "projects": [p.pk for p in n.answered_by],  # type: ignore[attr-defined]
            }
            for n in plan.needs
        ],
        "projects": [project_out(p) for p in projects],
        "placements": [placement_out(p) for p in plan.placements],
        "trainings": [training_out(t) for t in plan.trainings],
        "pairings": [pairing_out(p) for p in plan.pairings],
        "received": amounts_out(plan.received),
    }


def placement_out(placement) -> dict:
    return {
        "id": placement.pk,
        "teacher_name": placement.teacher_name,
        "sent_by": placement.sent_by,
        "subject": placement.subject,
        "starts_on": placement.starts_on,
        "ends_on": placement.ends_on,
    }


def training_out(training) -> dict:
    return {
        "id": training.pk,
        "held_on": training.held_on,
        "topic": training.topic,
        "hours": training.hours,
        "teachers": training.teachers,
        "provider": training.provider,
    }


@router.get(f"{PREFIX}/schools", response={200: list[SchoolOut], **READ_ERRORS})
def list_schools(request, unit: str = ""):
    """The schools the caller sees (under `unit`)."""
    schools = selectors.list_schools_for_user(
        request.user, unit_for_user_or_404(request.user, unit)
    )
    return [school_out(s) for s in schools[:2000]]


@router.get(f"{PREFIX}/schools/{{school_id}}", response={200: SchoolPlanOut, **READ_ERRORS})
def get_school_plan(request, school_id: int):
    """One school, one plan: its needs and what answered each, its projects, the teachers
    sent, the training given, its pairs and the final cost of its completed projects."""
    return _plan(request, _school(request, school_id))


@router.get(f"{PREFIX}/received", response={200: ReceivedOut, **READ_ERRORS})
def get_received(request, unit: str = "", year: Year | None = None):
    """The poor villages' schools (in an extremely difficult commune of `year`, or flagged)
    and what each received: completed projects and their cost, teachers sent, trainings,
    pairs; with the totals."""
    received = selectors.received_for_user(
        request.user,
        unit=unit_for_user_or_404(request.user, unit),
        year=year or selectors.this_year(),
    )

    def row_out(row) -> dict:
        return {
            "school": school_out(row.school) if row.school is not None else None,
            "extremely_difficult_commune": row.extremely_difficult,
            "poor_village": row.poor_village,
            "projects_completed": row.projects,
            "amounts": amounts_out(row.amounts),
            "teachers_sent": row.teachers_sent,
            "trainings": row.trainings,
            "teachers_trained": row.teachers_trained,
            "pairings": row.pairings,
        }

    return {
        "year": received.year,
        "rows": [row_out(r) for r in received.rows],
        "total": row_out(received.total),
    }


@router.post(f"{PREFIX}/schools/{{school_id}}/flag", response={200: dict, **ERRORS})
def flag_school(request, school_id: int, body: FlagIn):
    """Flag the school as a poor village's school (or clear the flag)."""
    profile = services.flag_poor_village_school(
        actor=request.user,
        school=_school(request, school_id),
        poor_village=body.poor_village,
        decision=body.decision,
    )
    return {"poor_village": profile.poor_village, "decision": profile.decision}


@router.post(f"{PREFIX}/schools/{{school_id}}/needs", response={201: NeedOut, **ERRORS})
def create_need(request, school_id: int, body: NeedIn):
    """Record what the school lacks (its staff may too)."""
    need = services.record_need(
        actor=request.user,
        school=_school(request, school_id),
        kind=body.kind,
        recorded_on=body.recorded_on,
        description=body.description,
        quantity=body.quantity,
    )
    return 201, {**_need_out(need), "projects": []}


def _need_out(need) -> dict:
    return {
        "id": need.pk,
        "kind": need.kind,
        "description": need.description,
        "quantity": need.quantity,
        "status": need.status,
        "recorded_on": need.recorded_on,
        "closed_on": need.closed_on,
        "projects": list(need.projects.values_list("pk", flat=True)),
    }


@router.post(f"{PREFIX}/needs/{{need_id}}/withdraw", response={200: NeedOut, **ERRORS})
def withdraw_need(request, need_id: int, body: DateIn):
    need = found(selectors.get_need_for_user(request.user, need_id), _("No such need"))
    return _need_out(services.withdraw_need(actor=request.user, need=need, on=body.on))


@router.post(f"{PREFIX}/schools/{{school_id}}/projects", response={201: ProjectOut, **ERRORS})
def create_project(request, school_id: int, body: ProjectIn):
    """Plan a project (state budget, or a fund the caller sees, in the fund's currency)."""
    project = services.create_project(
        actor=request.user,
        school=_school(request, school_id),
        data=services.ProjectInput(
            kind=body.kind,
            title=body.title,
            budget_minor=body.budget_minor,
            currency=body.currency,
            funding=body.funding,
            planned_on=body.planned_on,
            fund_id=body.fund,
            need_id=body.need,
            note=body.note,
        ),
    )
    return 201, project_out(project)


def _project(request, project_id: int) -> SchoolProject:
    return found(selectors.get_project_for_user(request.user, project_id), _("No such project"))


@router.post(f"{PREFIX}/projects/{{project_id}}/status", response={200: ProjectOut, **ERRORS})
def move_project(request, project_id: int, body: ProjectStatusIn):
    """Start, complete (with its final cost; the budget if none) or cancel a project."""
    project = services.move_project(
        actor=request.user,
        project=_project(request, project_id),
        status=body.status,
        on=body.on,
        cost_minor=body.cost_minor,
    )
    return project_out(project)


@router.post(f"{PREFIX}/projects/{{project_id}}/spending", response={201: SpendingOut, **ERRORS})
def record_spending(request, project_id: int, body: SpendingIn):
    """Pay part of a fund-paid project from the fund's free cash (posted to its ledger); the
    same idempotency key again returns the payment already recorded."""
    project = _project(request, project_id)
    txn = services.record_project_spending(
        actor=request.user,
        project=project,
        amount_minor=body.amount_minor,
        occurred_on=body.occurred_on,
        idempotency_key=body.idempotency_key,
    )
    return 201, {"transaction": txn.pk, "drawn_from_fund_minor": services.drawn_from_fund(project)}


@router.post(f"{PREFIX}/schools/{{school_id}}/teachers", response={201: PlacementOut, **ERRORS})
def create_placement(request, school_id: int, body: PlacementIn):
    """Record a teacher sent to the school (支教) by a school or an organisation."""
    from_school = from_organisation = None
    if body.from_school is not None:
        from_school = _school(request, body.from_school)
    if body.from_organisation is not None:
        from_organisation = found(
            restrict(Organisation.objects.filter(pk=body.from_organisation), request.user).first(),
            _("No such organisation"),
        )
    placement = services.record_teacher_placement(
        actor=request.user,
        school=_school(request, school_id),
        teacher_name=body.teacher_name,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        from_school=from_school,
        from_organisation=from_organisation,
        subject=body.subject,
    )
    return 201, placement_out(placement)


@router.post(f"{PREFIX}/schools/{{school_id}}/trainings", response={201: TrainingOut, **ERRORS})
def create_training(request, school_id: int, body: TrainingIn):
    training = services.record_training(
        actor=request.user,
        school=_school(request, school_id),
        held_on=body.held_on,
        topic=body.topic,
        hours=body.hours,
        teachers=body.teachers,
        provider=body.provider,
    )
    return 201, training_out(training)


@router.post(f"{PREFIX}/pairings", response={201: PairingOut, **ERRORS})
def create_pairing(request, body: PairingIn):
    """Pair a helping school with the school it supports (county-town, county-village,
    town-village); 422 when a school is paired with itself or a tier does not fit its unit."""
    pairing = services.pair_schools(
        actor=request.user,
        helper=_school(request, body.helper),
        school=_school(request, body.school),
        kind=body.kind,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        focus=body.focus,
    )
    return 201, pairing_out(pairing)


@router.post(f"{PREFIX}/pairings/{{pairing_id}}/activities", response={201: ActivityOut, **ERRORS})
def create_activity(request, pairing_id: int, body: ActivityIn):
    pairing = found(selectors.get_pairing_for_user(request.user, pairing_id), _("No such pair"))
    activity = services.record_pairing_activity(
        actor=request.user,
        pairing=pairing,
        held_on=body.held_on,
        kind=body.kind,
        description=body.description,
    )
    return 201, activity_out(activity)
