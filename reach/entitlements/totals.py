"""Totals of a run (group-by queries over its lines) and the difference between two sets of
lines, as stored on EntitlementRun.totals and EntitlementRun.diff."""

from collections.abc import Sequence

from django.db.models import Count, IntegerField, QuerySet, Sum

from reach.entitlements.models import EntitlementLine, EntitlementRun
from reach.policy.amounts import split_funding
from reach.policy.models import Benefit

DIFF_LIMIT = 1000  # entries kept per list of the diff; the counts are always complete


def run_totals(
    run: EntitlementRun,
    *,
    benefits: Sequence[Benefit],
    warnings: Sequence[str] = (),
    lines: QuerySet[EntitlementLine] | None = None,
) -> dict:
    """Lines and amounts by benefit, by unit (the household's) and by funding source, each
    with its currency; group-by queries over the run's lines (or over `lines`, a part of
    them)."""
    lines = (run.lines.all() if lines is None else lines).order_by()
    by_benefit = [
        {
            "policy": row["policy_code"],
            "benefit": row["benefit_code"],
            "currency": row["currency"],
            "lines": row["lines"],
            "amount_minor": row["amount_minor"],
        }
        for row in lines.values("policy_code", "benefit_code", "currency")
        .annotate(lines=Count("id"), amount_minor=Sum("amount_minor"))
        .order_by("policy_code", "benefit_code", "currency")
    ]
    by_unit = [
        {
            "unit": row["unit__code"],
            "currency": row["currency"],
            "lines": row["lines"],
            "amount_minor": row["amount_minor"],
        }
        for row in lines.values("unit__code", "currency")
        .annotate(lines=Count("id"), amount_minor=Sum("amount_minor"))
        .order_by("unit__code", "currency")
    ]
    shares = {benefit.pk: benefit.funding for benefit in benefits}
    funding: dict[tuple[str, str], int] = {}
    amounts = lines.values("benefit_id", "amount_minor", "currency").annotate(
        count=Count("id", output_field=IntegerField())
    )
    for row in amounts:
        for source, part in split_funding(row["amount_minor"], shares[row["benefit_id"]]):
            key = (source, row["currency"])
            funding[key] = funding.get(key, 0) + part * row["count"]
    by_funding = [
        {"source": source, "currency": currency, "amount_minor": minor}
        for (source, currency), minor in sorted(funding.items())
    ]
    amount_by_currency: dict[str, int] = {}
    for row in by_benefit:
        currency = row["currency"]
        amount_by_currency[currency] = amount_by_currency.get(currency, 0) + row["amount_minor"]
    return {
        "lines": sum(row["lines"] for row in by_benefit),
        "persons": lines.values("person").distinct().count(),
        "amount_minor": amount_by_currency,
        "by_benefit": by_benefit,
        "by_unit": by_unit,
        "by_funding": by_funding,
        "warnings": list(warnings),
    }


def line_diff(
    before: dict[tuple[int, str, str], int], after: dict[tuple[int, str, str], int]
) -> dict:
    """Lines added, removed and with a changed amount, by (person, policy, benefit); each list
    keeps its first DIFF_LIMIT entries, the counts are complete."""

    def entry(key: tuple[int, str, str], **amounts) -> dict:
        person, policy, benefit = key
        return {"person": person, "policy": policy, "benefit": benefit, **amounts}

    added = sorted(key for key in after if key not in before)
    removed = sorted(key for key in before if key not in after)
    changed = sorted(key for key in after if key in before and before[key] != after[key])
    return {
        "added": [entry(key, amount_minor=after[key]) for key in added[:DIFF_LIMIT]],
        "removed": [entry(key, amount_minor=before[key]) for key in removed[:DIFF_LIMIT]],
        "changed": [
            entry(key, before=before[key], after=after[key]) for key in changed[:DIFF_LIMIT]
        ],
        "counts": {
            "added": len(added),
            "removed": len(removed),
            "changed": len(changed),
            "unchanged": len(after) - len(added) - len(changed),
        },
        "truncated": max(len(added), len(removed), len(changed)) > DIFF_LIMIT,
    }
