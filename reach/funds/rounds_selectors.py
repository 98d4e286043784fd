"""Reads of scholarship rounds. A round is seen as its fund is (its unit and the units above,
the staff of the schools in it); its candidates and awards each as their pupil is (the
household's unit, the pupil's school), so a ward sees only its own pupils of a district round.
"""

from django.db.models import Count, Q, QuerySet, Sum

from reach.accounts.models import User
from reach.accounts.scoping import restrict
from reach.common.languages import lang_key
from reach.funds.choices import CandidateOutcome
from reach.funds.models import RoundAward, RoundCandidate, RoundObjection, ScholarshipRound
from reach.funds.rounds_criteria import describe_criteria


def rounds_for_user(user: User | None) -> QuerySet[ScholarshipRound]:
    return restrict(ScholarshipRound.objects.all(), user).select_related("fund__unit")


def get_round_for_user(user: User | None, round_id: int) -> ScholarshipRound | None:
    return rounds_for_user(user).filter(pk=round_id).first()


def candidates_for_user(user: User | None, round_: ScholarshipRound) -> QuerySet[RoundCandidate]:
    """The round's candidates `user` may see, ranked (score, then person)."""
    return (
        restrict(RoundCandidate.objects.filter(round=round_), user)
        .select_related("person", "school", "unit")
        .order_by("-score", "person_id")
    )


def awards_for_user(user: User | None, round_: ScholarshipRound) -> QuerySet[RoundAward]:
    return restrict(RoundAward.objects.filter(round=round_), user).select_related("person")


def score_parts(round_: ScholarshipRound, candidate: RoundCandidate, lang: str = "en") -> list:
    """The score rules that held for the candidate, each with its points: the score's parts."""
    parts = []
    for index, rule in enumerate(round_.score_rules):
        if candidate.rule_bits & (1 << index):
            labels = rule.get("labels") or {}
            words = labels.get(lang_key(lang)) or describe_criteria(rule["when"], lang)
            parts.append({"rule": index, "label": words, "points": rule["points"]})
    return parts


def round_totals(round_: ScholarshipRound) -> dict:
    """Selected candidates and their amounts, awards paid and the budget left."""
    selected = round_.candidates.filter(outcome=CandidateOutcome.SELECTED).aggregate(
        n=Count("pk"), total=Sum("amount_minor")
    )
    paid = round_.awards.aggregate(n=Count("pk"), total=Sum("amount_minor"))
    return {
        "candidates": round_.candidates.count(),
        "selected": selected["n"],
        "selected_minor": selected["total"] or 0,
        "awards": paid["n"],
        "awarded_minor": paid["total"] or 0,
        "budget_left_minor": round_.budget_minor - (paid["total"] or 0),
        "outcomes": dict(
            round_.candidates.values_list("outcome")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("outcome", "n")
        ),
    }


def public_notice_rows(round_: ScholarshipRound) -> QuerySet[RoundCandidate]:
    """The selected pupils, as the public notice lists them (masked by the notice)."""
    return (
        round_.candidates.filter(Q(outcome=CandidateOutcome.SELECTED))
        .select_related("person", "school", "unit")
        .order_by("unit__path", "-score", "person_id")
    )


def objections_for_user(user: User | None, round_: ScholarshipRound) -> QuerySet[RoundObjection]:
    """The objections to the round's notice whose pupil `user` may see, latest first."""
    return restrict(RoundObjection.objects.filter(round=round_), user).select_related(
        "candidate__person", "candidate__school", "candidate__unit"
    )
