"""Amounts of a benefit (docs/policy-files.md, "Amounts"), in-kind quantities and funding shares.

Money is integer minor units with a currency code; the file gives major units (ints or decimal
strings such as "4.5"), parsed as Decimal and never as a float. A percent amount is rounded half
up to the minor unit per period, then multiplied by the months or days; a cap applies to the
yearly amount.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from reach.common.languages import lang_key
from reach.common.money import CURRENCY_EXPONENTS, format_major, plain, to_decimal, to_minor
from reach.geo.models import is_under

PERIODS = ("year", "month", "day")
TUITION_FEE = "tuition_fee"  # the fee table; `reach calc` takes the student's own monthly fee
DAYS_FIELDS = ("school_days",)
AMOUNT_KEYS = ("per", "value", "percent", "of", "months", "days", "days_field", "cap")
IN_KIND_KEYS = ("item", "unit", "quantity", "per", "months", "days")
MAX_PERCENT = Decimal(1000)


class AmountUnavailable(Exception):
    """A reference value the amount needs is not known; `column` names the student's column
    that could supply it. `per_pupil`: the value depends on the pupil's level and unit (a fee,
    or a value a province sets), so only the pupils without one are left out, with the reason;
    otherwise the table itself lacks the value and nothing can be computed."""

    def __init__(self, message: str, column: str | None = None, *, per_pupil: bool = False):
        super().__init__(message)
        self.column = column
        self.per_pupil = per_pupil or column is not None


class AmountNotSet(AmountUnavailable):
    """The policy file leaves the amount unset (`value: null`): the source does not give it.
    No column can supply it (`column` is ""): the pupils who meet the condition are left out
    with a warning, as when their fee is missing, never paid a silent zero."""

    def __init__(self, message: str):
        super().__init__(message, column="")


# -- numbers and money ----------------------------------------------------------------------


def _money_message(currency: str) -> str:
    places = CURRENCY_EXPONENTS[currency]
    if places == 0:
        return _("must be a whole number of %(currency)s") % {"currency": currency}
    return _("must be a number of %(currency)s with at most %(places)s decimals") % {
        "currency": currency,
        "places": places,
    }


# -- reference tables -----------------------------------------------------------------------


@dataclass(frozen=True)
class TableInfo:
    code: str
    currency: str
    per: str
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReferenceRow:
    value_minor: int
    valid_from: dt.date | None = None
    school_year: int | None = None
    keys: Mapping[str, str] = field(default_factory=dict)


class ReferenceBook:
    """Reference tables in memory (from files for `reach calc`, or from the database)."""

    def __init__(self, tables: Mapping[str, TableInfo], rows: Mapping[str, Sequence[ReferenceRow]]):
        self.tables = dict(tables)
        self.rows = {code: list(values) for code, values in rows.items()}

    def value(
        self,
        code: str,
        *,
        reference_date: dt.date,
        school_year: int,
        level: str | None = None,
        unit_path: str | None = None,
    ) -> int | None:
        """The value in force: rows of that school year, or the latest `from` on or before the
        reference date; among keyed rows, the level must match and the longest unit-path
        prefix of `unit_path` wins."""
        best: tuple | None = None
        for row in self.rows.get(code, ()):
            if row.school_year is not None and row.school_year != school_year:
                continue
            if row.valid_from is not None and row.valid_from > reference_date:
                continue
            if "level" in row.keys and row.keys["level"] != level:
                continue
            unit = row.keys.get("unit")
            if unit is not None and not is_under(unit_path, unit):
                continue
            rank = (len(unit or ""), row.valid_from or dt.date.min)
            if best is None or rank > best[0]:
                best = (rank, row.value_minor)
        return None if best is None else best[1]


# -- parsed specs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AmountSpec:
    per: str
    value_minor: int | None = None
    percent: Decimal | None = None
    of: str | None = None
    months: int | None = None
    days: int | None = None
    days_field: str | None = None
    cap_minor: int | None = None
    not_set: bool = False  # `value: null`: the source does not give the amount (to confirm)


@dataclass(frozen=True)
class InKindSpec:
    item: str
    unit: str
    quantity: Decimal
    per: str
    months: int | None = None
    days: int | None = None


@dataclass(frozen=True)
class InKind:
    item: str
    unit: str
    quantity: Decimal

    def as_dict(self) -> dict:
        return {"item": self.item, "unit": self.unit, "quantity": plain(self.quantity)}


@dataclass(frozen=True)
class FundingShare:
    source: str
    share: Decimal


@dataclass(frozen=True)
class Amount:
    minor: int
    currency: str
    formula_words: str
    in_kind: list[InKind] = field(default_factory=list)


def whole_number(value: Any, low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return None
    return value


def _count_errors(node: Mapping, per: str, path: str) -> tuple[int | None, int | None, list[str]]:
    """`months` (per month) and `days` (per day): present exactly when the period needs them."""
    errors: list[str] = []
    months = days = None
    if per == "month":
        months = whole_number(node.get("months"), 1, 12)
        if months is None:
            errors.append(f"{path}.months: " + _("must be a whole number 1-12"))
    elif "months" in node:
        errors.append(f"{path}.months: " + _("only with per: month"))
    if per == "day":
        days = whole_number(node.get("days"), 1, 366)
        if days is None:
            errors.append(f"{path}.days: " + _("must be a whole number 1-366"))
    elif "days" in node:
        errors.append(f"{path}.days: " + _("only with per: day"))
    return months, days, errors


def parse_amount(
    node: Any, *, path: str, currency: str, tables: Mapping[str, TableInfo] | None = None
) -> tuple[AmountSpec | None, list[str]]:
    """The amount of a benefit and every error in it. `tables` (when given) are the reference
    tables a percent may refer to."""
    if not isinstance(node, Mapping):
        return None, [f"{path}: " + _("must be a mapping")]
    errors = [f"{path}.{key}: " + _("unknown key") for key in node if key not in AMOUNT_KEYS]
    per = node.get("per")
    if per not in PERIODS:
        errors.append(f"{path}.per: " + _("must be one of year, month, day"))
        return None, errors
    months, days, count_errors = _count_errors(node, per, path)
    errors += count_errors
    days_field = node.get("days_field")
    if days_field is not None and (per != "day" or days_field not in DAYS_FIELDS):
        errors.append(f"{path}.days_field: " + _("only school_days, with per: day"))
    value_minor = percent = of = None
    if ("value" in node) == ("percent" in node):
        errors.append(f"{path}: " + _("must have either value or percent (with of)"))
    elif "value" in node:
        value_minor = None if node["value"] is None else to_minor(node["value"], currency)
        if node["value"] is not None and (value_minor is None or value_minor < 0):
            errors.append(f"{path}.value: " + _money_message(currency))
        if "of" in node:
            errors.append(f"{path}.of: " + _("only with percent"))
    else:
        percent = to_decimal(node["percent"])
        if percent is None or not 0 < percent <= MAX_PERCENT:
            errors.append(f"{path}.percent: " + _("must be a number above 0, at most 1000"))
        of = node.get("of")
        errors += _table_errors(of, per=per, currency=currency, tables=tables, path=f"{path}.of")
    cap_minor = None
    if "cap" in node:
        cap_minor = to_minor(node["cap"], currency)
        if cap_minor is None or cap_minor <= 0:
            errors.append(f"{path}.cap: " + _money_message(currency))
    if errors:
        return None, errors
    not_set = "value" in node and node["value"] is None
    spec = AmountSpec(per, value_minor, percent, of, months, days, days_field, cap_minor, not_set)
    return spec, []


def _table_errors(
    of: Any, *, per: str, currency: str, tables: Mapping[str, TableInfo] | None, path: str
) -> list[str]:
    if not isinstance(of, str) or not of:
        return [f"{path}: " + _("must name a reference table, e.g. base_salary or tuition_fee")]
    if of == TUITION_FEE and per != "month":
        return [f"{path}: " + _("tuition_fee is a monthly fee: use per: month")]
    table = (tables or {}).get(of)
    if table is None or (of == TUITION_FEE and table.currency != currency):
        # The fee table holds one currency's fees: a policy in another currency finds none
        # there and takes each pupil's own fee (see _per_period_base).
        if tables is None or of == TUITION_FEE:
            return []
        return [
            f"{path}: "
            + _("unknown reference table %(code)r; known: %(known)s")
            % {"code": of, "known": ", ".join(sorted(tables)) or "-"}
        ]
    errors = []
    if table.currency != currency:
        errors.append(
            f"{path}: "
            + _("table %(code)s is in %(table)s, the policy in %(policy)s")
            % {"code": of, "table": table.currency, "policy": currency}
        )
    if table.per != per:
        errors.append(
            f"{path}: "
            + _("table %(code)s is per %(table)s, the amount per %(amount)s")
            % {"code": of, "table": table.per, "amount": per}
        )
    return errors


def parse_in_kind(node: Any, *, path: str) -> tuple[list[InKindSpec], list[str]]:
    if node is None:
        return [], []
    if not isinstance(node, list):
        return [], [f"{path}: " + _("must be a list")]
    specs, errors = [], []
    for index, item in enumerate(node):
        where = f"{path}[{index}]"
        if not isinstance(item, Mapping):
            errors.append(f"{where}: " + _("must be a mapping"))
            continue
        errors += [f"{where}.{key}: " + _("unknown key") for key in item if key not in IN_KIND_KEYS]
        for key in ("item", "unit"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                errors.append(f"{where}.{key}: " + _("must be a non-empty text"))
        quantity = to_decimal(item.get("quantity"))
        if quantity is None or quantity <= 0:
            errors.append(f"{where}.quantity: " + _("must be a number above 0"))
        per = item.get("per", "year")
        if per not in PERIODS:
            errors.append(f"{where}.per: " + _("must be one of year, month, day"))
            continue
        months, days, count_errors = _count_errors(item, per, where)
        errors += count_errors
        if not errors and quantity is not None:
            specs.append(InKindSpec(item["item"], item["unit"], quantity, per, months, days))
    return specs, errors


def parse_funding(node: Any, *, path: str) -> tuple[list[FundingShare], list[str]]:
    """Funding sources and their shares (percent); the shares add up to exactly 100."""
    if not isinstance(node, list) or not node:
        return [], [f"{path}: " + _("must be a non-empty list of {source, share}")]
    shares, errors, seen = [], [], set()
    for index, item in enumerate(node):
        where = f"{path}[{index}]"
        if not isinstance(item, Mapping):
            errors.append(f"{where}: " + _("must be a mapping"))
            continue
        errors += [
            f"{where}.{key}: " + _("unknown key") for key in item if key not in ("source", "share")
        ]
        source = item.get("source")
        if not isinstance(source, str) or not source.strip():
            errors.append(f"{where}.source: " + _("must be a non-empty text"))
        elif source in seen:
            errors.append(f"{where}.source: " + _("%(source)s appears twice") % {"source": source})
        else:
            seen.add(source)
        share = to_decimal(item.get("share"))
        if share is None or not 0 < share <= 100:
            errors.append(f"{where}.share: " + _("must be a number above 0, at most 100"))
        elif isinstance(source, str):
            shares.append(FundingShare(source, share))
    if not errors:
        total = sum((s.share for s in shares), Decimal(0))
        if total != 100:
            errors.append(
                f"{path}: " + _("shares add up to %(total)s, not 100") % {"total": plain(total)}
            )
    return (shares if not errors else []), errors


def split_funding(
    minor: int, shares: Sequence[FundingShare | Mapping | tuple]
) -> list[tuple[str, int]]:
    """Split an amount by shares (largest remainder): the parts add up exactly to `minor`;
    leftover minor units go to the largest fractions, the first source first on ties. Shares
    are FundingShare, `{source, share}` as stored on a benefit, or (source, share) pairs."""
    funding = [_funding_share(share) for share in shares]
    if minor < 0:
        return [(source, -part) for source, part in split_funding(-minor, funding)]
    exact = [Decimal(minor) * share.share / 100 for share in funding]
    parts = [int(x.to_integral_value(rounding=ROUND_FLOOR)) for x in exact]
    order = sorted(range(len(funding)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[: minor - sum(parts)]:
        parts[i] += 1
    return [(share.source, part) for share, part in zip(funding, parts, strict=True)]


def _funding_share(share: FundingShare | Mapping | tuple) -> FundingShare:
    if isinstance(share, FundingShare):
        return share
    source, value = (share["source"], share["share"]) if isinstance(share, Mapping) else share
    number = to_decimal(value)
    if number is None:
        raise ValueError(f"share {value!r} of {source} is not a number")
    return FundingShare(source, number)


# -- computing ------------------------------------------------------------------------------

_PERIOD_WORDS = {
    "en": {"year": "{v} a year", "month": "{v} × {n} months", "day": "{v} × {n} days"},
    "vi": {"year": "{v} một năm", "month": "{v} × {n} tháng", "day": "{v} × {n} ngày"},
    "zh": {"year": "每年 {v}", "month": "{v} × {n} 个月", "day": "{v} × {n} 天"},
}
_MONTHS_IN_FORCE_WORDS = {
    "en": "{v} × {n} of {cap} months in force",
    "vi": "{v} × {n}/{cap} tháng có hiệu lực",
    "zh": "{v} × 生效的 {n}/{cap} 个月",
}
_PERCENT_WORDS = {
    "en": "{p}% of {ref} = {v}",
    "vi": "{p}% của {ref} = {v}",
    "zh": "{ref} 的 {p}% = {v}",
}
_CAP_WORDS = {
    "en": " = {total}, capped at {cap}",
    "vi": " = {total}, tối đa {cap}",
    "zh": " = {total}，上限 {cap}",
}


def _per_period_base(
    spec: AmountSpec,
    *,
    currency: str,
    facts: Mapping,
    book: ReferenceBook,
    reference_date: dt.date,
    school_year: int,
) -> int:
    if spec.of == TUITION_FEE and facts.get("tuition_fee_month") is not None:
        return facts["tuition_fee_month"]
    table = book.tables.get(spec.of or "")
    foreign = table is not None and table.currency != currency  # no fee of this currency
    base = (
        None
        if foreign
        else book.value(
            spec.of or "",
            reference_date=reference_date,
            school_year=school_year,
            level=facts.get("level"),
            unit_path=facts.get("unit_path"),
        )
    )
    if base is not None:
        return base
    if spec.of == TUITION_FEE:
        raise AmountUnavailable(
            _("no tuition fee for level %(level)s in %(unit)s, school year %(year)s")
            % {
                "level": facts.get("level"),
                "unit": facts.get("unit_path") or "-",
                "year": school_year,
            },
            column="tuition_fee_month",
        )
    if table is not None and "unit" in table.keys:
        # A table of values set place by place (e.g. by each province): a place without one
        # leaves its pupils out, saying the value is not set, never paying them zero.
        raise AmountUnavailable(
            _("%(table)s not set for level %(level)s in %(unit)s, school year %(year)s")
            % {
                "table": spec.of,
                "level": facts.get("level"),
                "unit": facts.get("unit_path") or "-",
                "year": school_year,
            },
            per_pupil=True,
        )
    raise AmountUnavailable(
        _("no value of %(table)s in force on %(date)s")
        % {"table": spec.of, "date": reference_date.isoformat()}
    )


def _count(spec: AmountSpec | InKindSpec, facts: Mapping, months: int | None = None) -> int:
    if spec.per == "month":
        return min(spec.months or 0, months) if months is not None else (spec.months or 0)
    if spec.per == "day":
        days_field = getattr(spec, "days_field", None)
        known = facts.get(days_field) if days_field else None
        return known if known is not None else (spec.days or 0)
    return 1


def compute_amount(
    spec: AmountSpec,
    *,
    currency: str,
    facts: Mapping,
    book: ReferenceBook | None = None,
    reference_date: dt.date,
    school_year: int,
    in_kind: Sequence[InKindSpec] = (),
    lang: str = "en",
    months: int | None = None,
) -> Amount:
    """One student's amount for one school year, with the arithmetic in words. `months` are
    the months of the school year a monthly benefit is in force, when it counts them
    (reach.policy.timing); a monthly amount and monthly goods count that many, at most their
    own `months`."""
    lang = lang_key(lang)

    def money(minor: int) -> str:
        return format_major(minor, currency, lang=lang)

    if spec.not_set:
        raise AmountNotSet(_("the amount is not set in the policy file (to confirm)"))
    if spec.percent is not None:
        base = _per_period_base(
            spec,
            currency=currency,
            facts=facts,
            book=book or ReferenceBook({}, {}),
            reference_date=reference_date,
            school_year=school_year,
        )
        per_period = int(
            (Decimal(base) * spec.percent / 100).to_integral_value(rounding=ROUND_HALF_UP)
        )
        first = _PERCENT_WORDS[lang].format(
            p=plain(spec.percent), ref=money(base), v=money(per_period)
        )
    else:
        per_period = spec.value_minor or 0
        first = money(per_period)
    count = _count(spec, facts, months)
    total = per_period * count
    if months is not None and spec.per == "month":
        words = _MONTHS_IN_FORCE_WORDS[lang].format(v=first, n=count, cap=spec.months)
    else:
        words = _PERIOD_WORDS[lang][spec.per].format(v=first, n=count)
    if spec.cap_minor is not None and total > spec.cap_minor:
        words += _CAP_WORDS[lang].format(total=money(total), cap=money(spec.cap_minor))
        total = spec.cap_minor
    goods = [InKind(s.item, s.unit, s.quantity * _count(s, facts, months)) for s in in_kind]
    return Amount(minor=total, currency=currency, formula_words=words, in_kind=goods)


_TABLE_WORDS = {"en": "{p}% of {table}", "vi": "{p}% {table}", "zh": "{table}的 {p}%"}
_DAYS_FIELD_WORDS = {
    "en": " (the pupil's own school days when known)",
    "vi": " (theo số ngày học của học sinh khi có)",
    "zh": "（已知时按学生实际在校天数）",
}
_NOT_SET_WORDS = {
    "en": "not set (to confirm)",
    "vi": "chưa đặt (cần xác nhận)",
    "zh": "未设定（待确认）",
}
_CAP_ONLY_WORDS = {"en": ", at most {cap}", "vi": ", tối đa {cap}", "zh": "，上限 {cap}"}


def describe_amount(
    spec: AmountSpec,
    *,
    currency: str,
    lang: str = "en",
    table_names: Mapping | None = None,
    timing: str = "",
) -> str:
    """The amount formula in words, before any student's facts (`table_names`: the reference
    tables' names in `lang`, by code; `timing`: how the benefit meets a school year, in words,
    from `reach.policy.timing.describe_timing`)."""
    lang = lang_key(lang)

    def money(minor: int) -> str:
        return f"{format_major(minor, currency, lang=lang)} {currency}"

    if spec.percent is not None:
        table = (table_names or {}).get(spec.of, spec.of)
        first = _TABLE_WORDS[lang].format(p=plain(spec.percent), table=table)
    elif spec.not_set:
        first = _NOT_SET_WORDS[lang]
    else:
        first = money(spec.value_minor or 0)
    count = {"month": spec.months, "day": spec.days}.get(spec.per)
    words = _PERIOD_WORDS[lang][spec.per].format(v=first, n=count)
    if spec.per == "day" and spec.days_field:
        words += _DAYS_FIELD_WORDS[lang]
    if spec.cap_minor is not None:
        words += _CAP_ONLY_WORDS[lang].format(cap=money(spec.cap_minor))
    if timing:
        words += f" ({timing})"
    return words
