"""Totals of a run (group-by queries over its lines), as stored on EntitlementRun.totals; the
difference between two sets of lines (EntitlementRun.diff) is computed by engine.line_diff."""

from collections.abc import Sequence

from django.db.models import Count, IntegerField, QuerySet

from reach.entitlements.models import EntitlementLine, EntitlementRun
from reach.geo.models import Unit
from reach.policy.amounts import split_funding
from reach.policy.models import Benefit

DIFF_LIMIT = 1000  # entries kept per list of the diff; the counts are always complete


def line_groups(lines: QuerySet[EntitlementLine]) -> list[dict]:
    """The lines counted by benefit, unit and amount: one scan, every total adds up these
    groups (keys sort in code-point order, the same on every database)."""
    groups = lines.order_by().values(
        "policy_code", "benefit_code", "benefit_id", "currency", "unit_id", "amount_minor"
    )
    return list(groups.annotate(lines=Count("id", output_field=IntegerField())))


def run_totals(
    run: EntitlementRun,
    *,
    benefits: Sequence[Benefit],
    warnings: Sequence[str] = (),
    lines: QuerySet[EntitlementLine] | None = None,
    persons: int | None = None,
    groups: Sequence[dict] | None = None,
) -> dict:
    """Lines and amounts by benefit, by unit (the household's) and by funding source, each
    with its currency; group-by queries over the run's lines (or over `lines`, a part of
    them), or sums of `groups` already counted as `line_groups` counts them. `persons`, when
    the caller knows how many pupils the lines are for, spares counting them over the lines."""
    lines = (run.lines.all() if lines is None else lines).order_by()
    rows = line_groups(lines) if groups is None else list(groups)
    # The unit codes looked up once per unit rather than joined to every line.
    codes = dict(
        Unit.objects.filter(pk__in={row["unit_id"] for row in rows}).values_list("pk", "code")
    )
    benefit_sums: dict[tuple[str, str, str], list[int]] = {}
    unit_sums: dict[tuple[str, str], list[int]] = {}
    shares = {benefit.pk: benefit.funding for benefit in benefits}
    funding: dict[tuple[str, str], int] = {}
    for row in rows:
        count, currency = row["lines"], row["currency"]
        amount = row["amount_minor"] * count
        for sums, key in (
            (benefit_sums, (row["policy_code"], row["benefit_code"], currency)),
            (unit_sums, (codes[row["unit_id"]], currency)),
        ):
            total = sums.setdefault(key, [0, 0])
            total[0] += count
            total[1] += amount
        for source, part in split_funding(row["amount_minor"], shares[row["benefit_id"]]):
            funding[(source, currency)] = funding.get((source, currency), 0) + part * count
    by_benefit = [
        {"policy": policy, "benefit": benefit, "currency": currency, "lines": count,
         "amount_minor": minor}
        for (policy, benefit, currency), (count, minor) in sorted(benefit_sums.items())
    ]  # fmt: skip
    by_unit = [
        {"unit": unit, "currency": currency, "lines": count, "amount_minor": minor}
        for (unit, currency), (count, minor) in sorted(unit_sums.items())
    ]
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
        "persons": lines.values("person").distinct().count() if persons is None else persons,
        "amount_minor": amount_by_currency,
        "by_benefit": by_benefit,
        "by_unit": by_unit,
        "by_funding": by_funding,
        "warnings": list(warnings),
    }
