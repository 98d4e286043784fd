"""Reading policy files and validating policies (docs/policy-files.md); reference tables
are validated in `tables.py` with the same helpers.

Nothing here touches the database: `reach calc` uses it on its own, and the services use it
before they load a file. Validation collects every error, each as
`FILE: benefits[3] (code learning_cost_support).amount.months: must be a whole number 1-12`.
"""

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from reach.common.languages import LANGUAGES
from reach.common.money import CURRENCY_EXPONENTS
from reach.policy.amounts import (
    AmountSpec,
    FundingShare,
    InKindSpec,
    TableInfo,
    parse_amount,
    parse_funding,
    parse_in_kind,
    whole_number,
)
from reach.policy.conditions import validate_condition
from reach.policy.timing import Timing
from reach.policy.timing import reference_date as _reference_date

BENEFIT_KINDS = ("exemption", "reduction", "subsidy", "grant", "meal", "scholarship")
POLICY_KEYS = (
    "code",
    "names",
    "jurisdiction",
    "currency",
    "source",
    "effective",
    "school_year_start",
    "benefits",
    "notes",
)
BENEFIT_KEYS = (
    "code",
    "names",
    "kind",
    "source",
    "effective",
    "condition",
    "amount",
    "in_kind",
    "funding",
    "exclusive_group",
    "purpose",
    "applies_from_school_year",
    "applies_to_school_year",
    "months_in_force",
    "notes",
)
SOURCE_KEYS = ("document", "article", "date", "url", "note", "confidence")
CONFIDENCE_LEVELS = ("high", "medium", "low")  # how sure the facts are of what a source says
DEFAULT_SCHOOL_YEAR_START = "09-01"

POLICY_CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SNAKE_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
UNIT_PATH = re.compile(r"^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$")
MONTH_DAY = re.compile(r"^(\d\d)-(\d\d)$")


class PolicyFileError(Exception):
    """A policy or reference file that cannot be loaded; `errors` lists every problem."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


# -- the parsed documents -------------------------------------------------------------------


@dataclass(frozen=True)
class BenefitSpec:
    index: int
    code: str
    names: dict[str, str]
    kind: str
    source: dict
    effective_from: dt.date
    effective_to: dt.date | None
    condition: dict
    amount: AmountSpec
    in_kind: tuple[InKindSpec, ...]
    funding: tuple[FundingShare, ...]
    exclusive_group: str
    document: dict  # the benefit as written, JSON-ready
    purpose: str = ""  # what the money is for; one payment per pupil, purpose and year
    # How the benefit meets a school year (reach.policy.timing): the school years it governs
    # whole, when the source names them, and whether a monthly amount counts the months.
    from_school_year: int | None = None
    to_school_year: int | None = None
    months_in_force: bool = False
    school_year_start: str = DEFAULT_SCHOOL_YEAR_START

    @property
    def timing(self) -> Timing:
        return Timing.of(
            effective_from=self.effective_from,
            effective_to=self.effective_to,
            school_year_start=self.school_year_start,
            from_school_year=self.from_school_year,
            to_school_year=self.to_school_year,
            months_in_force=self.months_in_force,
        )

    def counts_for(self, school_year: int) -> bool:
        return self.timing.counts_for(school_year, self.school_year_start, self.amount.months)

    def months_paid(self, school_year: int) -> int | None:
        """The months the amount counts in `school_year` (None: the amount's own)."""
        return self.timing.months_paid(school_year, self.school_year_start, self.amount.months)


@dataclass(frozen=True)
class PolicyDocument:
    code: str
    names: dict[str, str]
    jurisdiction: str
    currency: str
    source: dict
    effective_from: dt.date
    effective_to: dt.date | None
    school_year_start: str
    benefits: tuple[BenefitSpec, ...]
    document: dict
    checksum: str
    file_name: str

    def reference_date(self, school_year: int) -> dt.date:
        return reference_date(school_year, self.school_year_start)

    def benefits_in_force(self, school_year: int) -> list[BenefitSpec]:
        """The benefits that count for `school_year`, whole or for some of its months."""
        return [benefit for benefit in self.benefits if benefit.counts_for(school_year)]


def reference_date(school_year: int, school_year_start: str = DEFAULT_SCHOOL_YEAR_START) -> dt.date:
    """The day a school year's benefits are judged on: `school_year_start` ("MM-DD") of Y."""
    return _reference_date(school_year, school_year_start)


# -- JSON and checksums ---------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """The parsed YAML as JSON values: dates as ISO text, keys as text."""
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def canonical_json(document: Any) -> str:
    return json.dumps(jsonable(document), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def document_checksum(document: Any) -> str:
    return hashlib.sha256(canonical_json(document).encode()).hexdigest()


# -- reading files --------------------------------------------------------------------------


def read_yaml(path: Path) -> Any:
    """The YAML content of a file (safe loader); a file error or syntax error is reported."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyFileError([f"{path.name}: {error.strerror}"]) from error
    return read_yaml_text(text, name=path.name)


def read_yaml_text(text: str, *, name: str) -> Any:
    """The YAML content of a text (safe loader); a syntax error is reported with its line."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f"{where.line + 1}:" if where is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        message = _("not valid YAML: %(problem)s") % {"problem": problem}
        raise PolicyFileError([f"{name}:{line} {message}"]) from error


def file_kind(data: Any) -> str | None:
    """`policy` for a file with benefits, `reference` for one with values (or whose values are
    entered in the admin)."""
    if isinstance(data, Mapping):
        if "benefits" in data:
            return "policy"
        if "values" in data or "admin_values" in data:
            return "reference"
    return None


def yaml_files(directory: Path) -> list[Path]:
    return sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])


# -- small validators -----------------------------------------------------------------------


def known_currency(value: Any) -> bool:
    return isinstance(value, str) and value in CURRENCY_EXPONENTS


def unknown_keys(node: Mapping, allowed: tuple[str, ...], path: str) -> list[str]:
    prefix = f"{path}." if path else ""
    return [f"{prefix}{key}: " + _("unknown key") for key in node if key not in allowed]


def parse_names(node: Any, path: str) -> tuple[dict[str, str], list[str]]:
    if not isinstance(node, Mapping):
        return {}, [f"{path}: " + _("must be a mapping with vi, zh and en")]
    errors = [
        f"{path}.{key}: " + _("unknown language (use vi, zh, en)")
        for key in node
        if key not in LANGUAGES
    ]
    for lang in LANGUAGES:
        if not isinstance(node.get(lang), str) or not node[lang].strip():
            errors.append(f"{path}.{lang}: " + _("missing"))
    return {lang: node.get(lang) for lang in LANGUAGES}, errors


def parse_date(value: Any, path: str, errors: list[str]) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    errors.append(f"{path}: " + _("must be a date (YYYY-MM-DD)"))
    return None


def _source(node: Any, path: str) -> list[str]:
    if not isinstance(node, Mapping):
        return [f"{path}: " + _("must be a mapping with document, article, date")]
    errors = unknown_keys(node, SOURCE_KEYS, path)
    if not isinstance(node.get("document"), str) or not node["document"].strip():
        errors.append(f"{path}.document: " + _("missing"))
    if "date" in node:
        parse_date(node["date"], f"{path}.date", errors)
    if "confidence" in node and node["confidence"] not in CONFIDENCE_LEVELS:
        errors.append(
            f"{path}.confidence: "
            + _("must be one of %(levels)s") % {"levels": ", ".join(CONFIDENCE_LEVELS)}
        )
    return errors


def _effective(
    node: Any, path: str, *, required: bool
) -> tuple[dt.date | None, dt.date | None, list[str]]:
    errors: list[str] = []
    if not isinstance(node, Mapping):
        return None, None, [f"{path}: " + _("must be a mapping with from and optionally to")]
    errors += unknown_keys(node, ("from", "to"), path)
    start = end = None
    if "from" in node:
        start = parse_date(node["from"], f"{path}.from", errors)
    elif required:
        errors.append(f"{path}.from: " + _("missing"))
    if node.get("to") is not None:
        end = parse_date(node["to"], f"{path}.to", errors)
    if start and end and start > end:
        errors.append(f"{path}: " + _("from must not be after to"))
    return start, end, errors


def _school_year_start(value: Any, errors: list[str]) -> str:
    match = MONTH_DAY.match(value) if isinstance(value, str) else None
    if match:
        try:
            dt.date(2023, int(match[1]), int(match[2]))  # a common year: no 29 February
            return value
        except ValueError:
            pass
    errors.append("school_year_start: " + _('must be "MM-DD", e.g. "09-05"'))
    return DEFAULT_SCHOOL_YEAR_START


# -- policies -------------------------------------------------------------------------------


def parse_policy(
    data: Any, *, file_name: str, tables: Mapping[str, TableInfo] | None = None
) -> PolicyDocument:
    """A validated policy; raises PolicyFileError listing every error. `tables` are the known
    reference tables (None: percent amounts are not checked against tables)."""
    if not isinstance(data, Mapping):
        raise PolicyFileError([f"{file_name}: " + _("must be a mapping (code, names, benefits)")])
    errors = unknown_keys(data, POLICY_KEYS, "")
    for key in ("code", "names", "jurisdiction", "currency", "effective", "benefits"):
        if key not in data:
            errors.append(f"{key}: " + _("missing"))
    code = data.get("code")
    if "code" in data and (not isinstance(code, str) or not POLICY_CODE.match(code)):
        errors.append("code: " + _("must be lower-case letters, digits and dashes"))
    names, name_errors = parse_names(data.get("names"), "names") if "names" in data else ({}, [])
    errors += name_errors
    jurisdiction = data.get("jurisdiction")
    if "jurisdiction" in data and (
        not isinstance(jurisdiction, str) or not UNIT_PATH.match(jurisdiction)
    ):
        errors.append("jurisdiction: " + _("must be a unit path such as VN or CN.520000000000"))
    currency = data.get("currency")
    if "currency" in data and not known_currency(currency):
        errors.append(
            "currency: " + _("must be one of %(known)s") % {"known": ", ".join(CURRENCY_EXPONENTS)}
        )
    source = data.get("source")
    if source is not None:
        errors += _source(source, "source")
    start = end = None
    if "effective" in data:
        start, end, date_errors = _effective(data["effective"], "effective", required=True)
        errors += date_errors
    year_start = _school_year_start(
        data.get("school_year_start", DEFAULT_SCHOOL_YEAR_START), errors
    )
    benefits: list[BenefitSpec] = []
    raw_benefits = data.get("benefits")
    if "benefits" in data and (not isinstance(raw_benefits, list) or not raw_benefits):
        errors.append("benefits: " + _("must be a non-empty list"))
    elif isinstance(raw_benefits, list):
        money = currency if known_currency(currency) else None
        benefits, benefit_errors = _benefits(
            raw_benefits,
            currency=money,
            tables=tables,
            policy_source=source,
            dates=(start, end),
            school_year_start=year_start,
        )
        errors += benefit_errors
    if errors:
        raise PolicyFileError([f"{file_name}: {error}" for error in errors])
    document = jsonable(data)
    return PolicyDocument(
        code=code,
        names=names,
        jurisdiction=jurisdiction,
        currency=currency,
        source=jsonable(source or {}),
        effective_from=start,
        effective_to=end,
        school_year_start=year_start,
        benefits=tuple(benefits),
        document=document,
        checksum=document_checksum(document),
        file_name=file_name,
    )


def _benefits(
    raw: list,
    *,
    currency: str | None,
    tables: Mapping[str, TableInfo] | None,
    policy_source: Any,
    dates: tuple[dt.date | None, dt.date | None],
    school_year_start: str,
) -> tuple[list[BenefitSpec], list[str]]:
    benefits, errors = [], []
    first_index: dict[str, int] = {}
    for index, node in enumerate(raw):
        code = node.get("code") if isinstance(node, Mapping) else None
        path = f"benefits[{index}]"
        if isinstance(code, str) and code:
            path += f" (code {code})"
            if code in first_index:
                errors.append(
                    f"{path}.code: "
                    + _("appears twice (also benefits[%(index)s])") % {"index": first_index[code]}
                )
            first_index.setdefault(code, index)
        benefit, benefit_errors = _benefit(
            node,
            index=index,
            path=path,
            currency=currency,
            tables=tables,
            policy_source=policy_source,
            dates=dates,
            school_year_start=school_year_start,
        )
        errors += benefit_errors
        if benefit is not None:
            benefits.append(benefit)
    return benefits, errors


def _benefit(
    node: Any,
    *,
    index: int,
    path: str,
    currency: str | None,
    tables: Mapping[str, TableInfo] | None,
    policy_source: Any,
    dates: tuple[dt.date | None, dt.date | None],
    school_year_start: str,
) -> tuple[BenefitSpec | None, list[str]]:
    if not isinstance(node, Mapping):
        return None, [f"{path}: " + _("must be a mapping")]
    errors = unknown_keys(node, BENEFIT_KEYS, path)
    for key in ("code", "names", "kind", "condition", "amount", "funding"):
        if key not in node:
            errors.append(f"{path}.{key}: " + _("missing"))
    code = node.get("code")
    if "code" in node and (not isinstance(code, str) or not SNAKE_CODE.match(code)):
        errors.append(f"{path}.code: " + _("must be snake_case (a-z, 0-9, _)"))
    names, name_errors = (
        parse_names(node["names"], f"{path}.names") if "names" in node else ({}, [])
    )
    errors += name_errors
    if "kind" in node and node["kind"] not in BENEFIT_KINDS:
        errors.append(
            f"{path}.kind: " + _("must be one of %(kinds)s") % {"kinds": ", ".join(BENEFIT_KINDS)}
        )
    source = node.get("source", policy_source)
    if source is None:
        errors.append(f"{path}.source: " + _("missing (and the policy has no source)"))
    elif "source" in node:
        errors += _source(source, f"{path}.source")
    policy_from, policy_to = dates
    start, end = policy_from, policy_to
    if "effective" in node:
        own_from, own_to, date_errors = _effective(
            node["effective"], f"{path}.effective", required=False
        )
        errors += date_errors
        start = max(filter(None, (own_from, policy_from)), default=None)
        end = min(filter(None, (own_to, policy_to)), default=None)
        if not date_errors and start and end and start > end:
            errors.append(f"{path}.effective: " + _("never in force within the policy's dates"))
    if "condition" in node:
        errors += validate_condition(node["condition"], f"{path}.condition")
    amount = None
    if "amount" in node and currency is not None:
        amount, amount_errors = parse_amount(
            node["amount"], path=f"{path}.amount", currency=currency, tables=tables
        )
        errors += amount_errors
    in_kind, in_kind_errors = parse_in_kind(node.get("in_kind"), path=f"{path}.in_kind")
    errors += in_kind_errors
    funding: list[FundingShare] = []
    if "funding" in node:
        funding, funding_errors = parse_funding(node["funding"], path=f"{path}.funding")
        errors += funding_errors
    group = node.get("exclusive_group", "")
    if group and (not isinstance(group, str) or not SNAKE_CODE.match(group)):
        errors.append(f"{path}.exclusive_group: " + _("must be snake_case (a-z, 0-9, _)"))
    purpose = node.get("purpose", code)
    if "purpose" in node and (not isinstance(purpose, str) or not SNAKE_CODE.match(purpose)):
        errors.append(f"{path}.purpose: " + _("must be snake_case (a-z, 0-9, _)"))
    school_years, timing_errors = _school_years(
        node, path=path, dates=(start, end), policy_from=policy_from, start=school_year_start
    )
    errors += timing_errors
    months_in_force = node.get("months_in_force", False)
    if not isinstance(months_in_force, bool):
        errors.append(f"{path}.months_in_force: " + _("must be true or false"))
    elif months_in_force and amount is not None and amount.per != "month":
        errors.append(f"{path}.months_in_force: " + _("only with a monthly amount (per: month)"))
    if errors or amount is None or start is None:
        return None, errors
    return (
        BenefitSpec(
            index=index,
            code=code,
            names=names,
            kind=node["kind"],
            source=jsonable(source),
            effective_from=start,
            effective_to=end,
            condition=jsonable(node["condition"]),
            amount=amount,
            in_kind=tuple(in_kind),
            funding=tuple(funding),
            exclusive_group=group or "",
            document=jsonable(node),
            purpose=purpose,
            from_school_year=school_years[0],
            to_school_year=school_years[1],
            months_in_force=months_in_force,
            school_year_start=school_year_start,
        ),
        [],
    )


def school_year_of(day: dt.date, school_year_start: str) -> int:
    """The school year a day falls in: the year whose reference date is the last on or before
    it."""
    return day.year if day >= _reference_date(day.year, school_year_start) else day.year - 1


def _school_years(
    node: Mapping,
    *,
    path: str,
    dates: tuple[dt.date | None, dt.date | None],
    policy_from: dt.date | None,
    start: str,
) -> tuple[tuple[int | None, int | None], list[str]]:
    """`applies_from_school_year` and `applies_to_school_year`: school years that hold the
    benefit's own dates (a typo shows), within the policy's dates, from before to."""
    errors: list[str] = []
    years: list[int | None] = []
    effective_from, effective_to = dates
    for key in ("applies_from_school_year", "applies_to_school_year"):
        year = whole_number(node.get(key), 1900, 2200) if key in node else None
        if key in node and year is None:
            errors.append(f"{path}.{key}: " + _("must be a school year such as 2021"))
        years.append(year)
    first, last = years
    if first is not None and effective_from is not None:
        if first < school_year_of(effective_from, start):
            errors.append(
                f"{path}.applies_from_school_year: "
                + _("school year %(year)s ends before the benefit is in force (%(day)s)")
                % {"year": first, "day": effective_from.isoformat()}
            )
        if policy_from is not None and _reference_date(first, start) < policy_from:
            errors.append(
                f"{path}.applies_from_school_year: "
                + _("school year %(year)s begins before the policy is in force (%(day)s)")
                % {"year": first, "day": policy_from.isoformat()}
            )
    if last is not None and effective_to is not None and last > school_year_of(effective_to, start):
        errors.append(
            f"{path}.applies_to_school_year: "
            + _("school year %(year)s begins after the benefit ends (%(day)s)")
            % {"year": last, "day": effective_to.isoformat()}
        )
    if first is not None and last is not None and first > last:
        errors.append(f"{path}.applies_to_school_year: " + _("must not be before the first"))
    return (first, last), errors


# -- directories (no database: `reach calc`) ------------------------------------------------


def find_policy_file(directory: Path, code: str) -> tuple[Path, Any]:
    """The file of `directory` whose `code:` is `code`, with its parsed YAML."""
    unreadable: list[str] = []
    for path in yaml_files(directory) if directory.is_dir() else []:
        try:
            data = read_yaml(path)
        except PolicyFileError as error:
            unreadable += error.errors
            continue
        if isinstance(data, Mapping) and data.get("code") == code:
            return path, data
    message = _("no policy with code %(code)s in %(directory)s") % {
        "code": code,
        "directory": directory,
    }
    raise PolicyFileError([message, *unreadable])
