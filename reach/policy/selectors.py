"""Reads of policies and reference tables (no personal data: no scoping needed)."""

from django.db.models import QuerySet

from reach.common.languages import lang_key
from reach.policy.amounts import (
    ReferenceBook,
    ReferenceRow,
    TableInfo,
    describe_amount,
    parse_amount,
)
from reach.policy.conditions import describe
from reach.policy.models import Benefit, Policy, PolicyVersion, ReferenceTable, ReferenceValue


def list_policies() -> QuerySet[Policy]:
    return Policy.objects.order_by("code")


def get_current_policy_version(code: str) -> PolicyVersion | None:
    """The latest loaded version of the policy `code`, or None."""
    return (
        PolicyVersion.objects.filter(policy__code=code)
        .select_related("policy")
        .order_by("-number")
        .first()
    )


def list_benefits_of_version(version: PolicyVersion) -> QuerySet[Benefit]:
    return version.benefits.order_by("position")


def get_reference_tables() -> dict[str, TableInfo]:
    """The loaded tables, as the loader validates percent amounts against them."""
    return {
        table.code: TableInfo(table.code, table.currency, table.per, tuple(table.keys))
        for table in ReferenceTable.objects.all()
    }


def get_reference_book() -> ReferenceBook:
    """Every loaded reference value, in memory (the tables are small): two queries."""
    tables = get_reference_tables()
    rows: dict[str, list[ReferenceRow]] = {code: [] for code in tables}
    values = ReferenceValue.objects.select_related("table").order_by("table", "id")
    for value in values:
        rows[value.table.code].append(
            ReferenceRow(value.value_minor, value.valid_from, value.school_year, value.keys)
        )
    return ReferenceBook(tables, rows)


def get_policy(code: str) -> Policy | None:
    if "\x00" in code:  # no code holds NUL, and PostgreSQL refuses to compare text with it
        return None
    return Policy.objects.filter(code=code).first()


def get_policy_version(code: str, number: int | None = None) -> PolicyVersion | None:
    """Version `number` of the policy `code` (None: the current one)."""
    if number is None:
        return get_current_policy_version(code)
    return (
        PolicyVersion.objects.filter(policy__code=code, number=number)
        .select_related("policy")
        .first()
    )


def list_policies_with_versions() -> list[Policy]:
    """The policies, each with its current version as `.current` (two queries)."""
    policies = list(list_policies())
    latest: dict[int, PolicyVersion] = {}
    for version in PolicyVersion.objects.order_by("policy_id", "number"):
        latest[version.policy_id] = version
    for policy in policies:
        policy.current = latest.get(policy.pk)  # type: ignore[attr-defined]  # for the page, no field
    return policies


def list_reference_tables() -> QuerySet[ReferenceTable]:
    return ReferenceTable.objects.order_by("code")


def describe_benefits_of_version(version: PolicyVersion, lang: str) -> list[dict]:
    """Each benefit of a version as people read it: names, rule and amount in words."""
    lang = lang_key(lang)
    tables = {table.code: table.names.get(lang, table.code) for table in list_reference_tables()}
    currency = version.policy.currency
    rows = []
    for benefit in list_benefits_of_version(version):
        spec, _errors = parse_amount(benefit.amount, path=benefit.code, currency=currency)
        rows.append(
            {
                "benefit": benefit,
                "name": benefit.names.get(lang) or benefit.code,
                "rule": describe(benefit.condition, lang),
                "amount": describe_amount(
                    spec,
                    currency=currency,
                    lang=lang,
                    table_names=tables,
                    timing=benefit.timing_words(version.school_year_start, lang),
                )
                if spec
                else "",
            }
        )
    return rows
