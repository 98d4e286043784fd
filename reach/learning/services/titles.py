"""Criteria sets, registrations, self-assessment, the board's evaluation and the decision."""

import datetime as dt
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.scoping import restrict
from reach.accounts.services import record_audit_event, snapshot
from reach.common.errors import Conflict, DomainError, OutOfScope
from reach.geo.models import Organisation, School, Unit
from reach.learning.choices import Computed, RegistrationStatus, Title
from reach.learning.criteria import SetInput, judge, read_criteria_file, subject_persons
from reach.learning.models import Clan, CriteriaSet, Criterion, CriterionScore, Registration
from reach.learning.permissions import can_assess, can_edit_criteria, can_evaluate, can_register
from reach.registry.models import Household, Person


class LearningError(DomainError):
    """A rule of learning titles or training forbids the change (HTTP 422)."""


def _create_set(data: SetInput, version: int, actor: User | None) -> CriteriaSet:
    if data.title not in Title.values:
        raise LearningError(_("Unknown title %(title)s.") % {"title": data.title})
    if data.pass_mark is not None and data.pass_mark < 0:
        raise LearningError(_("The pass mark cannot be negative."))
    if not data.criteria:
        raise LearningError(_("A criteria set needs at least one criterion."))
    codes = [c.code for c in data.criteria]
    if len(set(codes)) != len(codes):
        raise LearningError(_("Two criteria have the same code."))
    for c in data.criteria:
        if c.computed and c.computed not in Computed.values:
            raise LearningError(_("Reach cannot compute %(what)s.") % {"what": c.computed})
        if c.max_points is not None and c.max_points < 0:
            raise LearningError(_("Points cannot be negative."))
    criteria_set = CriteriaSet.objects.create(
        code=data.code,
        version=version,
        title=data.title,
        name=data.name,
        source=data.source,
        confidence=data.confidence,
        pass_mark=data.pass_mark,
        note=data.note,
        created_by=actor if actor and actor.pk else None,
    )
    Criterion.objects.bulk_create(
        Criterion(
            criteria_set=criteria_set,
            position=position,
            code=c.code,
            group=c.group,
            label=c.label,
            max_points=c.max_points,
            computed=c.computed,
            params=c.params or {},
        )
        for position, c in enumerate(data.criteria, start=1)
    )
    after = snapshot(criteria_set)
    after["criteria"] = [
        {"code": c.code, "points": c.max_points, "computed": c.computed} for c in data.criteria
    ]
    record_audit_event(actor=actor, action=AuditAction.CREATE, obj=criteria_set, after=after)
    return criteria_set


@transaction.atomic
def load_criteria_sets(*, path: Path | None = None) -> list[CriteriaSet]:
    """Load the shipped criteria sets as version 1 of their codes; a code already in the
    database is left as it is (idempotent)."""
    loaded = []
    for data in read_criteria_file(path):
        if not CriteriaSet.objects.filter(code=data.code).exists():
            loaded.append(_create_set(data, 1, None))
    return loaded


@transaction.atomic
def save_criteria_set(*, actor: User, data: SetInput) -> CriteriaSet:
    """Enter a criteria set: the next version of its code (1 for a new code). Earlier versions
    and the registrations judged by them are left as they were."""
    require(can_edit_criteria(actor), _("Only a learning-promotion association edits criteria."))
    latest = CriteriaSet.objects.filter(code=data.code).aggregate(v=Max("version"))["v"] or 0
    try:
        with transaction.atomic():
            return _create_set(data, latest + 1, actor)
    except IntegrityError:
        raise Conflict(_("Someone saved this criteria set at the same time.")) from None


@transaction.atomic
def create_clan(
    *, actor: User, unit: Unit, name: str, households: list[Household] | None = None
) -> Clan:
    """A named group of households of `unit` (each must be visible to the actor and live under
    the unit)."""
    require(can_register(actor, unit), _("Your role cannot record clans in this unit."))
    members = households or []
    for household in members:
        if not _visible(actor, household):
            raise OutOfScope(_("No such record"))
        if not (
            household.unit.path == unit.path or household.unit.path.startswith(unit.path + ".")
        ):
            raise LearningError(_("A household of the clan lives outside its unit."))
    if not name.strip():
        raise LearningError(_("Name the clan."))
    try:
        with transaction.atomic():
            clan = Clan.objects.create(unit=unit, name=name.strip())
    except IntegrityError:
        raise Conflict(_("The unit already has a clan of that name.")) from None
    clan.households.set(members)
    after = snapshot(clan)
    after["households"] = sorted(h.pk for h in members)
    record_audit_event(actor=actor, action=AuditAction.CREATE, obj=clan, after=after)
    return clan


def _subject_unit(
    title: str,
    *,
    household: Household | None,
    clan: Clan | None,
    community: Unit | None,
    organisation: Organisation | None,
    school: School | None,
    person: Person | None,
) -> Unit:
    subjects = {
        Title.FAMILY: household,
        Title.CLAN: clan,
        Title.COMMUNITY: community,
        Title.CITIZEN: person,
    }
    if title == Title.UNIT:
        subject: object = organisation or school
    else:
        subject = subjects.get(Title(title))
    given = [s for s in (household, clan, community, organisation, school, person) if s]
    if subject is None or len(given) != 1:
        raise LearningError(_("Name exactly one subject of the kind the title is for."))
    if isinstance(subject, Household | Clan | Organisation | School):
        return subject.unit
    if isinstance(subject, Person):
        return subject.household.unit
    assert isinstance(subject, Unit)
    return subject


def _visible(actor: User, obj: object) -> bool:
    if obj is None:
        return True
    model = type(obj)
    return restrict(model.objects.filter(pk=obj.pk), actor).exists()  # type: ignore[attr-defined]


def refresh_computed(registration: Registration) -> None:
    """Recompute the criteria Reach computes, beside the self-assessment."""
    persons = subject_persons(registration)
    for score in registration.scores.select_related("criterion"):
        judged = judge(score.criterion, persons, registration.year)
        if judged is None:
            continue
        score.computed_points = judged.points
        score.computed_value = judged.value[:200]
        score.save(update_fields=["computed_points", "computed_value"])


@transaction.atomic
def register(
    *,
    actor: User,
    year: int,
    criteria_set: CriteriaSet,
    household: Household | None = None,
    clan: Clan | None = None,
    community: Unit | None = None,
    organisation: Organisation | None = None,
    school: School | None = None,
    person: Person | None = None,
) -> Registration:
    """Register a subject for the title of `criteria_set` in `year`, judged by that version."""
    title = criteria_set.title
    unit = _subject_unit(
        title,
        household=household,
        clan=clan,
        community=community,
        organisation=organisation,
        school=school,
        person=person,
    )
    for subject in (household, clan, community, organisation, school, person):
        if not _visible(actor, subject):
            raise OutOfScope(_("No such record"))
    require(can_register(actor, unit), _("Your role cannot register learning titles here."))
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                year=year,
                title=title,
                criteria_set=criteria_set,
                unit=unit,
                household=household,
                clan=clan,
                community=community,
                organisation=organisation,
                school=school,
                person=person,
            )
    except IntegrityError:
        raise Conflict(
            _("This subject is already registered for %(year)s.") % {"year": year}
        ) from None
    CriterionScore.objects.bulk_create(
        CriterionScore(registration=registration, criterion=criterion)
        for criterion in criteria_set.criteria.all()
    )
    refresh_computed(registration)
    record_audit_event(
        actor=actor,
        action=AuditAction.CREATE,
        obj=registration,
        after=snapshot(registration),
        household_id=_household_id(registration),
    )
    return registration


def _household_id(registration: Registration) -> int | None:
    if registration.household_id:
        return registration.household_id
    if registration.person_id:
        return registration.person.household_id  # type: ignore[union-attr]
    return None


def _points(scores: list[CriterionScore], points: dict[str, int | None], *, field: str) -> int:
    """Store `points` (by criterion code) in `field`, checked against each criterion's points."""
    known = {s.criterion.code: s for s in scores}
    unknown = sorted(set(points) - set(known))
    if unknown:
        raise LearningError(
            _("No criterion %(codes)s in this set.") % {"codes": ", ".join(unknown)}
        )
    total = 0
    for code, score in known.items():
        value = points.get(code)
        limit = score.criterion.max_points
        if value is not None and (value < 0 or (limit is not None and value > limit)):
            raise LearningError(
                _("Criterion %(code)s takes 0 to %(max)s points.")
                % {"code": code, "max": limit if limit is not None else "?"}
            )
        if value is not None and limit is None:
            raise LearningError(
                _(
                    "The points of criterion %(code)s are to confirm: enter them in the criteria "
                    "set first."
                )
                % {"code": code}
            )
        setattr(score, field, value)
        score.save(update_fields=[field])
        total += value or 0
    return total


@transaction.atomic
def self_assess(
    *, actor: User, registration: Registration, points: dict[str, int | None]
) -> Registration:
    """Record the subject's own points per criterion (the computed ones are shown beside)."""
    require(can_assess(actor, registration), _("Your role cannot record this self-assessment."))
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status not in (RegistrationStatus.REGISTERED, RegistrationStatus.SELF_ASSESSED):
        raise LearningError(_("The board has already evaluated this registration."))
    before = snapshot(registration)
    scores = list(registration.scores.select_related("criterion"))
    registration.self_score = _points(scores, points, field="self_points")
    registration.status = RegistrationStatus.SELF_ASSESSED
    registration.save(update_fields=["self_score", "status"])
    refresh_computed(registration)
    record_audit_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=registration,
        before=before,
        after={**snapshot(registration), "self_points": points},
        household_id=_household_id(registration),
    )
    return registration


@transaction.atomic
def evaluate(
    *,
    actor: User,
    registration: Registration,
    board: str,
    points: dict[str, int | None] | None = None,
) -> Registration:
    """The ward's learning-promotion board scores the registration: its points per criterion,
    by default the computed points where Reach computes the criterion and the self-assessed
    points elsewhere."""
    require(can_evaluate(actor, registration), _("Your role cannot evaluate this registration."))
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != RegistrationStatus.SELF_ASSESSED:
        raise LearningError(_("Only a self-assessed registration is evaluated."))
    if not board.strip():
        raise LearningError(_("Name the board that evaluated it."))
    refresh_computed(registration)
    scores = list(registration.scores.select_related("criterion"))
    given = dict(points or {})
    for score in scores:
        if score.criterion.code not in given:
            given[score.criterion.code] = (
                score.computed_points if score.criterion.computed else score.self_points
            )
    before = snapshot(registration)
    registration.board_score = _points(scores, given, field="board_points")
    registration.board = board.strip()
    registration.evaluated_at = timezone.now()
    registration.status = RegistrationStatus.EVALUATED
    registration.save(update_fields=["board_score", "board", "evaluated_at", "status"])
    record_audit_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=registration,
        before=before,
        after={**snapshot(registration), "board_points": given},
        household_id=_household_id(registration),
    )
    return registration


@transaction.atomic
def decide(
    *, actor: User, registration: Registration, decision_number: str, decided_on: dt.date
) -> Registration:
    """The recognition decision: recognised when the board's score reaches the pass mark of the
    registration's criteria set version, not recognised otherwise."""
    require(can_evaluate(actor, registration), _("Your role cannot decide on this registration."))
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != RegistrationStatus.EVALUATED:
        raise LearningError(_("A registration is decided only after the board's evaluation."))
    pass_mark = registration.criteria_set.pass_mark
    if pass_mark is None:
        raise LearningError(
            _("The pass mark of %(set)s is to confirm: enter it as a new version of the set.")
            % {"set": registration.criteria_set}
        )
    if not decision_number.strip():
        raise LearningError(_("Give the decision's number."))
    before = snapshot(registration)
    registration.status = (
        RegistrationStatus.RECOGNISED
        if (registration.board_score or 0) >= pass_mark
        else RegistrationStatus.NOT_RECOGNISED
    )
    registration.decision_number = decision_number.strip()
    registration.decided_on = decided_on
    registration.save(update_fields=["status", "decision_number", "decided_on"])
    record_audit_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=registration,
        before=before,
        after=snapshot(registration),
        household_id=_household_id(registration),
    )
    return registration
