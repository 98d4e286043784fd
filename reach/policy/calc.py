"""The what-if calculator behind `reach calc`: policy files, a CSV of students, no database.

Students are rows whose columns are catalog field names, plus `ref` (required),
`birth_date` (instead of `age`), `tuition_fee_month` (major units a month) and `unit` (the
path of the unit the pupil lives in, codes joined by ".", e.g. CN.520000000000.522723000000).
Several policies stack (a national one and a local one): a pupil meets a policy only inside its
jurisdiction (a unit-path prefix); a pupil without a `unit` is taken to live inside every given
policy's jurisdiction, and that jurisdiction is the unit the fee tables are read for. Each
benefit that counts for the school year (in force on its reference date, or for some of its
months: reach.policy.timing) whose condition a student meets is granted, unless it is worth
nothing; of an exclusive group a student keeps only the largest amount (the first in file
order on ties). A tuition fee that is neither in the fee table nor in the student's
`tuition_fee_month`, or an amount the policy file leaves unset, leaves that benefit out, with a
warning. Each line names the policy that granted it.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext as _

import reach
from reach.common import csvsafe
from reach.common.money import CURRENCY_EXPONENTS, format_major, to_minor
from reach.geo.models import is_under
from reach.policy.amounts import Amount, ReferenceBook
from reach.policy.catalog import BIRTH_DATE_FIELDS, FIELDS, Field, FieldType
from reach.policy.evaluate import Rule, granted, judge_benefits
from reach.policy.loader import (
    UNIT_PATH,
    PolicyDocument,
    PolicyFileError,
    find_policy_file,
    parse_policy,
)
from reach.policy.tables import read_reference_dir, reference_book
from reach.policy.timing import describe_timing

REFERENCE_DIR = "reference"
EXTRA_COLUMNS = ("ref", "birth_date", "tuition_fee_month", "unit")
BOOLEAN_WORDS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
WHOLE_NUMBER = re.compile(r"^\d{1,6}$")
OUTPUT_HEADER = ("ref", "benefit", "amount", "currency", "policy")


def default_policies_dir() -> Path:
    """`policies/` beside the `reach` package (the shipped policy files)."""
    return Path(reach.__file__).resolve().parent.parent / "policies"


class CalcError(Exception):
    """Bad input; `errors` lists every problem, as `FILE:LINE: column: reason`."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True)
class Student:
    line: int
    ref: str
    facts: dict


@dataclass(frozen=True)
class CalcResult:
    grants: list["Grant"]
    warnings: list[str]
    notes: list[str] = field(default_factory=list)  # how part-year benefits were counted


@dataclass(frozen=True)
class Grant:
    ref: str
    benefit: str
    amount: Amount
    policy: str = ""
    line: int = 0  # the student's line in the file (not printed)

    def csv_row(self) -> tuple[str, str, str, str, str]:
        money = format_major(self.amount.minor, self.amount.currency)
        return (self.ref, self.benefit, money, self.amount.currency, self.policy)


# -- reading the students -------------------------------------------------------------------


def _cell(field: Field, text: str) -> tuple[object, str | None]:
    """The value of a catalog column, or an error message."""
    if field.type is FieldType.BOOLEAN:
        if not text:
            return False, None
        if text.lower() in BOOLEAN_WORDS:
            return BOOLEAN_WORDS[text.lower()], None
        return None, _("%(value)r is not true/false, 1/0 or yes/no") % {"value": text}
    if not text:
        return None, None
    if field.type is FieldType.CHOICE:
        if text in field.values:
            return text, None
        return None, _("unknown %(field)s %(value)r; one of %(values)s") % {
            "field": field.name,
            "value": text,
            "values": ", ".join(field.values),
        }
    if not WHOLE_NUMBER.match(text) or not field.minimum <= int(text) <= field.maximum:
        return None, _("%(value)r is not a whole number %(low)s-%(high)s") % {
            "value": text,
            "low": field.minimum,
            "high": field.maximum,
        }
    return int(text), None


def _extra_cell(column: str, text: str, currency: str) -> tuple[object, str | None]:
    if not text:
        return None, (_("missing") if column == "ref" else None)
    if column == "ref":
        return text, None
    if column == "birth_date":
        try:
            return dt.date.fromisoformat(text), None
        except ValueError:
            return None, _("%(value)r is not a date (YYYY-MM-DD)") % {"value": text}
    if column == "unit":
        if UNIT_PATH.match(text):
            return text, None
        return None, _("%(value)r is not a unit path such as VN.79.761") % {"value": text}
    minor = to_minor(text, currency)
    if minor is None or minor < 0:
        return None, _("%(value)r is not an amount of %(currency)s (%(places)s decimals)") % {
            "value": text,
            "currency": currency,
            "places": CURRENCY_EXPONENTS[currency],
        }
    return minor, None


def _header_errors(name: str, header: list[str]) -> list[str]:
    errors = []
    known = (*FIELDS, *EXTRA_COLUMNS)
    for index, column in enumerate(header):
        if column not in known:
            errors.append(f"{name}:1: {column or '-'}: " + _("unknown column"))
        elif column in header[:index]:
            errors.append(f"{name}:1: {column}: " + _("column appears twice"))
    if "ref" not in header:
        errors.append(f"{name}:1: ref: " + _("missing column"))
    if "birth_date" in header and any(field in header for field in BIRTH_DATE_FIELDS):
        errors.append(f"{name}:1: birth_date: " + _("give either age or birth_date, not both"))
    return errors


def read_students(text: str, *, name: str, currency: str) -> list[Student]:
    """The students of a CSV text; raises CalcError listing every bad line."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [column.strip() for column in next(reader, [])]
        errors = _header_errors(name, header)
        if errors:
            raise CalcError(errors)
        return _read_rows(reader, header, name=name, currency=currency)
    except csv.Error as error:
        raise CalcError([f"{name}:{reader.line_num}: -: {error}"]) from error


def _read_rows(reader, header: list[str], *, name: str, currency: str) -> list[Student]:
    errors: list[str] = []
    students = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        line = reader.line_num
        if len(cells) > len(header):
            errors.append(f"{name}:{line}: -: " + _("more cells than columns"))
            continue
        facts: dict = {}
        ref = ""
        for column, raw in zip(header, cells, strict=False):
            text = raw.strip()
            if column in FIELDS:
                field = FIELDS[column]
                value, error = _cell(field, text)
                facts[field.name if field.name in BIRTH_DATE_FIELDS else field.column] = value
            else:
                value, error = _extra_cell(column, text, currency)
                if column == "ref":
                    ref = value or ""
                else:
                    facts["unit_path" if column == "unit" else column] = value
            if error:
                errors.append(f"{name}:{line}: {column}: {error}")
        if len(cells) < len(header) and "ref" in header[len(cells) :]:
            errors.append(f"{name}:{line}: ref: " + _("missing"))
        students.append(Student(line, ref, facts))
    if errors:
        raise CalcError(errors)
    return students


# -- calculating ----------------------------------------------------------------------------


def calculate(
    policy: PolicyDocument,
    *,
    book: ReferenceBook,
    school_year: int,
    students: Sequence[Student],
    name: str = "-",
) -> CalcResult:
    """The benefits each student gets in `school_year`, in student then file order. A value
    missing from a reference table (not the student's fee) raises CalcError."""
    day = policy.reference_date(school_year)
    rules = [
        Rule(
            benefit,
            benefit.condition,
            benefit.amount,
            benefit.in_kind,
            benefit.exclusive_group,
            benefit.months_paid(school_year),
        )
        for benefit in policy.benefits_in_force(school_year)
    ]
    grants: list[Grant] = []
    errors: list[str] = []
    warnings: list[str] = []
    for student in students:
        facts = {**student.facts, "reference_date": day}
        if facts.get("unit_path") is None:
            facts["unit_path"] = policy.jurisdiction
        elif not is_under(facts["unit_path"], policy.jurisdiction):
            continue  # the pupil lives outside the policy's jurisdiction
        judgements = judge_benefits(
            rules,
            facts_rows=[facts],
            currency=policy.currency,
            book=book,
            reference_date=day,
            school_year=school_year,
        )
        for judgement in judgements:
            code, error = judgement.rule.of.code, judgement.unavailable
            if error is None:
                continue
            if error.per_pupil:  # the pupil's column, a place's value, or an unset amount
                warnings.append(
                    f"{name}:{student.line}: {error.column or judgement.rule.amount.of or '-'}: "
                    f"{code} " + _("left out: %(reason)s") % {"reason": error}
                )
            elif (message := f"{policy.file_name}: {code}: {error}") not in errors:
                errors.append(message)
        grants += [
            Grant(student.ref, benefit.code, amount, policy.code, student.line)
            for benefit, amount in granted(judgements)
        ]
    if errors:
        raise CalcError(errors)
    return CalcResult(grants, warnings, _part_year_notes(policy, school_year))


def _part_year_notes(policy: PolicyDocument, school_year: int) -> list[str]:
    """For each benefit that counts only some months of the school year, how many and by
    which convention."""
    notes = []
    for benefit in policy.benefits_in_force(school_year):
        months = benefit.months_paid(school_year)
        if months is None or months == benefit.amount.months:
            continue
        timing = describe_timing(
            school_year_start=policy.school_year_start, months_in_force=True, lang=get_language()
        )
        notes.append(
            f"{policy.file_name}: {benefit.code}: "
            + _("%(months)s of %(of)s months in school year %(year)s: %(rule)s")
            % {"months": months, "of": benefit.amount.months, "year": school_year, "rule": timing}
        )
    return notes


def load_calc_policy(*, code: str, policies_dir: Path) -> tuple[PolicyDocument, ReferenceBook]:
    """The policy `code` and the reference tables of a policies directory, validated."""
    try:
        tables = read_reference_dir(policies_dir / REFERENCE_DIR)
        path, data = find_policy_file(policies_dir, code)
        book = reference_book(tables)
        policy = parse_policy(data, file_name=path.name, tables=book.tables)
    except PolicyFileError as error:
        raise CalcError(error.errors) from error
    return policy, book


def run_calc(
    *,
    policy_codes: Sequence[str],
    school_year: int,
    csv_path: Path,
    policies_dir: Path | None = None,
) -> CalcResult:
    """What a file of students would get from policies in a school year, pupil by pupil in
    the order the policies are given; raises CalcError. The policies share one currency."""
    directory = policies_dir or default_policies_dir()
    codes = list(dict.fromkeys(policy_codes))
    loaded = [load_calc_policy(code=code, policies_dir=directory) for code in codes]
    currencies = sorted({policy.currency for policy, _book in loaded})
    if len(currencies) > 1:
        message = _("the policies must share one currency, not %(currencies)s")
        raise CalcError([message % {"currencies": ", ".join(currencies)}])
    name = str(csv_path)
    try:
        text = csv_path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CalcError([f"{name}: {error}"]) from error
    students = read_students(text, name=name, currency=currencies[0])
    results = [
        calculate(policy, book=book, school_year=school_year, students=students, name=name)
        for policy, book in loaded
    ]
    grants = [grant for result in results for grant in result.grants]
    grants.sort(key=lambda grant: grant.line)  # stable: policy then file order per pupil
    return CalcResult(
        grants,
        [warning for result in results for warning in result.warnings],
        [note for result in results for note in result.notes],
    )


def render_grants(grants: Sequence[Grant]) -> str:
    """`ref,benefit,amount,currency`, one line per grant; amounts in major units."""
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")
    writer.writerow(OUTPUT_HEADER)
    writer.writerows(grant.csv_row() for grant in grants)
    return out.getvalue()
