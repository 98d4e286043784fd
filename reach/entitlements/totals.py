"""Totals of a run (group-by queries over its lines), as stored on EntitlementRun.totals; the
difference between two sets of lines (EntitlementRun.diff) is computed by engine.line_diff."""

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

