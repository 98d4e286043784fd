"""How a run computes its lines: a few statements over temporary tables, none per pupil.

1. `run_fact` holds the facts of every enrolment of the scope (`enrolment_facts`, read once:
   its status subquery and joins are the costly part), flat.
2. Each benefit adds its pupils to `run_candidate` with one INSERT ... SELECT over `run_fact`
   filtered by its compiled condition, with the key its amount depends on (the fee table's
   level and unit, or the school days; empty when the amount is the same for everyone).
3. The amounts are computed in Python once per benefit and key (a few hundred at most) into
   `run_amount`; keys without a fee are left out with a warning.
4. One INSERT ... SELECT writes the lines: candidates joined to their amount, the first
   matching enrolment of a pupil enrolled twice, and of an exclusive group the largest amount
   (the benefit first in the file on ties).

The temporary tables live in the run's transaction and connection only (SQLite and
PostgreSQL alike); `RunFact` lets the conditions compile against `run_fact` as they do against
`enrolment_facts`, so both readings of a condition stay one.
"""

from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, Concat

from reach.accounts.scoping import under_paths
from reach.entitlements.models import EntitlementLine, RunFact
from reach.policy.amounts import (
    DAYS_FIELDS,
    AmountUnavailable,
    ReferenceBook,
    compute_amount,
    split_funding,
)
from reach.policy.conditions import condition_to_q
from reach.policy.facts import enrolment_facts
from reach.policy.models import Benefit

FACT_TABLE = RunFact._meta.db_table
CANDIDATE_TABLE = "entitlements_run_candidate"
AMOUNT_TABLE = "entitlements_run_amount"
PREVIOUS_TABLE = "entitlements_run_previous"
KEY_SEPARATOR = "|"
# Every fact an amount may depend on (BenefitPlan.group_columns), copied into the candidates.
AMOUNT_FACTS = ("level", "unit_path", *DAYS_FIELDS)

if TYPE_CHECKING:
    from reach.entitlements.services import BenefitPlan


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _column_type(model, name: str) -> str:
    return model._meta.get_field(name).db_type(connection)


def _execute(sql: str, params: Sequence = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


@contextmanager
def run_tables():
    """The run's temporary tables, created empty and dropped afterwards."""
    line = EntitlementLine
    # No primary key: the facts are appended in whatever order the database reads them, and
    # only ever scanned whole.
    fact_columns = ", ".join(
        f"{_quote(field.column)} {field.db_type(connection)}"
        for field in RunFact._meta.concrete_fields
    )
    amount_facts = ", ".join(
        f"{_quote(name)} {_column_type(RunFact, name)}" for name in AMOUNT_FACTS
    )
    integer, text = _column_type(line, "amount_minor"), "varchar(400)"
    tables = {
        FACT_TABLE: fact_columns,
        CANDIDATE_TABLE: (
            f"enrolment_id {integer}, person_id {integer}, household_id {integer}, "
            f"unit_id {integer}, benefit_id {integer}, amount_key {text}, {amount_facts}"
        ),
        AMOUNT_TABLE: (
            f"benefit_id {integer}, amount_key {text}, benefit_code {text}, "
            f"policy_code {text}, position {integer}, exclusive_group {text}, "
            f"amount_minor {integer}, currency {text}, "
            f"in_kind {_column_type(line, 'in_kind')}, funding {_column_type(line, 'funding')}, "
            "PRIMARY KEY (benefit_id, amount_key)"
        ),
        PREVIOUS_TABLE: (
            f"person_id {integer}, policy_code {text}, benefit_code {text}, "
            f"amount_minor {integer}, PRIMARY KEY (person_id, policy_code, benefit_code)"
        ),
    }
    for name, columns in tables.items():
        _execute(f"DROP TABLE IF EXISTS {_quote(name)}")
        _execute(f"CREATE TEMPORARY TABLE {_quote(name)} ({columns})")
    try:
        yield
    finally:
        for name in tables:
            _execute(f"DROP TABLE IF EXISTS {_quote(name)}")


def _insert_select(table: str, columns: Sequence[str], select: QuerySet) -> int:
    sql, params = select.query.sql_with_params()
    names = ", ".join(_quote(column) for column in columns)
    # Only quoted table and column names are interpolated; every value travels in `params`.
    return _execute(f"INSERT INTO {_quote(table)} ({names}) {sql}", params)  # noqa: S608


def fill_facts(*, school_year: int, scope_path: str | None) -> int:
    """Read the facts of the scope's enrolments once into `run_fact`."""
    facts = enrolment_facts(school_year=school_year, unit_path=scope_path).annotate(
        fact_person=F("person_id"),
        fact_household=F("person__household_id"),
        fact_unit=F("person__household__unit_id"),
    )
    sources = {
        "id": "id",
        "person_id": "fact_person",
        "household_id": "fact_household",
        "unit_id": "fact_unit",
    }
    columns = [field.column for field in RunFact._meta.concrete_fields]
    select = facts.values(*(sources.get(column, column) for column in columns)).order_by()
    return _insert_select(FACT_TABLE, columns, select)


def has_several_enrolments() -> bool:
    """Whether a pupil of the facts is enrolled twice this year (say at two levels); only then
    must each benefit pick one of their enrolments."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {_quote(FACT_TABLE)} GROUP BY person_id "  # noqa: S608
            "HAVING COUNT(*) > 1 LIMIT 1"
        )
        return cursor.fetchone() is not None


def amount_key(values: Sequence) -> str:
    """The key of an amount group as `add_candidates` writes it in SQL ("" for unknown)."""
    return KEY_SEPARATOR.join("" if value is None else str(value) for value in values)


def _key_expression(columns: Sequence[str]):
    parts = [Coalesce(Cast(column, CharField()), Value("")) for column in columns]
    if not parts:
        return Value("", output_field=CharField())
    if len(parts) == 1:
        return parts[0]
    joined = [parts[0]]
    for part in parts[1:]:
        joined += [Value(KEY_SEPARATOR), part]
    return Concat(*joined, output_field=CharField())


def add_candidates(plan: "BenefitPlan") -> int:
    """One INSERT ... SELECT: the enrolments of the policy's jurisdiction meeting the
    benefit's condition, with the key of their amount. Returns how many."""
    condition = condition_to_q(plan.benefit.condition, reference_date=plan.reference_date)
    select = (
        # The condition first: its level comparison rules most rows out before the path's LIKE.
        RunFact.objects.filter(condition)
        .filter(under_paths("unit_path", (plan.version.policy.jurisdiction,)))
        .annotate(
            candidate_benefit=Value(plan.benefit.pk),
            candidate_key=_key_expression(plan.group_columns),
            # Only the facts this benefit's amount depends on; NULL costs next to nothing.
            **{
                f"candidate_{name}": (
                    F(name)
                    if name in plan.group_columns
                    else Value(None, output_field=RunFact._meta.get_field(name))
                )
                for name in AMOUNT_FACTS
            },
        )
        .order_by()
        .values(
            "id",
            "person_id",
            "household_id",
            "unit_id",
            "candidate_benefit",
            "candidate_key",
            *(f"candidate_{name}" for name in AMOUNT_FACTS),
        )
    )
    columns = (
        "enrolment_id",
        "person_id",
        "household_id",
        "unit_id",
        "benefit_id",
        "amount_key",
        *AMOUNT_FACTS,
    )
    return _insert_select(CANDIDATE_TABLE, columns, select)


@dataclass(frozen=True)
class AmountGroup:
    key: str
    values: dict
    pupils: int


def amount_groups(*, benefit: Benefit, columns: Sequence[str], dedupe: bool) -> list[AmountGroup]:
    """The distinct amount keys of the benefit's candidates, with their facts and pupils; with
    `dedupe`, of each pupil's first matching enrolment only (the one `write_lines` keeps)."""
    if not columns:
        return [AmountGroup("", {}, 0)]
    names = ", ".join(_quote(column) for column in columns)
    candidates = f"(SELECT * FROM {_quote(CANDIDATE_TABLE)} WHERE benefit_id = %s) c"  # noqa: S608
    if dedupe:
        candidates = (
            "(SELECT * FROM (SELECT c.*, ROW_NUMBER() OVER (PARTITION BY c.person_id "  # noqa: S608
            f"ORDER BY c.enrolment_id) AS pick FROM {candidates}) picked WHERE pick = 1) c"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {names}, COUNT(*) FROM {candidates} "  # noqa: S608
            f"GROUP BY {names} ORDER BY {names}",
            [benefit.pk],
        )
        rows = cursor.fetchall()
    return [
        AmountGroup(amount_key(row[:-1]), dict(zip(columns, row[:-1], strict=True)), row[-1])
        for row in rows
    ]


def funding_parts(minor: int, shares: Sequence) -> list[dict]:
    return [{"source": source, "minor": part} for source, part in split_funding(minor, shares)]


def add_amounts(
    plan: "BenefitPlan", *, school_year: int, book: ReferenceBook, dedupe: bool
) -> list[tuple[int, AmountUnavailable]]:
    """The benefit's amount for each key its candidates hold, into `run_amount`; an amount
    worth nothing adds no row (no line). Returns the groups left out for want of a fee, with
    their number of pupils."""
    left_out = []
    rows = []
    benefit = plan.benefit
    for group in amount_groups(benefit=benefit, columns=plan.group_columns, dedupe=dedupe):
        try:
            amount = compute_amount(
                plan.spec,
                currency=plan.currency,
                facts=group.values,
                book=book,
                reference_date=plan.reference_date,
                school_year=school_year,
                in_kind=plan.in_kind,
            )
        except AmountUnavailable as error:
            if error.column is None:
                raise
            left_out.append((group.pupils, error))
            continue
        if not amount.minor and not amount.in_kind:
            continue
        in_kind = [goods.as_dict() for goods in amount.in_kind]
        rows.append(
            [
                benefit.pk,
                group.key,
                benefit.code,
                plan.policy_code,
                benefit.position,
                benefit.exclusive_group,
                amount.minor,
                amount.currency,
                _json("in_kind", in_kind),
                _json("funding", funding_parts(amount.minor, benefit.funding)),
            ]
        )
    if rows:
        placeholders = ", ".join(["%s"] * len(rows[0]))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {_quote(AMOUNT_TABLE)} VALUES ({placeholders})",  # noqa: S608
                rows,
            )
    return left_out


def _json(name: str, value):
    return EntitlementLine._meta.get_field(name).get_db_prep_value(value, connection)


def write_lines(*, run_id: int, school_year: int, dedupe: bool) -> int:
    """One INSERT ... SELECT of the run's lines from the candidates and their amounts: one
    enrolment per pupil and benefit (the first, when `dedupe`), and of each exclusive group of
    a policy the largest amount (ties: the benefit first in the file). Returns the lines."""
    candidates = _quote(CANDIDATE_TABLE)
    if dedupe:
        candidates = (
            f"(SELECT * FROM (SELECT c.*, ROW_NUMBER() OVER (PARTITION BY c.person_id, "  # noqa: S608
            f"c.benefit_id ORDER BY c.enrolment_id) AS pick FROM {candidates} c) picked "
            "WHERE pick = 1)"
        )
    line_columns = (
        "enrolment_id, person_id, household_id, unit_id, benefit_id, benefit_code, policy_code, "
        "amount_minor, currency, in_kind, funding"
    )
    joined = (
        "SELECT c.enrolment_id, c.person_id, c.household_id, c.unit_id, c.benefit_id, "  # noqa: S608
        "a.benefit_code, a.policy_code, a.amount_minor, a.currency, a.in_kind, a.funding, "
        "a.exclusive_group, a.position "
        f"FROM {candidates} c JOIN {_quote(AMOUNT_TABLE)} a "
        "ON a.benefit_id = c.benefit_id AND a.amount_key = c.amount_key"
    )
    # Only the lines of an exclusive group are ranked: sorting every line for the window costs
    # more than the rest of the statement.
    chosen = (
        f"SELECT {line_columns} FROM ({joined}) j WHERE j.exclusive_group = '' "  # noqa: S608
        f"UNION ALL SELECT {line_columns} FROM (SELECT j.*, ROW_NUMBER() OVER "
        "(PARTITION BY j.person_id, j.policy_code, j.exclusive_group "
        "ORDER BY j.amount_minor DESC, j.position) AS place "
        f"FROM ({joined}) j WHERE j.exclusive_group <> '') ranked WHERE ranked.place = 1"
    )
    fields = {field.name: field.column for field in EntitlementLine._meta.concrete_fields}
    targets = ", ".join(
        _quote(fields[name])
        for name in (
            "run",
            "enrolment",
            "person",
            "household",
            "unit",
            "benefit",
            "benefit_code",
            "policy_code",
            "school_year",
            "amount_minor",
            "currency",
            "in_kind",
            "funding",
        )
    )
    return _execute(
        f"INSERT INTO {_quote(EntitlementLine._meta.db_table)} ({targets}) "  # noqa: S608
        "SELECT %s, r.enrolment_id, r.person_id, r.household_id, r.unit_id, r.benefit_id, "
        "r.benefit_code, r.policy_code, %s, r.amount_minor, r.currency, r.in_kind, r.funding "
        f"FROM ({chosen}) r ORDER BY r.person_id, r.policy_code, r.benefit_code",
        [run_id, school_year],
    )


def count_persons() -> int:
    """The pupils `write_lines` gives a line: those with a candidate holding an amount (neither
    keeping one enrolment nor one benefit of an exclusive group leaves a pupil without a line),
    counted over the staged candidates rather than over every line of the table."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(DISTINCT c.person_id) FROM {_quote(CANDIDATE_TABLE)} c "  # noqa: S608
            f"JOIN {_quote(AMOUNT_TABLE)} a "
            "ON a.benefit_id = c.benefit_id AND a.amount_key = c.amount_key"
        )
        return cursor.fetchone()[0]


# -- the difference from the lines replaced -------------------------------------------------


def keep_previous(lines: QuerySet[EntitlementLine]) -> int:
    """Copy (person, policy, benefit, amount) of `lines` into `run_previous`."""
    select = lines.order_by().values("person_id", "policy_code", "benefit_code", "amount_minor")
    return _insert_select(
        PREVIOUS_TABLE, ("person_id", "policy_code", "benefit_code", "amount_minor"), select
    )


def delete_lines(lines: QuerySet[EntitlementLine]) -> None:
    """Delete `lines` in one statement when nothing refers to them (payments refer to lines in
    force, not to drafts); otherwise through the ORM, which protects or cascades as the
    referring models say."""
    referred = any(
        relation.related_model._base_manager.filter(
            **{f"{relation.field.name}__in": lines.values("pk")}
        ).exists()
        for relation in EntitlementLine._meta.related_objects
    )
    if referred:
        lines.delete()
        return
    sql, params = lines.order_by().values("pk").query.sql_with_params()
    table = _quote(EntitlementLine._meta.db_table)
    # SQLite and PostgreSQL both let a DELETE select its rows from the table itself.
    _execute(
        f"DELETE FROM {table} WHERE {_quote('id')} IN (SELECT * FROM ({sql}) ids)",  # noqa: S608
        params,
    )


def line_diff(*, run_id: int, lines_written: int, limit: int) -> dict:
    """Lines added, removed and with a changed amount against `run_previous`, by (person,
    policy, benefit); each list keeps its first `limit` entries, the counts are complete.
    Against no previous lines every line is added, which needs no join."""
    lines, previous = _quote(EntitlementLine._meta.db_table), _quote(PREVIOUS_TABLE)
    # In code-point order, as Python sorts the keys (PostgreSQL's default collation may not).
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    key = f"q.person_id, q.policy_code{collate}, q.benefit_code{collate}"
    current = (
        f"SELECT person_id, policy_code, benefit_code, amount_minor FROM {lines} "  # noqa: S608
        "WHERE run_id = %s"
    )
    queries = {
        "added": (
            "SELECT n.person_id, n.policy_code, n.benefit_code, n.amount_minor "  # noqa: S608
            f"FROM ({current}) n "
            f"LEFT JOIN {previous} p ON p.person_id = n.person_id AND "
            "p.policy_code = n.policy_code AND p.benefit_code = n.benefit_code "
            "WHERE p.person_id IS NULL"
        ),
        "removed": (
            "SELECT p.person_id, p.policy_code, p.benefit_code, p.amount_minor "  # noqa: S608
            f"FROM {previous} p "
            f"LEFT JOIN ({current}) n ON p.person_id = n.person_id AND "
            "p.policy_code = n.policy_code AND p.benefit_code = n.benefit_code "
            "WHERE n.person_id IS NULL"
        ),
        "changed": (
            "SELECT n.person_id, n.policy_code, n.benefit_code, p.amount_minor AS before_minor, "  # noqa: S608
            "n.amount_minor AS after_minor "
            f"FROM ({current}) n JOIN {previous} p ON p.person_id = n.person_id AND "
            "p.policy_code = n.policy_code AND p.benefit_code = n.benefit_code "
            "WHERE p.amount_minor <> n.amount_minor"
        ),
    }
    diff: dict = {"counts": {}, "added": [], "removed": [], "changed": []}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {previous}")  # noqa: S608
        if not cursor.fetchone()[0]:
            queries = {"added": current}
            diff["counts"] = {"added": lines_written, "removed": 0, "changed": 0}
        for name, query in queries.items():
            if name not in diff["counts"]:
                cursor.execute(f"SELECT COUNT(*) FROM ({query}) q", [run_id])  # noqa: S608
                diff["counts"][name] = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT * FROM ({query}) q ORDER BY {key} LIMIT %s",  # noqa: S608
                [run_id, limit],
            )
            rows = cursor.fetchall()
            if name == "changed":
                diff[name] = [
                    {"person": p, "policy": c, "benefit": b, "before": x, "after": y}
                    for p, c, b, x, y in rows
                ]
            else:
                diff[name] = [
                    {"person": p, "policy": c, "benefit": b, "amount_minor": x}
                    for p, c, b, x in rows
                ]
    counts = diff["counts"]
    counts["unchanged"] = lines_written - counts["added"] - counts["changed"]
    diff["counts"] = {name: counts[name] for name in ("added", "removed", "changed", "unchanged")}
    diff["truncated"] = max(counts["added"], counts["removed"], counts["changed"]) > limit
    return {name: diff[name] for name in ("added", "removed", "changed", "counts", "truncated")}
