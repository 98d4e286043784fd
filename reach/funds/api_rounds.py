"""Scholarship rounds under /api/v1/funds/rounds: the rounds a caller sees, one round with its
totals, its ranked candidates with each score's parts (only the pupils the caller may see),
opening a round of a fund, and the steps: draw, nominate, submit, approve, return, publish,
pay."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from reach.common.errors import found
from reach.common.languages import in_language
from reach.common.masking import mask_name
from reach.common.schemas import ERRORS, READ_ERRORS
from reach.common.schoolyear import school_year_of
from reach.funds import rounds_selectors, selectors
from reach.funds.distribution import item_stock, state_support
from reach.funds.models import ScholarshipRound
from reach.funds.round_notice import masked_line, notice_lines
from reach.funds.services.matching import suggest_students
from reach.funds.services.round_objections import (
    dismiss_round_objection,
    record_round_objection,
    uphold_round_objection,
)
from reach.funds.services.rounds import (
    DEFAULT_OBJECTION_DAYS,
    RoundError,
    RoundInput,
    approve_round,
    award_round,
    create_round,
    draw_candidates,
    nominate,
    payable_from,
    publish_round,
    return_round,
    submit_round,
)

router = Router(tags=["scholarship rounds"])


class RoundIn(Schema):
    code: str
    names: dict[str, str]
    school_year: int
    budget_minor: int
    criteria: dict
    score_rules: list[dict]
    tiers: list[dict]
    purpose: str = "scholarships"
    exclusive: bool = True
    quota_per_school: int | None = None
    quota_per_unit: int | None = None


class RoundOut(Schema):
    id: int
    code: str
    name: str
    fund: int
    school_year: int
    purpose: str
    exclusive: bool
    budget_minor: int
    currency: str
    status: str
    published: bool
    criteria: dict
    score_rules: list[dict]
    tiers: list[dict]
    quota_per_school: int | None
    quota_per_unit: int | None
    totals: dict | None = None
    objections_until: dt.date | None = None
    payable_from: dt.date | None = None


class CandidateOut(Schema):
    person: int
    full_name: str
    school: int | None
    unit: str
    source: str
    score: int
    parts: list[dict]
    amount_minor: int
    outcome: str


class NominationIn(Schema):
    person: int
    note: str = ""


class RoundReasonIn(Schema):
    reason: str


class AwardIn(Schema):
    occurred_on: dt.date


class AwardResultOut(Schema):
    paid: list[dict]
    refused: list[dict]


class RoundPaging(Schema):
    offset: int = 0
    limit: int = 100


def _round(request, round_id: int) -> ScholarshipRound:
    return found(rounds_selectors.get_round_for_user(request.user, round_id), _("No such round"))


def _out(round_: ScholarshipRound, language: str, totals: bool = False) -> dict:
    return {
        "id": round_.pk,
        "code": round_.code,
        "name": in_language(round_.names, language),
        "fund": round_.fund_id,
        "school_year": round_.school_year,
        "purpose": round_.purpose,
        "exclusive": round_.exclusive,
        "budget_minor": round_.budget_minor,
        "currency": round_.fund.currency,
        "status": round_.status,
        "published": round_.published_at is not None,
        "criteria": round_.criteria,
        "score_rules": round_.score_rules,
        "tiers": round_.tiers,
        "quota_per_school": round_.quota_per_school,
        "quota_per_unit": round_.quota_per_unit,
        "totals": rounds_selectors.round_totals(round_) if totals else None,
        "objections_until": round_.objections_until,
        "payable_from": payable_from(round_),
    }


@router.get("/funds/rounds", response={200: list[RoundOut], **READ_ERRORS})
def list_rounds(request):
    language = request.LANGUAGE_CODE
    return [_out(r, language) for r in rounds_selectors.rounds_for_user(request.user)]


@router.get("/funds/rounds/{round_id}", response={200: RoundOut, **READ_ERRORS})
def get_round(request, round_id: int):
    return _out(_round(request, round_id), request.LANGUAGE_CODE, totals=True)


@router.get(
    "/funds/rounds/{round_id}/candidates", response={200: list[CandidateOut], **READ_ERRORS}
)
def list_candidates(request, round_id: int, paging: Query[RoundPaging]):
    round_ = _round(request, round_id)
    limit = max(1, min(paging.limit, 1000))
    rows = rounds_selectors.candidates_for_user(request.user, round_)[
        max(paging.offset, 0) : max(paging.offset, 0) + limit
    ]
    return [
        {
            "person": c.person_id,
            "full_name": c.person.full_name,
            "school": c.school_id,
            "unit": c.unit.code,
            "source": c.source,
            "score": c.score,
            "parts": rounds_selectors.score_parts(round_, c, request.LANGUAGE_CODE),
            "amount_minor": c.amount_minor,
            "outcome": c.outcome,
        }
        for c in rows
    ]


@router.post("/funds/{fund_id}/rounds", response={201: RoundOut, **ERRORS})
def post_round(request, fund_id: int, payload: RoundIn):
    fund = found(selectors.get_fund_for_user(request.user, fund_id), _("No such fund"))
    round_ = create_round(actor=request.user, fund=fund, data=RoundInput(**payload.dict()))
    return 201, _out(round_, request.LANGUAGE_CODE)


def _step(request, round_id: int, action) -> dict:
    round_ = _round(request, round_id)
    action(round_)
    round_.refresh_from_db()
    return _out(round_, request.LANGUAGE_CODE, totals=True)


@router.post("/funds/rounds/{round_id}/draw", response={200: RoundOut, **ERRORS})
def post_draw(request, round_id: int):
    return _step(request, round_id, lambda r: draw_candidates(actor=request.user, round_=r))


@router.post("/funds/rounds/{round_id}/nominations", response={200: RoundOut, **ERRORS})
def post_nomination(request, round_id: int, payload: NominationIn):
    return _step(
        request,
        round_id,
        lambda r: nominate(
            actor=request.user, round_=r, person_id=payload.person, note=payload.note
        ),
    )


@router.post("/funds/rounds/{round_id}/submit", response={200: RoundOut, **ERRORS})
def post_submit(request, round_id: int):
    return _step(request, round_id, lambda r: submit_round(actor=request.user, round_=r))


@router.post("/funds/rounds/{round_id}/approve", response={200: RoundOut, **ERRORS})
def post_approve(request, round_id: int):
    return _step(request, round_id, lambda r: approve_round(actor=request.user, round_=r))


@router.post("/funds/rounds/{round_id}/return", response={200: RoundOut, **ERRORS})
def post_return(request, round_id: int, payload: RoundReasonIn):
    return _step(
        request,
        round_id,
        lambda r: return_round(actor=request.user, round_=r, reason=payload.reason),
    )


@router.post("/funds/rounds/{round_id}/publish", response={200: RoundOut, **ERRORS})
def post_publish(request, round_id: int, objection_days: int = DEFAULT_OBJECTION_DAYS):
    """Publish the approved round's notice; objections are taken for `objection_days` days and
    the awards are paid after that."""
    return _step(
        request,
        round_id,
        lambda r: publish_round(actor=request.user, round_=r, objection_days=objection_days),
    )


@router.post("/funds/rounds/{round_id}/awards", response={200: AwardResultOut, **ERRORS})
def post_awards(request, round_id: int, payload: AwardIn):
    round_ = _round(request, round_id)
    result = award_round(actor=request.user, round_=round_, on=payload.occurred_on)
    return {
        "paid": [
            {
                "person": a.person_id,
                "amount_minor": a.amount_minor,
                "transaction": a.transaction_id,
            }
            for a in result.paid
        ],
        "refused": [{"person": p, "reason": why} for p, why in result.refused],
    }


# --- matching ---


class SuggestionFilter(Schema):
    purpose: str = ""
    school_year: int | None = None
    restriction: int | None = None
    limit: int = 50


class SuggestionOut(Schema):
    person: int
    full_name: str
    enrolment: int | None = Field(
        description="The enrolment of the school year scored; none for a child out of school"
    )
    need: int
    reasons: list[str]
    state_minor: dict[str, int] = Field(
        description="What the state already pays the pupil that school year, per currency"
    )
    state_benefits: list[str]


class GoodsOut(Schema):
    item: str
    item_unit: str
    received: int
    handed_over: int
    in_stock: int


@router.get("/funds/{fund_id}/suggestions", response={200: list[SuggestionOut], **READ_ERRORS})
def list_suggestions(request, fund_id: int, filters: Query[SuggestionFilter]):
    """Pupils to suggest for a gift of the fund (its purpose unless another is given), by need,
    each with its reasons; never one already covered for the purpose (see services/matching)."""
    fund = found(selectors.get_fund_for_user(request.user, fund_id), _("No such fund"))
    restriction = (
        fund.restrictions.select_related("unit").filter(pk=filters.restriction).first()
        if filters.restriction
        else None
    )
    year = filters.school_year or school_year_of(dt.date.today())
    rows = suggest_students(
        actor=request.user,
        fund=fund,
        purpose=filters.purpose or fund.purpose,
        school_year=year,
        restriction=restriction,
        limit=max(1, min(filters.limit, 500)),
    )
    state = state_support([s.person_id for s in rows], year)
    return [
        {
            "person": s.person_id,
            "full_name": s.full_name,
            "enrolment": s.enrolment_id,
            "need": s.need,
            "reasons": list(s.reasons),
            "state_minor": state[s.person_id].total_minor if s.person_id in state else {},
            "state_benefits": state[s.person_id].benefits if s.person_id in state else [],
        }
        for s in rows
    ]


@router.get("/funds/{fund_id}/goods", response={200: list[GoodsOut], **READ_ERRORS})
def list_goods(request, fund_id: int):
    """The fund's goods by item: received (donations in kind), handed over, in stock (sums of
    the ledger's entries)."""
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    return [vars(i) for i in item_stock(fund)]


# --- public notice and objections ---


class RoundNoticeLineOut(Schema):
    line: int
    name: str = Field(description="Shortened to the family name and initials")
    school: str
    unit: str
    score: int
    amount_minor: int


class RoundNoticeOut(Schema):
    round: int
    published: bool
    objections_until: dt.date | None
    payable_from: dt.date | None
    currency: str
    lines: list[RoundNoticeLineOut]


class RoundObjectionIn(Schema):
    line: int
    raised_by: str
    reason: str
    contact: str = ""


class RoundObjectionOut(Schema):
    id: int
    line: int
    name: str
    raised_by: str
    reason: str
    status: str
    resolution: str
    recorded_at: dt.datetime
    resolved_at: dt.datetime | None


class RoundResolutionIn(Schema):
    objection: int
    decision: str = Field(description="uphold (the award withdrawn) or dismiss")
    resolution: str


def _objection_out(objection) -> dict:
    return {
        "id": objection.pk,
        "line": objection.candidate_id,
        "name": mask_name(objection.candidate.person.full_name),
        "raised_by": objection.raised_by,
        "reason": objection.reason,
        "status": objection.status,
        "resolution": objection.resolution,
        "recorded_at": objection.recorded_at,
        "resolved_at": objection.resolved_at,
    }


@router.get("/funds/rounds/{round_id}/notice", response={200: RoundNoticeOut, **READ_ERRORS})
def get_notice(request, round_id: int):
    """The round's public notice (empty before publication), masked as the documents are."""
    round_ = _round(request, round_id)
    return {
        "round": round_.pk,
        "published": round_.published_at is not None,
        "objections_until": round_.objections_until,
        "payable_from": payable_from(round_),
        "currency": round_.fund.currency,
        "lines": [masked_line(c) for c in notice_lines(round_)],
    }


@router.get(
    "/funds/rounds/{round_id}/objections", response={200: list[RoundObjectionOut], **READ_ERRORS}
)
def list_objections(request, round_id: int):
    """The objections to the round's notice whose pupil the caller may see."""
    round_ = _round(request, round_id)
    return [_objection_out(o) for o in rounds_selectors.objections_for_user(request.user, round_)]


@router.post("/funds/rounds/{round_id}/objections", response={201: RoundObjectionOut, **ERRORS})
def post_objection(request, round_id: int, payload: RoundObjectionIn):
    """Record an objection to a line of the published notice within its period (409 after)."""
    objection = record_round_objection(
        actor=request.user,
        round_=_round(request, round_id),
        candidate_id=payload.line,
        raised_by=payload.raised_by,
        reason=payload.reason,
        contact=payload.contact,
    )
    return 201, _objection_out(objection)


@router.post(
    "/funds/rounds/{round_id}/objections/resolve", response={200: RoundObjectionOut, **ERRORS}
)
def post_resolution(request, round_id: int, payload: RoundResolutionIn):
    """Uphold an open objection (the pupil's award is withdrawn) or dismiss it, saying why."""
    round_ = _round(request, round_id)
    objection = found(
        rounds_selectors.objections_for_user(request.user, round_)
        .filter(pk=payload.objection)
        .first(),
        _("No such objection"),
    )
    if payload.decision == "uphold":
        done = uphold_round_objection(
            actor=request.user, objection=objection, resolution=payload.resolution
        )
    elif payload.decision == "dismiss":
        done = dismiss_round_objection(
            actor=request.user, objection=objection, reason=payload.resolution
        )
    else:
        raise RoundError(_("decide uphold or dismiss"))
    return _objection_out(done)
