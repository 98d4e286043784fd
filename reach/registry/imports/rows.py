"""Parse the cells of one import row into canonical values, collecting every problem."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from reach.registry.choices import (
    CaregiverRelation,
    EducationCompleted,
    EducationLevel,
    EnrolmentStatus,
    HouseholdStatus,
    Relation,
    Sex,
)
from reach.registry.imports import values
from reach.registry.imports.headings import COLUMNS, ENROLMENT_COLUMNS, REQUIRED_COLUMNS

TEXT_LIMITS = {
    "household_code": 40,
    "unit_code": 20,
    "head_name": 200,
    "address": 300,
    "full_name": 200,
    "ethnicity": 60,
    "caregiver_name": 200,
    "national_id": 20,
    "school_code": 30,
}
CHOICE_COLUMNS = {
    "poverty_status": HouseholdStatus,
    "sex": Sex,
    "relation": Relation,
    "caregiver_relation": CaregiverRelation,
    "education_completed": EducationCompleted,
    "level": EducationLevel,
    "enrollment_status": EnrolmentStatus,
}
BOOLEAN_COLUMNS = (
    "ethnic_minority",
    "disabled",
    "orphan",
    "martyr_child",
    "left_behind",
    "migrant",
    "unsupported",
    "boarding",
)
STATUS_PAIR = ("poverty_status", "status_year")
# What an empty cell means in a column the file has (columns it lacks are left untouched).
BLANK_MEANS = {
    "address": "",
    "ethnicity": "",
    "education_completed": EducationCompleted.NONE.value,
    "ethnic_minority": False,
    "disabled": False,
    "orphan": False,
    "martyr_child": False,
    "left_behind": False,
    "migrant": False,
    "unsupported": False,
    "caregiver_name": "",
    "caregiver_relation": "",
}
ENROLMENT_BLANK_MEANS = {
    "school_code": None,
    "grade": None,
    "boarding": False,
    "enrollment_status": EnrolmentStatus.ENROLLED.value,
}
_INVALID = object()
_GROUPED = frozenset(STATUS_PAIR + ENROLMENT_COLUMNS)  # kept only when their group is valid
_COLUMN_ORDER = {column: position for position, column in enumerate(COLUMNS)}


# Columns whose cells rarely repeat: parsed every time. The others (codes, choices, yes/no,
# years, a household's head and address on each member's row) are parsed once per distinct
# cell text and file, up to MEMO_SIZE texts per column.
UNREPEATED_COLUMNS = frozenset({"full_name", "national_id", "birth_date"})
MEMO_SIZE = 10_000
_BLANK = object()
_MISSING = object()


class _Bad:
    """A cell that cannot be read, and why."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason


def _outcome(raw: object, column: str, parse):
    """The canonical value of one cell, `_BLANK`, or `_Bad` with the reason."""
    if raw is None or raw == "":
        return _BLANK
    if type(raw) is str and raw.isascii():
        value = " ".join(raw.split())
    elif isinstance(raw, dt.date) and column == "birth_date":
        value = raw
    else:
        value = values.text(raw)
    if value == "":
        return _BLANK
    try:
        return parse(value)
    except values.BadValue as bad:
        return _Bad(str(bad))


@dataclass
class StagedRow:
    """One data row: its spreadsheet line and its canonical values (JSON-ready).

    A column absent from the file is absent from `data`; so are an empty national ID (it never
    erases one on record), an empty status pair and empty enrolment columns."""

    line: int
    data: dict
    numeric_id: bool = False  # the national ID cell was a number, which drops leading zeros
    status_given: bool = False  # the row has a poverty status / status year


@dataclass
class Findings:
    errors: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)

    def error(self, line: int, column: str, reason: str) -> None:
        self.errors.append({"line": line, "column": column, "reason": reason})

    def duplicate(self, line: int, reason: str, person_id: int | None, household_code: str) -> None:
        duplicate = {"line": line, "reason": reason, "person_id": person_id}
        self.duplicates.append(duplicate | {"household_code": household_code})

    def sorted_errors(self) -> list[dict]:
        return sorted(self.errors, key=lambda e: (e["line"], _COLUMN_ORDER.get(e["column"], -1)))

    def sorted_duplicates(self) -> list[dict]:
        return sorted(self.duplicates, key=lambda d: d["line"])


class RowParser:
    """Parses the rows of one file; `columns` gives the canonical column of each position of
    the heading row (None for an ignored one)."""

    def __init__(self, columns: list[str | None], today: dt.date, findings: Findings):
        self.findings = findings
        order = {column: position for position, column in enumerate(COLUMNS)}
        self.plan = sorted(
            ((column, position, self._parser(column, today),
              None if column in UNREPEATED_COLUMNS else {})
             for position, column in enumerate(columns) if column),
            key=lambda item: order[item[0]],
        )  # fmt: skip
        positions = {column: position for column, position, *_rest in self.plan}
        self.national_id_position = positions.get("national_id")

    @staticmethod
    def _parser(column: str, today: dt.date):
        if column == "birth_date":
            return lambda value: values.birth_date(value, today).isoformat()
        if column == "national_id":
            return lambda value: values.bounded_text(values.national_id(value), 20)
        if column in TEXT_LIMITS:
            limit = TEXT_LIMITS[column]
            return lambda value: value if len(value) <= limit else values.bounded_text(value, limit)
        if column in CHOICE_COLUMNS:
            choices = CHOICE_COLUMNS[column]
            index = values.choice_index(choices)
            return lambda value: index.get(value.casefold()) or values.choice(value, choices)
        if column in BOOLEAN_COLUMNS:
            return values.boolean
        if column == "status_year":
            return lambda value: values.whole_number(value, 1990, today.year + 1)
        if column == "school_year":
            return lambda value: values.school_year(value, today.year + 1)
        if column == "grade":
            return lambda value: values.whole_number(value, 1, 12)
        raise LookupError(column)

    def parse(self, line: int, cells: list[object]) -> StagedRow:
        """Canonical values of one row's cells, in heading-row order."""
        error = self.findings.error
        given: dict[str, object] = {}
        blank: list[str] = []
        width = len(cells)
        for column, position, parse, memo in self.plan:
            raw = cells[position] if position < width else None
            if memo is not None and type(raw) is str:
                outcome = memo.get(raw, _MISSING)
                if outcome is _MISSING:
                    outcome = _outcome(raw, column, parse)
                    if len(memo) < MEMO_SIZE:
                        memo[raw] = outcome
            else:
                outcome = _outcome(raw, column, parse)
            if outcome is _BLANK:
                blank.append(column)
            elif type(outcome) is _Bad:
                error(line, column, outcome.reason)
                given[column] = _INVALID
            else:
                given[column] = outcome
        row = StagedRow(line=line, data={})
        data = row.data
        for column in blank:
            if column in REQUIRED_COLUMNS:
                error(line, column, _("%(column)s is required") % {"column": column})
            elif column in BLANK_MEANS:
                data[column] = BLANK_MEANS[column]
        if self.national_id_position is not None and "national_id" in given:
            raw_id = cells[self.national_id_position]
            row.numeric_id = isinstance(raw_id, int | float) and not isinstance(raw_id, bool)
        for column, value in given.items():
            if value is not _INVALID and column not in _GROUPED:
                data[column] = value
        self._status(row, given)
        self._enrolment(row, given, blank)
        return row

    def _status(self, row: StagedRow, given: dict) -> None:
        status, year = given.get(STATUS_PAIR[0], _MISSING), given.get(STATUS_PAIR[1], _MISSING)
        row.status_given = status is not _MISSING or year is not _MISSING
        if (status is _MISSING) != (year is _MISSING):
            missing = STATUS_PAIR[1] if year is _MISSING else STATUS_PAIR[0]
            reason = _("poverty_status and status_year go together: give both or neither")
            self.findings.error(row.line, missing, reason)
        elif row.status_given and status is not _INVALID and year is not _INVALID:
            row.data[STATUS_PAIR[0]], row.data[STATUS_PAIR[1]] = status, year

    def _enrolment(self, row: StagedRow, given: dict, blank: list[str]) -> None:
        columns = [column for column in ENROLMENT_COLUMNS if column in given]
        if not columns or (columns == ["boarding"] and given["boarding"] is False):
            return  # no enrolment on this row (a lone "no" in the boarding column is none)
        if "level" not in given:
            reason = _("level is required when school_code or school_year is given")
            self.findings.error(row.line, "level", reason)
        if "school_year" not in given:
            reason = _("school_year is required for an enrolment")
            self.findings.error(row.line, "school_year", reason)
        for column in columns:
            if given[column] is not _INVALID:
                row.data[column] = given[column]
        for column in blank:
            if column in ENROLMENT_BLANK_MEANS:
                row.data[column] = ENROLMENT_BLANK_MEANS[column]
