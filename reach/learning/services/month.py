"""Learning-promotion boards, the events of the Learning Encouragement Month and the
lifelong-learning week, and commendations. Each write checks `can_manage_month` over the unit,
owns its transaction and writes an audit event."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.services import record_audit_event, snapshot
from reach.common.money import CURRENCY_EXPONENTS
from reach.geo.models import Organisation, Unit
from reach.learning.choices import BoardStatus, CommendationLevel, EventKind, EventPeriod
from reach.learning.models import Board, Commendation, Event
from reach.learning.permissions import can_manage_month
from reach.learning.services.titles import LearningError
from reach.registry.models import Person


def _organisation_of(unit: Unit, organisation: Organisation | None) -> None:
    if organisation is not None and organisation.unit_id != unit.pk:
        raise LearningError(
            _("%(organisation)s is not an organisation of %(unit)s.")
            % {"organisation": organisation, "unit": unit}
        )


@transaction.atomic
def record_board(
    *,
    actor: User,
    unit: Unit,
    organisation: Organisation | None = None,
    established_on: dt.date | None,
    decision_number: str = "",
    note: str = "",
) -> Board:
    """Record (or correct) the board of `unit` or of one of its organisations: established on
    a date, or, with no date, not established."""
    require(can_manage_month(actor, unit), _("Your role cannot record boards in this unit."))
    _organisation_of(unit, organisation)
    status = BoardStatus.ESTABLISHED if established_on else BoardStatus.NOT_ESTABLISHED
    board = (
        Board.objects.select_for_update(of=("self",))
        .filter(unit=unit, organisation=organisation)
        .order_by("pk")
        .first()
    )
    before = snapshot(board) if board else None
    if board is None:
        board = Board(unit=unit, organisation=organisation)
    board.status = status
    board.established_on = established_on
    board.decision_number = decision_number.strip() if established_on else ""
    board.note = note.strip()
    board.save()
    record_audit_event(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=board,
        before=before,
        after=snapshot(board),
    )
    return board


@transaction.atomic
def record_event(
    *,
    actor: User,
    unit: Unit,
    on: dt.date,
    kind: str,
    name: str,
    period: str = EventPeriod.MONTH,
    organisation: Organisation | None = None,
    participants: int = 0,
    products: str = "",
    funds_raised_minor: int = 0,
    currency: str = "",
) -> Event:
    """An event of the Month or the week; `funds_raised_minor` is what the organiser reports
    was raised at it (in `currency`)."""
    require(can_manage_month(actor, unit), _("Your role cannot record events in this unit."))
    _organisation_of(unit, organisation)
    if kind not in EventKind.values:
        raise LearningError(_("Unknown kind of event %(kind)s.") % {"kind": kind})
    if period not in EventPeriod.values:
        raise LearningError(_("Unknown period %(period)s.") % {"period": period})
    if participants < 0:
        raise LearningError(_("The number of participants cannot be negative."))
    if not name.strip():
        raise LearningError(_("An event needs a name."))
    if funds_raised_minor < 0:
        raise LearningError(_("The funds raised cannot be negative."))
    if funds_raised_minor and currency not in CURRENCY_EXPONENTS:
        raise LearningError(_("Give the currency of the funds raised."))
    event = Event.objects.create(
        unit=unit,
        organisation=organisation,
        on=on,
        kind=kind,
        period=period,
        name=name.strip(),
        participants=participants,
        products=products.strip(),
        funds_raised_minor=funds_raised_minor,
        currency=currency if funds_raised_minor else "",
    )
    record_audit_event(actor=actor, action=AuditAction.CREATE, obj=event, after=snapshot(event))
    return event


@transaction.atomic
def record_commendation(
    *,
    actor: User,
    unit: Unit,
    year: int,
    period: str,
    achievement: str,
    level: str,
    award: str,
    decision_number: str,
    decided_on: dt.date,
    organisation: Organisation | None = None,
    person: Person | None = None,
) -> Commendation:
    """An award to a person, an organisation of `unit`, or (neither) `unit` as a collective."""
    require(can_manage_month(actor, unit), _("Your role cannot record commendations in this unit."))
    _organisation_of(unit, organisation)
    if organisation is not None and person is not None:
        raise LearningError(_("A commendation goes to a person or to a collective, not both."))
    if person is not None and not person.household.unit.path.startswith(unit.path):
        raise LearningError(_("The person does not live in %(unit)s.") % {"unit": unit})
    if level not in CommendationLevel.values:
        raise LearningError(_("Unknown level %(level)s.") % {"level": level})
    if period not in EventPeriod.values:
        raise LearningError(_("Unknown period %(period)s.") % {"period": period})
    if not decision_number.strip():
        raise LearningError(_("A commendation needs its decision number."))
    commendation = Commendation.objects.create(
        unit=unit,
        year=year,
        period=period,
        achievement=achievement.strip(),
        level=level,
        award=award.strip(),
        decision_number=decision_number.strip(),
        decided_on=decided_on,
        organisation=organisation,
        person=person,
    )
    record_audit_event(
        actor=actor, action=AuditAction.CREATE, obj=commendation, after=snapshot(commendation)
    )
    return commendation
