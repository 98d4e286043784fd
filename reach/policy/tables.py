"""Reference tables (`policies/reference/*.yaml`): validating their files, and the values in
force for a day, a school year, a level and a unit (docs/policy-files.md, "Reference tables").
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from reach.common.money import CURRENCY_EXPONENTS, to_minor
from reach.policy.amounts import PERIODS, ReferenceBook, ReferenceRow, TableInfo
from reach.policy.catalog import FIELDS
from reach.policy.loader import (
    SNAKE_CODE,
    UNIT_PATH,
    PolicyFileError,
    document_checksum,
    jsonable,
    known_currency,
    parse_date,
    parse_names,
    read_yaml,
    unknown_keys,
    yaml_files,
)

TABLE_KEYS = ("code", "names", "currency", "per", "keys", "values", "notes", "admin_values")
ROW_TIME_KEYS = ("from", "school_year")
TABLE_ROW_KEYS = ("level", "unit")


@dataclass(frozen=True)
class ReferenceDocument:
    table: TableInfo
    names: dict[str, str]
    rows: tuple[ReferenceRow, ...]
    row_sources: tuple[str, ...]
    document: dict
    checksum: str
    file_name: str
    admin_values: bool = False  # the values are entered in the admin, the file holds none


def parse_reference(data: Any, *, file_name: str) -> ReferenceDocument:
    """A validated reference table; raises PolicyFileError listing every error."""
    if not isinstance(data, Mapping):
        raise PolicyFileError([f"{file_name}: " + _("must be a mapping (code, names, values)")])
    errors = unknown_keys(data, TABLE_KEYS, "")
    admin_values = data.get("admin_values", False)
    if not isinstance(admin_values, bool):
        errors.append("admin_values: " + _("must be true or false"))
        admin_values = False
    for key in ("code", "names", "currency", "per") + (() if admin_values else ("values",)):
        if key not in data:
            errors.append(f"{key}: " + _("missing"))
    code = data.get("code")
    if "code" in data and (not isinstance(code, str) or not SNAKE_CODE.match(code)):
        errors.append("code: " + _("must be snake_case (a-z, 0-9, _)"))
    names, name_errors = parse_names(data.get("names"), "names") if "names" in data else ({}, [])
    errors += name_errors
    currency = data.get("currency")
    if "currency" in data and not known_currency(currency):
        errors.append(
            "currency: " + _("must be one of %(known)s") % {"known": ", ".join(CURRENCY_EXPONENTS)}
        )
    per = data.get("per")
    if "per" in data and per not in PERIODS:
        errors.append("per: " + _("must be one of year, month, day"))
    keys = data.get("keys", [])
    if (
        not isinstance(keys, list)
        or any(k not in TABLE_ROW_KEYS for k in keys)
        or len(set(keys)) != len(keys)
    ):
        errors.append("keys: " + _("must be a list of level, unit"))
        keys = []
    if admin_values and "unit" not in keys:
        errors.append("keys: " + _("a table filled in the admin is set place by place: add unit"))
    rows, sources = [], []
    values = data.get("values")
    if admin_values and values not in (None, []):
        errors.append("values: " + _("must be empty: the values are entered in the admin"))
    elif "values" in data and (not isinstance(values, list) or not values):
        errors.append("values: " + _("must be a non-empty list"))
    elif isinstance(values, list):
        money = currency if known_currency(currency) else None
        seen: dict[tuple, int] = {}
        for index, node in enumerate(values):
            row, source, row_errors = _reference_row(node, f"values[{index}]", money, tuple(keys))
            errors += row_errors
            if row is None:
                continue
            identity = (row.valid_from, row.school_year, tuple(sorted(row.keys.items())))
            if identity in seen:
                errors.append(
                    f"values[{index}]: "
                    + _("same date and keys as values[%(index)s]") % {"index": seen[identity]}
                )
            seen.setdefault(identity, index)
            rows.append(row)
            sources.append(source)
    if errors:
        raise PolicyFileError([f"{file_name}: {error}" for error in errors])
    document = jsonable(data)
    return ReferenceDocument(
        table=TableInfo(code=code, currency=currency, per=per, keys=tuple(keys)),
        names=names,
        rows=tuple(rows),
        row_sources=tuple(sources),
        document=document,
        checksum=document_checksum(document),
        file_name=file_name,
        admin_values=admin_values,
    )


def _reference_row(
    node: Any, path: str, currency: str | None, keys: tuple[str, ...]
) -> tuple[ReferenceRow | None, str, list[str]]:
    if not isinstance(node, Mapping):
        return None, "", [f"{path}: " + _("must be a mapping")]
    errors = unknown_keys(node, ("value", "source", *ROW_TIME_KEYS, *keys), path)
    valid_from = school_year = None
    if "from" in node:
        valid_from = parse_date(node["from"], f"{path}.from", errors)
    if "school_year" in node:
        school_year = node["school_year"]
        if (
            isinstance(school_year, bool)
            or not isinstance(school_year, int)
            or not (1990 <= school_year <= 2100)
        ):
            errors.append(f"{path}.school_year: " + _("must be a year such as 2024"))
    if not any(key in node for key in ROW_TIME_KEYS):
        errors.append(f"{path}: " + _("needs from (a date) or school_year"))
    row_keys = {}
    for key in keys:
        value = node.get(key)
        if key == "level" and not (isinstance(value, str) and value in FIELDS["level"].values):
            errors.append(
                f"{path}.level: "
                + _("must be one of %(values)s") % {"values": ", ".join(FIELDS["level"].values)}
            )
        elif key == "unit" and (not isinstance(value, str) or not UNIT_PATH.match(value)):
            errors.append(f"{path}.unit: " + _("must be a unit path such as VN.79"))
        row_keys[key] = value
    source = node.get("source", "")
    if not isinstance(source, str):
        errors.append(f"{path}.source: " + _("must be text"))
    minor = None
    if "value" not in node:
        errors.append(f"{path}.value: " + _("missing"))
    elif currency is not None:
        minor = to_minor(node["value"], currency)
        if minor is None or minor < 0:
            errors.append(
                f"{path}.value: "
                + _("must be a number of %(currency)s (at most %(places)s decimals)")
                % {"currency": currency, "places": CURRENCY_EXPONENTS[currency]}
            )
    if errors or minor is None:
        return None, "", errors
    return ReferenceRow(minor, valid_from, school_year, row_keys), source, []


def parse_reference_value(
    node: Mapping, *, table: str, currency: str, keys: Sequence[str]
) -> ReferenceRow:
    """One value entered in the admin (`value` in minor units), checked as a file's row: its
    time (from or school_year), its keys (a level, a unit path) and a whole amount; raises
    PolicyFileError listing every error."""
    major = dict(node)
    if "value" in major and isinstance(major["value"], int):
        major["value"] = Decimal(major["value"]).scaleb(-CURRENCY_EXPONENTS[currency])
    row, _source, errors = _reference_row(major, table, currency, tuple(keys))
    if errors or row is None:
        raise PolicyFileError(errors)
    return row


def reference_book(documents: list[ReferenceDocument]) -> ReferenceBook:
    return ReferenceBook(
        {doc.table.code: doc.table for doc in documents},
        {doc.table.code: doc.rows for doc in documents},
    )


def read_reference_dir(directory: Path) -> list[ReferenceDocument]:
    """Every table of `directory` (policies/reference/), validated; all errors at once."""
    documents, errors = [], []
    for path in yaml_files(directory) if directory.is_dir() else []:
        try:
            documents.append(parse_reference(read_yaml(path), file_name=path.name))
        except PolicyFileError as error:
            errors += error.errors
    if errors:
        raise PolicyFileError(errors)
    return documents
