"""What a run applies: each benefit of a policy version that counts for the school year (in
force on its reference date, or for some of its months: reach.policy.timing), its amount
parsed, and the key that names a run's policies."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from reach.entitlements.errors import EntitlementError
from reach.policy.amounts import (
    TUITION_FEE,
    AmountSpec,
    InKindSpec,
    TableInfo,
    parse_amount,
    parse_in_kind,
)
from reach.policy.conditions import required_values
from reach.policy.models import Benefit, PolicyVersion
from reach.policy.selectors import list_benefits_of_version


@dataclass(frozen=True)
class BenefitPlan:
    """A benefit of a policy version that counts for the school year; `months` are the months
    its monthly amount counts when it counts the months in force (None: the amount's own), from
    `first_month` (the offset from the month the school year starts in; 0: from its start)."""

    version: PolicyVersion
    benefit: Benefit
    spec: AmountSpec
    in_kind: tuple[InKindSpec, ...]
    reference_date: dt.date
    months: int | None = None
    table_keys: tuple[str, ...] = ()  # the keys of the reference table the amount reads
    first_month: int = 0

    @property
    def policy_code(self) -> str:
        return self.version.policy.code

    @property
    def currency(self) -> str:
        return self.version.policy.currency

    @cached_property
    def levels(self) -> frozenset | None:
        """The levels the condition allows (None: any)."""
        return required_values(self.benefit.condition, "level")

    @property
    def group_columns(self) -> tuple[str, ...]:
        """The facts the amount depends on: the fee table's keys (or those of another table
        set by level and place), or the pupil's days."""
        if self.spec.of == TUITION_FEE or "unit" in self.table_keys:
            return ("level", "unit_path")
        if self.spec.days_field:
            return (self.spec.days_field,)
        return ()


def run_key(policy_codes: Iterable[str]) -> str:
    """The policy part of a run's key: the codes, sorted, comma-joined."""
    return ",".join(sorted({code.strip() for code in policy_codes if code.strip()}))


def plan_benefits(
    version: PolicyVersion, *, school_year: int, tables: Mapping[str, TableInfo] | None = None
) -> list[BenefitPlan]:
    """The benefits of `version` that count for `school_year`, in file order, amounts parsed;
    `tables`: the reference tables, whose keys say what an amount reading one depends on."""
    day = version.reference_date(school_year)
    start = version.school_year_start
    currency = version.policy.currency
    plans = []
    for benefit in list_benefits_of_version(version):
        path = f"{version.policy.code}: {benefit.code}"
        spec, errors = parse_amount(benefit.amount, path=f"{path}.amount", currency=currency)
        in_kind, kind_errors = parse_in_kind(benefit.in_kind or None, path=f"{path}.in_kind")
        if spec is None or errors or kind_errors:
            raise EntitlementError("; ".join(errors + kind_errors))
        timing = benefit.timing(start)
        if not timing.counts_for(school_year, start, spec.months):
            continue
        months = timing.months_paid(school_year, start, spec.months)
        first_month = timing.first_month_paid(school_year, start, spec.months)
        table = (tables or {}).get(spec.of or "")
        keys = table.keys if table is not None else ()
        plans.append(
            BenefitPlan(
                version, benefit, spec, tuple(in_kind), day, months, tuple(keys), first_month
            )
        )
    return plans
