"""Writes of school support. Each checks its permission (`permissions`), owns its transaction
and writes the audit event; refusals are domain errors whose message says why.

A project paid by a fund draws on it through the fund's ledger (`record_project_spending`):
the fund's free cash goes to "paid out" in one posted transaction that names the project, so
what a project drew is derived from the ledger, never typed."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Model, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.services import record_audit_event, snapshot
from reach.common.errors import Conflict, DomainError
from reach.funds.choices import AccountKind, TransactionKind
from reach.funds.models import Entry, Fund, Transaction
from reach.funds.permissions import can_spend_from
from reach.funds.selectors import fund_for_user_or_404
from reach.funds.services.ledger import Line, account_for, lock_fund, post
from reach.geo.choices import UnitLevel
from reach.geo.models import Organisation, School, is_under
from reach.schoolsupport.choices import (
    NEXT_STATUS,
    ActivityKind,
    FundingSource,
    NeedKind,
    NeedStatus,
    PairingKind,
    ProjectKind,
    ProjectStatus,
)
from reach.schoolsupport.models import (
    PairingActivity,
    SchoolNeed,
    SchoolPairing,
    SchoolProfile,
    SchoolProject,
    TeacherPlacement,
    TeacherTraining,
)
from reach.schoolsupport.permissions import (
    can_manage_school_support,
    can_pair_schools,
    can_record_need,
)

PROJECT_REFERENCE = "schoolsupport.project"


class SupportError(DomainError):
    """A school-support record the domain refuses; the message says why."""


class InvalidPairing(SupportError):
    """Two schools that cannot be paired so."""


class StatusNotAllowed(SupportError, Conflict):
    """A move the record's status does not allow (a completed project cancelled, ...)."""


def _audit(actor: User, action: AuditAction, obj: Model, before: dict | None = None) -> None:
    record_audit_event(actor=actor, action=action, obj=obj, before=before, after=snapshot(obj))


# --- the school's flag ---


@transaction.atomic
def flag_poor_village_school(
    *, actor: User, school: School, poor_village: bool, decision: str = ""
) -> SchoolProfile:
    """Flag `school` as a poor village's school (or clear the flag), naming the decision."""
    require(
        can_manage_school_support(actor, school),
        _("Your role cannot change the support record of this school."),
    )
    profile, created = SchoolProfile.objects.get_or_create(school=school)
    before = None if created else snapshot(profile)
    profile.poor_village = poor_village
    profile.decision = decision.strip()
    profile.save()
    _audit(actor, AuditAction.CREATE if created else AuditAction.UPDATE, profile, before)
    return profile


# --- needs ---


@transaction.atomic
def record_need(
    *,
    actor: User,
    school: School,
    kind: str,
    recorded_on: dt.date,
    description: str = "",
    quantity: int | None = None,
) -> SchoolNeed:
    """Record what `school` lacks. Its staff may, as may the offices over it."""
    require(can_record_need(actor, school), _("Your role cannot record needs of this school."))
    if kind not in NeedKind.values:
        raise SupportError(_("unknown kind of need %(kind)s") % {"kind": kind})
    if quantity is not None and quantity <= 0:
        raise SupportError(_("the quantity must be more than 0"))
    need = SchoolNeed.objects.create(
        school=school,
        kind=kind,
        description=description.strip(),
        quantity=quantity,
        recorded_on=recorded_on,
        recorded_by=actor if actor.pk else None,
    )
    _audit(actor, AuditAction.CREATE, need)
    return need


@transaction.atomic
def withdraw_need(*, actor: User, need: SchoolNeed, on: dt.date) -> SchoolNeed:
    """Withdraw an open need (recorded by mistake, or met otherwise)."""
    require(can_record_need(actor, need.school), _("Your role cannot change this school's needs."))
    need = SchoolNeed.objects.select_for_update().get(pk=need.pk)
    if need.status != NeedStatus.OPEN:
        raise StatusNotAllowed(_("only an open need can be withdrawn"))
    before = snapshot(need)
    need.status, need.closed_on = NeedStatus.WITHDRAWN, on
    need.save(update_fields=["status", "closed_on"])
    _audit(actor, AuditAction.UPDATE, need, before)
    return need


# --- projects ---


@dataclass(frozen=True)
class ProjectInput:
    kind: str
    title: str
    budget_minor: int
    currency: str
    funding: str
    planned_on: dt.date
    fund_id: int | None = None
    need_id: int | None = None
    note: str = ""


def _fund_for(actor: User, school: School, fund_id: int | None, currency: str) -> Fund:
    if fund_id is None:
        raise SupportError(_("a project paid by a fund names the fund"))
    fund = fund_for_user_or_404(actor, fund_id)
    if not is_under(school.unit.path, fund.unit.path):
        raise SupportError(_("the school is outside the fund's area"))
    if fund.currency != currency:
        raise SupportError(
            _("the fund keeps %(fund)s, the project's budget is in %(project)s")
            % {"fund": fund.currency, "project": currency}
        )
    return fund


@transaction.atomic
def create_project(*, actor: User, school: School, data: ProjectInput) -> SchoolProject:
    """Plan a project for `school`, against one of its needs or not."""
    require(
        can_manage_school_support(actor, school),
        _("Your role cannot record projects of this school."),
    )
    if data.kind not in ProjectKind.values:
        raise SupportError(_("unknown kind of project %(kind)s") % {"kind": data.kind})
    if data.funding not in FundingSource.values:
        raise SupportError(_("unknown funding source %(source)s") % {"source": data.funding})
    if data.budget_minor < 0:
        raise SupportError(_("the budget cannot be negative"))
    if not data.title.strip():
        raise SupportError(_("a project needs a title"))
    fund = None
    if data.funding == FundingSource.FUND:
        fund = _fund_for(actor, school, data.fund_id, data.currency)
    elif data.fund_id is not None:
        raise SupportError(_("a project on the state budget names no fund"))
    need = None
    if data.need_id is not None:
        need = SchoolNeed.objects.filter(pk=data.need_id, school=school).first()
        if need is None:
            raise SupportError(_("no need %(id)s of this school") % {"id": data.need_id})
    project = SchoolProject.objects.create(
        school=school,
        need=need,
        kind=data.kind,
        title=data.title.strip(),
        budget_minor=data.budget_minor,
        currency=data.currency,
        funding=data.funding,
        fund=fund,
        planned_on=data.planned_on,
        note=data.note.strip(),
    )
    _audit(actor, AuditAction.CREATE, project)
    return project


@transaction.atomic
def move_project(
    *,
    actor: User,
    project: SchoolProject,
    status: str,
    on: dt.date,
    cost_minor: int | None = None,
) -> SchoolProject:
    """Start, complete or cancel a project on `on`. Completing records its final cost (its
    budget unless given) and marks the need it answered as met."""
    require(
        can_manage_school_support(actor, project.school),
        _("Your role cannot change projects of this school."),
    )
    project = SchoolProject.objects.select_for_update().get(pk=project.pk)
    if status not in NEXT_STATUS.get(ProjectStatus(project.status), set()):
        raise StatusNotAllowed(
            _("a project %(current)s cannot become %(status)s")
            % {"current": project.get_status_display(), "status": status}
        )
    if on < project.planned_on:
        raise SupportError(_("the date is before the project was planned"))
    before = snapshot(project)
    project.status = status
    if status == ProjectStatus.UNDER_WAY:
        project.started_on = on
    elif status == ProjectStatus.COMPLETED:
        cost = project.budget_minor if cost_minor is None else cost_minor
        if cost < 0:
            raise SupportError(_("the cost cannot be negative"))
        if project.started_on and on < project.started_on:
            raise SupportError(_("a project cannot be completed before it started"))
        project.completed_on, project.cost_minor = on, cost
    else:
        project.cancelled_on = on
    project.save()
    _audit(actor, AuditAction.UPDATE, project, before)
    if status == ProjectStatus.COMPLETED and project.need_id is not None:
        need = SchoolNeed.objects.select_for_update().get(pk=project.need_id)
        if need.status == NeedStatus.OPEN:
            need_before = snapshot(need)
            need.status, need.closed_on = NeedStatus.MET, on
            need.save(update_fields=["status", "closed_on"])
            _audit(actor, AuditAction.UPDATE, need, need_before)
    return project


def drawn_from_fund(project: SchoolProject) -> int:
    """What the project drew from its fund: the paid-out entries of the ledger transactions
    that name it (reversals included)."""
    if project.fund_id is None:
        return 0
    total = Entry.objects.filter(
        transaction__fund_id=project.fund_id,
        transaction__reference_type=PROJECT_REFERENCE,
        transaction__reference_id=project.pk,
        account__kind=AccountKind.PAID_OUT,
    ).aggregate(total=Sum("amount"))["total"]
    reversed_total = Entry.objects.filter(
        transaction__fund_id=project.fund_id,
        transaction__reverses__reference_type=PROJECT_REFERENCE,
        transaction__reverses__reference_id=project.pk,
        account__kind=AccountKind.PAID_OUT,
    ).aggregate(total=Sum("amount"))["total"]
    return int(total or 0) + int(reversed_total or 0)


def record_project_spending(
    *,
    actor: User,
    project: SchoolProject,
    amount_minor: int,
    occurred_on: dt.date,
    idempotency_key: str,
    reason: str = "",
) -> Transaction:
    """Pay `amount_minor` of a fund-paid project from the fund's free cash, posted to the
    fund's ledger (locked, so the balance never goes below zero). The same key again returns
    the payment already recorded. Raises NotAllowed, SupportError, InsufficientBalance."""
    require(
        can_manage_school_support(actor, project.school),
        _("Your role cannot change projects of this school."),
    )
    fund = project.fund
    if fund is None:
        raise SupportError(_("this project is not paid by a fund"))
    require(can_spend_from(actor, fund), _("Your role cannot spend from this fund."))
    if project.status == ProjectStatus.CANCELLED:
        raise StatusNotAllowed(_("a cancelled project draws nothing"))
    if amount_minor <= 0:
        raise SupportError(_("the amount must be more than 0"))
    key = idempotency_key.strip()
    if not key:
        raise SupportError(_("a spend needs an idempotency key"))

    def already() -> Transaction | None:
        txn = Transaction.objects.filter(idempotency_key=key).first()
        if txn is None:
            return None
        if (txn.fund_id, txn.reference_type, txn.reference_id) != (
            fund.pk,
            PROJECT_REFERENCE,
            project.pk,
        ):
            raise Conflict(_("the key %(key)s was used for another movement") % {"key": key})
        return txn

    try:
        with transaction.atomic():
            locked = lock_fund(fund.pk)
            done = already()
            if done is not None:
                return done
            if drawn_from_fund(project) + amount_minor > project.budget_minor:
                raise SupportError(_("the project would draw more than its budget"))
            return post(
                fund=locked,
                kind=TransactionKind.SPEND,
                lines=[
                    Line(account_for(locked, AccountKind.FREE_CASH), -amount_minor),
                    Line(account_for(locked, AccountKind.PAID_OUT), amount_minor),
                ],
                actor=actor,
                occurred_on=occurred_on,
                purpose=project.title,
                idempotency_key=key,
                reason=reason,
                reference_type=PROJECT_REFERENCE,
                reference_id=project.pk,
            )
    except IntegrityError:  # the same key recorded at the same moment by another request
        done = already()
        if done is None:
            raise
        return done


# --- teachers ---


@transaction.atomic
def record_teacher_placement(
    *,
    actor: User,
    school: School,
    teacher_name: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    from_school: School | None = None,
    from_organisation: Organisation | None = None,
    subject: str = "",
) -> TeacherPlacement:
    """Record a teacher sent to teach at `school` (支教) from a school or an organisation."""
    require(
        can_manage_school_support(actor, school),
        _("Your role cannot record teachers sent to this school."),
    )
    if not teacher_name.strip():
        raise SupportError(_("name the teacher sent"))
    if from_school is None and from_organisation is None:
        raise SupportError(_("name the school or organisation that sends the teacher"))
    if from_school is not None and from_school.pk == school.pk:
        raise SupportError(_("a school does not send a teacher to itself"))
    if ends_on is not None and ends_on < starts_on:
        raise SupportError(_("the period ends before it starts"))
    placement = TeacherPlacement.objects.create(
        school=school,
        teacher_name=teacher_name.strip(),
        from_school=from_school,
        from_organisation=from_organisation,
        subject=subject.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    _audit(actor, AuditAction.CREATE, placement)
    return placement


@transaction.atomic
def record_training(
    *,
    actor: User,
    school: School,
    held_on: dt.date,
    topic: str,
    hours: Decimal,
    teachers: int,
    provider: str = "",
) -> TeacherTraining:
    """Record training given to `teachers` of `school`'s teachers."""
    require(
        can_manage_school_support(actor, school),
        _("Your role cannot record training for this school."),
    )
    if not topic.strip():
        raise SupportError(_("a training needs a topic"))
    if hours <= 0 or teachers <= 0:
        raise SupportError(_("the hours and the number of teachers must be more than 0"))
    training = TeacherTraining.objects.create(
        school=school,
        held_on=held_on,
        topic=topic.strip(),
        hours=hours,
        teachers=teachers,
        provider=provider.strip(),
    )
    _audit(actor, AuditAction.CREATE, training)
    return training


# --- pairings ---

# The tiers a school's unit allows it to act at. A county's schools stand in its seat town
# (a commune), and a village school is recorded at its town where the villages are not
# loaded: so a commune's school may be county, town or village, and only a school of a
# district or of a village has its tier told by the data.
_TIERS_BY_LEVEL = {
    UnitLevel.DISTRICT: {"county"},
    UnitLevel.COMMUNE: {"county", "town", "village"},
    UnitLevel.VILLAGE: {"village"},
}
_TIER_LABELS = {
    "county": gettext_lazy("county"),
    "town": gettext_lazy("town"),
    "village": gettext_lazy("village"),
}
_PAIR_TIERS = {
    PairingKind.COUNTY_TOWN: ("county", "town"),
    PairingKind.COUNTY_VILLAGE: ("county", "village"),
    PairingKind.TOWN_VILLAGE: ("town", "village"),
}


def pairing_problems(helper: School, school: School, kind: str) -> list[str]:
    """Why `helper` cannot help `school` as a pair of `kind` (empty when it can)."""
    if kind not in PairingKind.values:
        return [_("unknown kind of pairing %(kind)s") % {"kind": kind}]
    if helper.pk == school.pk:
        return [_("a school cannot be paired with itself")]
    problems = []
    helper_tier, school_tier = _PAIR_TIERS[PairingKind(kind)]
    for who, tier in ((helper, helper_tier), (school, school_tier)):
        allowed = _TIERS_BY_LEVEL.get(UnitLevel(who.unit.level), set())
        if tier not in allowed:
            problems.append(
                _("%(school)s, a school of a %(level)s, is not a %(tier)s school")
                % {
                    "school": who.name,
                    "level": who.unit.get_level_display(),
                    "tier": _TIER_LABELS[tier],
                }
            )
    return problems


@transaction.atomic
def pair_schools(
    *,
    actor: User,
    helper: School,
    school: School,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    focus: str = "",
) -> SchoolPairing:
    """Pair `helper` with the school it supports (结对帮扶)."""
    require(can_pair_schools(actor, helper, school), _("Your role cannot pair these two schools."))
    problems = pairing_problems(helper, school, kind)
    if problems:
        raise InvalidPairing("; ".join(problems))
    if ends_on is not None and ends_on < starts_on:
        raise InvalidPairing(_("the period ends before it starts"))
    if SchoolPairing.objects.filter(helper=helper, school=school, starts_on=starts_on).exists():
        raise InvalidPairing(_("these schools are already paired from that day"))
    pairing = SchoolPairing.objects.create(
        helper=helper, school=school, kind=kind, starts_on=starts_on, ends_on=ends_on, focus=focus
    )
    _audit(actor, AuditAction.CREATE, pairing)
    return pairing


@transaction.atomic
def record_pairing_activity(
    *, actor: User, pairing: SchoolPairing, held_on: dt.date, kind: str, description: str
) -> PairingActivity:
    """Record what a pair did together on a day."""
    require(
        can_pair_schools(actor, pairing.helper, pairing.school),
        _("Your role cannot record activities of this pair."),
    )
    if held_on < pairing.starts_on or (pairing.ends_on and held_on > pairing.ends_on):
        raise SupportError(_("the activity falls outside the pairing's period"))
    if kind not in ActivityKind.values:
        raise SupportError(_("unknown kind of activity %(kind)s") % {"kind": kind})
    if not description.strip():
        raise SupportError(_("describe the activity"))
    activity = PairingActivity.objects.create(
        pairing=pairing, held_on=held_on, kind=kind, description=description.strip()
    )
    _audit(actor, AuditAction.CREATE, activity)
    return activity
