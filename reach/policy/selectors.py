"""Reads of policies and reference tables (no personal data: no scoping needed)."""

from django.db.models import QuerySet

from reach.policy.amounts import ReferenceBook, ReferenceRow, TableInfo
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
