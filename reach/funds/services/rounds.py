"""Scholarship rounds: create, draw candidates, nominate, rank, submit, approve, publish, award.

- The draw is one INSERT ... SELECT over `round_facts` filtered by the round's criteria
  compiled to SQL (`rounds_criteria.criteria_q`): the score (the points of the rules that
  held), which rules held (one bit each) and the tier's amount are columns of that statement;
  no pupil is looked at one at a time.
- The ranking reads the candidates once in order (score, then person) and gives each its
  outcome: selected while its school's and its ward's quotas and the budget allow, else why
  not; a pupil already awarded for the round's purpose and year (by an exclusive round) is
  passed over.
- Maker-checker: the maker (who created or submitted the round) never approves it.
- An award pays the candidate's amount from the fund's free cash through `spend_to_student`
  (the ledger: the fund never goes below zero, one idempotency key per round and pupil), and
  the total awarded never exceeds the budget. Every step is audited.
"""

import datetime as dt
import sqlite3
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, F, IntegerField, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction, Role
from reach.accounts.models import User
from reach.accounts.permissions import holds_role, require
from reach.accounts.scoping import restrict, under_paths
from reach.accounts.services import record_audit_event
from reach.common.errors import Conflict, DomainError, OutOfScope
from reach.funds.choices import (
    CandidateOutcome,
    CandidateSource,
    RoundObjectionStatus,
    RoundStatus,
)
from reach.funds.models import Fund, RoundAward, RoundCandidate, ScholarshipRound
from reach.funds.permissions import can_spend_from
from reach.funds.rounds_criteria import (
    ROUND_COLUMNS,
    criteria_hold,
    criteria_q,
    fields_used,
    round_facts,
    score_of,
    tier_amount,
    validate_criteria,
    validate_score_rules,
    validate_tiers,
)
from reach.funds.services.ledger import FundError, lock_fund
from reach.funds.services.spending import spend_to_student
from reach.indicators.parameters import indicator_parameters
from reach.policy.facts import facts_of
from reach.registry.models import Enrolment

REFERENCE = "funds.roundaward"


class RoundError(DomainError):
    """A round the rules refuse; the message says why."""


class RoundFrozen(RoundError, Conflict):
    """The round is no longer a draft (or not yet approved) for this step."""


# -- permissions ----------------------------------------------------------------------------


def can_manage_round(user: User | None, fund: Fund) -> bool:
    """Create, draw, submit, approve and award: the fund's officers (as for spending)."""
    return can_spend_from(user, fund)


def can_nominate(user: User | None, round_: ScholarshipRound, enrolment: Enrolment) -> bool:
    """A ward officer or office over the pupil's home, or the staff of the pupil's school."""
    home = enrolment.person.household.unit.path
    return holds_role(user, {Role.OFFICE, Role.WARD_OFFICER}, over=home) or (
        enrolment.school_id is not None
        and holds_role(user, {Role.SCHOOL_STAFF}, school_id=enrolment.school_id)
    )


# -- create ---------------------------------------------------------------------------------


@dataclass
class RoundInput:
    code: str
    names: dict
    school_year: int
    budget_minor: int
    criteria: dict
    score_rules: list
    tiers: list
    purpose: str = "scholarships"
    exclusive: bool = True
    quota_per_school: int | None = None
    quota_per_unit: int | None = None
    extra: dict = field(default_factory=dict)


def _check_input(data: RoundInput) -> None:
    errors = (
        validate_criteria(data.criteria)
        + validate_score_rules(data.score_rules)
        + validate_tiers(data.tiers)
    )
    if data.budget_minor <= 0:
        errors.append(_("the budget must be more than 0"))
    if not data.code.strip():
        errors.append(_("a round needs a code"))
    if errors:
        raise RoundError("; ".join(errors))


def _snapshot(round_: ScholarshipRound) -> dict:
    return {
        "code": round_.code,
        "fund": round_.fund.code,
        "school_year": round_.school_year,
        "purpose": round_.purpose,
        "exclusive": round_.exclusive,
        "budget_minor": round_.budget_minor,
        "criteria": round_.criteria,
        "score_rules": round_.score_rules,
        "tiers": round_.tiers,
        "quota_per_school": round_.quota_per_school,
        "quota_per_unit": round_.quota_per_unit,
        "status": round_.status,
    }


def create_round(*, actor: User, fund: Fund, data: RoundInput) -> ScholarshipRound:
    require(can_manage_round(actor, fund), _("Your role cannot open a round of this fund."))
    _check_input(data)
    with transaction.atomic():
        round_ = ScholarshipRound.objects.create(
            fund=fund,
            code=data.code.strip(),
            names=data.names,
            school_year=data.school_year,
            purpose=data.purpose,
            exclusive=data.exclusive,
            budget_minor=data.budget_minor,
            criteria=data.criteria,
            score_rules=data.score_rules,
            tiers=data.tiers,
            quota_per_school=data.quota_per_school,
            quota_per_unit=data.quota_per_unit,
            created_by=actor if actor.pk else None,
        )
        record_audit_event(
            actor=actor, action=AuditAction.CREATE, obj=round_, after=_snapshot(round_)
        )
    return round_


def _lock_round(round_id: int) -> ScholarshipRound:
    return (
        ScholarshipRound.objects.select_for_update(of=("self",))
        .select_related("fund__unit")
        .get(pk=round_id)
    )


def _reference_date(round_: ScholarshipRound) -> dt.date:
    return indicator_parameters().reference_date(round_.school_year)


# -- the draw -------------------------------------------------------------------------------


def _score_expressions(round_: ScholarshipRound) -> tuple:
    day = _reference_date(round_)
    rules = [(criteria_q(r["when"], reference_date=day), r["points"]) for r in round_.score_rules]

    def total(value_of: Callable[[int, int], int]) -> Any:
        parts = [
            Case(
                When(q, then=Value(value_of(i, pts))), default=Value(0), output_field=IntegerField()
            )
            for i, (q, pts) in enumerate(rules)
        ]
        return sum(parts[1:], parts[0]) if parts else Value(0, output_field=IntegerField())

    return total(lambda _i, pts: pts), total(lambda i, _pts: 1 << i)


def _tiers_sql(round_: ScholarshipRound, score: str) -> tuple[str, str, list]:
    """The tier's amount for the column `score` (that of the highest tier it reaches, 0 below
    them all, as `tier_amount`) and the outcome the draw writes (below tiers for 0, else
    budget until the ranking), as SQL with their parameters."""
    tiers = sorted(round_.tiers, key=lambda t: -t["min_score"])
    whens = " ".join(f"WHEN {score} >= %s THEN %s" for _ in tiers)
    amount, outcome = f"CASE {whens} ELSE 0 END", f"CASE {whens} ELSE %s END"
    below, budget = CandidateOutcome.BELOW_TIERS.value, CandidateOutcome.BUDGET.value
    params: list = [v for t in tiers for v in (t["min_score"], t["amount_minor"])]
    params += [v for t in tiers for v in (t["min_score"], budget if t["amount_minor"] else below)]
    return amount, outcome, [*params, below]


def candidate_facts(round_: ScholarshipRound, *, in_area: bool = True) -> QuerySet[Enrolment]:
    """The facts of the pupils living in the fund's area (of every pupil without `in_area`),
    with the round columns its criteria and rules use."""
    used = fields_used(round_.criteria) if round_.criteria else set()
    for rule in round_.score_rules:
        used |= fields_used(rule["when"])
    return round_facts(
        school_year=round_.school_year,
        unit_path=round_.fund.unit.path if in_area else None,
        used=used,
    )


def _selection(round_: ScholarshipRound) -> QuerySet:
    facts = candidate_facts(round_)
    if round_.criteria:
        facts = facts.filter(criteria_q(round_.criteria, reference_date=_reference_date(round_)))
    score, bits = _score_expressions(round_)
    return (
        facts.annotate(score=score)
        .annotate(
            c_round=Value(round_.pk),
            c_unit=F("person__household__unit_id"),
            c_source=Value(CandidateSource.REGISTRY.value),
            c_note=Value(""),
            c_bits=bits,
        )
        .values(
            "c_round",
            "person_id",
            "pk",
            "school_id",
            "c_unit",
            "c_source",
            "c_note",
            "score",
            "c_bits",
        )
        .order_by()
    )


def _materialized() -> str:
    """A CTE the database computes once (PostgreSQL 12, SQLite 3.35); older SQLite copies it
    into the query, which gives the same rows, only slower."""
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 35):
        return ""
    return "MATERIALIZED "


def _insert_candidates(round_: ScholarshipRound) -> int:
    """One INSERT ... SELECT (a pupil enrolled twice that year keeps the first enrolment). The
    score is computed once per pupil, in a materialised CTE, and the tier's amount and the
    outcome are read from it: as columns of the same SELECT, the database copied the score's
    expression (its subqueries included) into each tier's test, eight times a pupil."""
    table = connection.ops.quote_name(RoundCandidate._meta.db_table)
    columns = (
        "round_id, person_id, enrolment_id, school_id, unit_id, source, note, score, "
        "rule_bits, amount_minor, outcome"
    )
    sql, params = _selection(round_).query.sql_with_params()
    amount, outcome, tier_params = _tiers_sql(round_, "s.score")
    # WHERE true: SQLite's parser needs it before an upsert's ON CONFLICT.
    conflict = "WHERE true ON CONFLICT (round_id, person_id) DO NOTHING"
    with connection.cursor() as cursor:
        # Only this module's table and column names are interpolated; values are parameters.
        cursor.execute(
            f"INSERT INTO {table} ({columns}) WITH s AS {_materialized()}({sql}) "  # noqa: S608
            "SELECT s.c_round, s.person_id, s.pk, s.school_id, s.c_unit, s.c_source, s.c_note, "
            f"s.score, s.c_bits, {amount}, {outcome} FROM s {conflict}",
            [*params, *tier_params],
        )
        return max(cursor.rowcount, 0)


def _delete_drawn(round_: ScholarshipRound) -> None:
    """The draft's drawn candidates, deleted by one statement (a draft has no awards)."""
    table = connection.ops.quote_name(RoundCandidate._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE round_id = %s AND source = %s",  # noqa: S608
            [round_.pk, CandidateSource.REGISTRY.value],
        )


def draw_candidates(*, actor: User, round_: ScholarshipRound) -> int:
    """Replace the round's drawn candidates by the registry's pupils who meet its criteria
    now (nominated ones stay), then rank. Returns the number drawn."""
    require(can_manage_round(actor, round_.fund), _("Your role cannot draw this round."))
    with transaction.atomic():
        locked = _lock_round(round_.pk)
        if locked.status != RoundStatus.DRAFT:
            raise RoundFrozen(_("only a draft round is drawn again"))
        _delete_drawn(locked)
        drawn = _insert_candidates(locked)
        locked.drawn_at = timezone.now()
        locked.save(update_fields=["drawn_at"])
        outcomes = rank(
            locked, fresh=not locked.candidates.filter(source=CandidateSource.NOMINATED).exists()
        )
        record_audit_event(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            reason="draw",
            after={"drawn": drawn, "outcomes": outcomes},
        )
    return drawn


def _awarded_elsewhere(round_: ScholarshipRound) -> set[int]:
    if not round_.exclusive:
        return set()
    return set(
        RoundAward.objects.filter(
            school_year=round_.school_year, purpose=round_.purpose, exclusive=True
        )
        .exclude(round=round_)
        .values_list("person_id", flat=True)
    )


def rank(round_: ScholarshipRound, *, fresh: bool = False) -> dict[str, int]:
    """Give every candidate its outcome, reading them once by score (then person): selected
    while the quotas and the budget allow. `fresh`: every outcome is still the one the draw
    wrote. Returns the count of each outcome."""
    taken = _awarded_elsewhere(round_)
    remaining = round_.budget_minor
    schools: Counter = Counter()
    units: Counter = Counter()
    changed: dict[str, list[int]] = {o.value: [] for o in CandidateOutcome}
    counts: Counter = Counter()
    rows = (
        round_.candidates.order_by("-score", "person_id")
        .values_list("pk", "person_id", "school_id", "unit_id", "amount_minor")
        .iterator(chunk_size=5000)
    )
    for pk, person_id, school_id, unit_id, amount in rows:
        if person_id in taken:
            outcome = CandidateOutcome.ALREADY_AWARDED
        elif amount <= 0:
            outcome = CandidateOutcome.BELOW_TIERS
        elif round_.quota_per_school is not None and (
            school_id is not None and schools[school_id] >= round_.quota_per_school
        ):
            outcome = CandidateOutcome.SCHOOL_QUOTA
        elif round_.quota_per_unit is not None and units[unit_id] >= round_.quota_per_unit:
            outcome = CandidateOutcome.UNIT_QUOTA
        elif amount > remaining:
            outcome = CandidateOutcome.BUDGET
        else:
            outcome = CandidateOutcome.SELECTED
            schools[school_id] += 1
            units[unit_id] += 1
            remaining -= amount
        counts[outcome.value] += 1
        # The draw wrote "below tiers" for an amount of 0 and "budget" for the rest: only
        # the others are written again.
        default = CandidateOutcome.BELOW_TIERS if amount <= 0 else CandidateOutcome.BUDGET
        if outcome != default or not fresh:
            changed[outcome.value].append(pk)
    _write_outcomes(changed)
    return dict(counts)


def _write_outcomes(outcomes: dict[str, list[int]]) -> None:
    """Each candidate's outcome, through a temporary table: one UPDATE whatever their number."""
    if not any(outcomes.values()):
        return
    table = connection.ops.quote_name(RoundCandidate._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS round_outcome")
        cursor.execute(
            "CREATE TEMPORARY TABLE round_outcome (id bigint PRIMARY KEY, outcome varchar(16))"
        )
        cursor.executemany(
            "INSERT INTO round_outcome VALUES (%s, %s)",
            [(pk, outcome) for outcome, ids in outcomes.items() for pk in ids],
        )
        cursor.execute(
            f"UPDATE {table} SET outcome = (SELECT o.outcome FROM round_outcome o "  # noqa: S608
            f"WHERE o.id = {table}.id) WHERE id IN (SELECT id FROM round_outcome)"
        )
        cursor.execute("DROP TABLE round_outcome")


# -- nominations ----------------------------------------------------------------------------


def nominate(
    *, actor: User, round_: ScholarshipRound, person_id: int, note: str = ""
) -> RoundCandidate:
    """Add a pupil a school or a ward puts forward. The pupil must be enrolled that year,
    live or study in the fund's area and meet the round's criteria (the refusal says which
    part failed); the same score rules rank them."""
    enrolment = (
        restrict(Enrolment.objects.all(), actor)
        .select_related("person__household__unit", "school__unit")
        .filter(person_id=person_id, school_year=round_.school_year, status="enrolled")
        .order_by("pk")
        .first()
    )
    if enrolment is None:
        raise OutOfScope(_("no pupil %(id)s enrolled that year") % {"id": person_id})
    require(can_nominate(actor, round_, enrolment), _("Your role cannot nominate this pupil."))
    area = round_.fund.unit.path
    lives = under_paths("person__household__unit__path", (area,))
    studies = under_paths("school__unit__path", (area,))
    facts_row = (
        candidate_facts(round_, in_area=False)
        .filter(pk=enrolment.pk)
        .filter(lives | studies)
        .values()
        .first()
    )
    if facts_row is None:
        raise RoundError(_("the pupil neither lives nor studies in the fund's area"))
    facts = _python_facts(round_, facts_row)
    if round_.criteria and not criteria_hold(round_.criteria, facts):
        raise RoundError(_("the pupil does not meet the round's criteria"))
    score, bits = score_of(round_.score_rules, facts)
    with transaction.atomic():
        locked = _lock_round(round_.pk)
        if locked.status != RoundStatus.DRAFT:
            raise RoundFrozen(_("nominations close when the round is submitted"))
        candidate, created = RoundCandidate.objects.get_or_create(
            round=locked,
            person_id=person_id,
            defaults={
                "enrolment_id": enrolment.pk,
                "school_id": enrolment.school_id,
                "unit_id": enrolment.person.household.unit_id,
                "source": CandidateSource.NOMINATED,
                "nominated_by": actor if actor.pk else None,
                "note": note[:300],
                "score": score,
                "rule_bits": bits,
                "amount_minor": tier_amount(locked.tiers, score),
            },
        )
        if not created:
            raise RoundError(_("the pupil is already a candidate of this round"))
        record_audit_event(
            actor=actor,
            action=AuditAction.CREATE,
            obj=candidate,
            household_id=enrolment.person.household_id,
            after={"round": locked.code, "person": person_id, "score": score, "note": note},
        )
        rank(locked)
    candidate.refresh_from_db()
    return candidate


def _python_facts(round_: ScholarshipRound, row: Mapping[str, Any]) -> dict:
    facts = facts_of(row, reference_date=_reference_date(round_))
    for column in ROUND_COLUMNS:
        if column in row:
            facts[column] = row[column]
    return facts


# -- maker-checker --------------------------------------------------------------------------


def submit_round(*, actor: User, round_: ScholarshipRound) -> ScholarshipRound:
    require(can_manage_round(actor, round_.fund), _("Your role cannot submit this round."))
    with transaction.atomic():
        locked = _lock_round(round_.pk)
        if locked.status != RoundStatus.DRAFT:
            raise RoundFrozen(_("only a draft round is submitted"))
        if locked.drawn_at is None and not locked.candidates.exists():
            raise RoundError(_("draw the candidates before submitting"))
        locked.status = RoundStatus.SUBMITTED
        locked.submitted_by = actor if actor.pk else None
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["status", "submitted_by", "submitted_at"])
        record_audit_event(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            reason="submit",
            after={"status": locked.status, "outcomes": outcome_counts(locked)},
        )
    return locked


def approve_round(*, actor: User, round_: ScholarshipRound) -> ScholarshipRound:
    """The checker approves: never the round's maker (who created or submitted it)."""
    require(can_manage_round(actor, round_.fund), _("Your role cannot approve this round."))
    with transaction.atomic():
        locked = _lock_round(round_.pk)
        if locked.status != RoundStatus.SUBMITTED:
            raise RoundFrozen(_("only a submitted round is approved"))
        if actor.pk in (locked.created_by_id, locked.submitted_by_id):
            raise RoundError(_("the maker of a round cannot approve it; another officer must"))
        locked.status = RoundStatus.APPROVED
        locked.approved_by = actor
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        record_audit_event(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            reason="approve",
            after={"status": locked.status},
        )
    return locked


def return_round(*, actor: User, round_: ScholarshipRound, reason: str) -> ScholarshipRound:
    """The checker sends a submitted round back to its maker as a draft."""
    require(can_manage_round(actor, round_.fund), _("Your role cannot return this round."))
    if not reason.strip():
        raise RoundError(_("say why the round goes back"))
    with transaction.atomic():
        locked = _lock_round(round_.pk)
        if locked.status != RoundStatus.SUBMITTED:
            raise RoundFrozen(_("only a submitted round is returned"))
        locked.status = RoundStatus.DRAFT
        locked.save(update_fields=["status"])
        record_audit_event(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            reason=reason.strip(),
            after={"status": locked.status},
        )
    return locked


# The objection period of a round's notice, in days (to confirm: no seed or policy file says
# how long a fund's notice is posted; the entitlements' notice takes 7 days by default).
DEFAULT_OBJECTION_DAYS = 7


def publish_round(
    *,
    actor: User,
    round_: ScholarshipRound,
    objection_days: int = DEFAULT_OBJECTION_DAYS,
    today: dt.date | None = None,
) -> ScholarshipRound:
    """Publish the approved round's notice: objections are taken from `today` for
    `objection_days` days (to `objections_until` included); the awards are paid after that.
    Publishing again changes nothing."""
    require(can_manage_round(actor, round_.fund), _("Your role cannot publish this round."))
    if not 0 <= objection_days <= 90:
        raise RoundError(_("an objection period lasts 0 to 90 days"))
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _lock_round(round_.pk)
        if locked.status != RoundStatus.APPROVED:
            raise RoundFrozen(_("only an approved round's notice is published"))
        if locked.published_at is None:
            locked.published_at = timezone.now()
            locked.objections_until = today + dt.timedelta(days=objection_days)
            locked.save(update_fields=["published_at", "objections_until"])
            record_audit_event(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=locked,
                reason="publish",
                after={
                    "published_at": locked.published_at.isoformat(),
                    "objections_until": locked.objections_until.isoformat(),
                },
            )
    return locked


def payable_from(round_: ScholarshipRound) -> dt.date | None:
    """The first day the round's awards may be paid: the day after its objection period; None
    while its notice is not published."""
    if round_.published_at is None or round_.objections_until is None:
        return None
    return round_.objections_until + dt.timedelta(days=1)


def require_awards_final(round_: ScholarshipRound, today: dt.date) -> None:
    """Refuse (RoundFrozen) while the round's awards are not final: the round not approved, its
    notice not published, its objection period not over, or an objection still open."""
    if round_.status != RoundStatus.APPROVED:
        raise RoundFrozen(_("a round is paid once approved"))
    first_day = payable_from(round_)
    if first_day is None:
        raise RoundFrozen(_("a round is paid once its public notice is published"))
    if today < first_day:
        raise RoundFrozen(
            _("objections are taken until %(day)s: the awards are paid after that")
            % {"day": round_.objections_until.isoformat() if round_.objections_until else ""}
        )
    still_open = round_.objections.filter(status=RoundObjectionStatus.OPEN).count()
    if still_open:
        raise RoundFrozen(
            _("%(count)s objections to the notice are still open: resolve them first")
            % {"count": still_open}
        )


def outcome_counts(round_: ScholarshipRound) -> dict[str, int]:
    rows = round_.candidates.values("outcome").annotate(n=Count("pk")).order_by()
    return {row["outcome"]: row["n"] for row in rows}


# -- awards ---------------------------------------------------------------------------------


@dataclass
class AwardResult:
    paid: list[RoundAward] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (person, why)


def _award_one(
    *, actor: User, round_: ScholarshipRound, candidate: RoundCandidate, on: dt.date
) -> RoundAward:
    with transaction.atomic():
        locked = _lock_round(round_.pk)
        lock_fund(locked.fund_id)
        done = RoundAward.objects.filter(round=locked, person=candidate.person_id).first()
        if done is not None:
            return done
        if not locked.candidates.filter(
            pk=candidate.pk, outcome=CandidateOutcome.SELECTED
        ).exists():  # withdrawn on an objection meanwhile
            raise RoundError(_("the award was withdrawn on an objection"))
        if (
            locked.exclusive
            and RoundAward.objects.filter(
                person=candidate.person_id,
                school_year=locked.school_year,
                purpose=locked.purpose,
                exclusive=True,
            ).exists()
        ):
            raise RoundError(_("already awarded for this purpose this school year"))
        awarded = locked.awards.aggregate(s=Sum("amount_minor"))["s"] or 0
        if awarded + candidate.amount_minor > locked.budget_minor:
            raise RoundError(_("the award would exceed the round's budget"))
        txn = spend_to_student(
            actor=actor,
            fund=locked.fund,
            recipient_id=candidate.person_id,
            amount_minor=candidate.amount_minor,
            idempotency_key=f"round-{locked.pk}-person-{candidate.person_id}",
            occurred_on=on,
            purpose=locked.purpose,
            reason=f"{locked.code}",
            reference_type=REFERENCE,
            reference_id=candidate.pk,
        )
        award = RoundAward.objects.create(
            round=locked,
            candidate=candidate,
            person_id=candidate.person_id,
            school_year=locked.school_year,
            purpose=locked.purpose,
            exclusive=locked.exclusive,
            amount_minor=candidate.amount_minor,
            transaction=txn,
            awarded_by=actor if actor.pk else None,
        )
        record_audit_event(
            actor=actor,
            action=AuditAction.CREATE,
            obj=award,
            household_id=candidate.person.household_id,
            after={
                "round": locked.code,
                "person": candidate.person_id,
                "amount_minor": award.amount_minor,
                "transaction": txn.pk,
            },
        )
        return award


def award_round(
    *,
    actor: User,
    round_: ScholarshipRound,
    on: dt.date,
    person_ids: list[int] | None = None,
    today: dt.date | None = None,
) -> AwardResult:
    """Once the awards are final (`require_awards_final` on `today`, the real date unless
    given), pay every selected candidate not yet paid (or those of `person_ids`): each award its own
    transaction, so a refusal (the fund's cash runs out, a pupil already awarded elsewhere)
    stops nobody else's and is reported by pupil. Running it again pays no one twice."""
    require(can_manage_round(actor, round_.fund), _("Your role cannot pay this round."))
    round_.refresh_from_db(fields=["status", "published_at", "objections_until"])
    require_awards_final(round_, today or timezone.localdate())
    candidates = (
        round_.candidates.filter(outcome=CandidateOutcome.SELECTED, award__isnull=True)
        .select_related("person")
        .order_by("-score", "person_id")
    )
    if person_ids is not None:
        candidates = candidates.filter(person_id__in=person_ids)
    result = AwardResult()
    for candidate in candidates:
        try:
            result.paid.append(_award_one(actor=actor, round_=round_, candidate=candidate, on=on))
        except (DomainError, IntegrityError) as error:
            if isinstance(error, IntegrityError):
                message = _("already awarded for this purpose this school year")
            else:
                message = str(error)
            result.refused.append((candidate.person_id, message))
            record_audit_event(
                actor=actor,
                action=AuditAction.REFUSED,
                obj=candidate,
                household_id=candidate.person.household_id,
                reason=message,
                after={"round": round_.code, "person": candidate.person_id},
            )
    return result


__all__ = [
    "AwardResult",
    "FundError",
    "RoundError",
    "RoundFrozen",
    "RoundInput",
    "approve_round",
    "award_round",
    "create_round",
    "draw_candidates",
    "nominate",
    "payable_from",
    "publish_round",
    "rank",
    "require_awards_final",
    "return_round",
    "submit_round",
]
