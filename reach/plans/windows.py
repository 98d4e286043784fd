"""A task's time window as a plan writes it, read into a first and a last day.

    parse_window("Tháng 03/2023")          -> 2023-03-01 .. 2023-03-31
    parse_window("01/2023-12/2023")        -> 2023-01-01 .. 2023-12-31
    parse_window("05/2023 đến 11/2023")    -> 2023-05-01 .. 2023-11-30
    parse_window("Quý II/2023")            -> 2023-04-01 .. 2023-06-30
    parse_window("Cả năm", year=2023)      -> 2023-01-01 .. 2023-12-31
    parse_window("2023年3月至6月"), parse_window("第二季度", year=2023)
    parse_window("March-June 2023"), parse_window("Q2 2023"), parse_window("Whole year", year=2023)

A window the parser does not understand keeps its text and gets no dates (`understood` False),
so the page can flag it; a whole year or a quarter written without its year needs the plan's
year (`year`), else it is not understood either. Pure: no database, no settings.
"""

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    text: str
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None

    @property
    def understood(self) -> bool:
        """Whether the text gave dates (an empty window has none and needs none)."""
        return not self.text or self.starts_on is not None or self.ends_on is not None


ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
CHINESE_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
                   "十": 10, "十一": 11, "十二": 12}  # fmt: skip
ENGLISH_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (calendar.month_name[number].lower(), calendar.month_abbr[number].lower())
}
WHOLE_YEAR = {
    "cả năm", "trong năm", "thường xuyên", "quanh năm", "全年", "全年度", "整年",
    "whole year", "all year", "full year", "throughout the year", "year-round", "all year round",
}  # fmt: skip

_MONTH_YEAR = r"(\d{1,2})\s*[/.\-]\s*(\d{4})"
_RANGE = r"\s*(?:-|–|—|~|đến|tới|to|until|至|到)\s*"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # 01/2023-12/2023, 05/2023 đến 11/2023
    (re.compile(rf"^(?:từ\s*)?(?:tháng\s*)?{_MONTH_YEAR}{_RANGE}(?:tháng\s*)?{_MONTH_YEAR}$"),
     "month_range"),
    # tháng 3-5/2023
    (re.compile(rf"^(?:từ\s*)?(?:tháng\s*)?(\d{{1,2}}){_RANGE}(?:tháng\s*)?{_MONTH_YEAR}$"),
     "months_of_year"),
    # Tháng 03/2023, 10/2023
    (re.compile(rf"^(?:trong\s*)?(?:tháng\s*)?{_MONTH_YEAR}$"), "month"),
    # Quý II/2023, Quý 2 năm 2023, Q2 2023, Q2/2023
    (re.compile(r"^(?:quý|q|quarter)\s*(iv|iii|ii|i|[1-4])\s*(?:[/\-]|năm|of)?\s*(\d{4})$"),
     "quarter"),
    # 15/03/2023, trước 30/6/2023
    (re.compile(r"^(trước(?:\s*ngày)?|before|by|no later than)?\s*(?:ngày\s*)?"
                r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})$"), "day"),
    # Năm 2023, 2023年, 2023
    (re.compile(r"^(?:năm\s*)?(\d{4})(?:\s*年(?:度)?)?$"), "year"),
]  # fmt: skip
_CHINESE_MONTHS = re.compile(
    r"^(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月(?:份)?(?:"
    + _RANGE
    + r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月(?:份)?)?(?:底|末)?$"
)
_CHINESE_QUARTER = re.compile(r"^(?:(\d{4})\s*年\s*)?第\s*([一二三四1-4])\s*季度$")
_ENGLISH_MONTHS = re.compile(
    r"^([a-z]+)\.?(?:\s+(\d{4}))?(?:" + _RANGE + r"([a-z]+)\.?)?\s*,?\s*(\d{4})$"
)
_QUARTER_ALONE = re.compile(
    r"^(?:quý|q|quarter)\s*(iv|iii|ii|i|[1-4])$|^第\s*([一二三四1-4])\s*季度$"
)


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFC", text).strip().casefold()
    return re.sub(r"\s+", " ", text).rstrip(".;")


def _month_span(year: int, first: int, last: int) -> tuple[dt.date, dt.date] | None:
    if not (1 <= first <= 12 and 1 <= last <= 12 and 1900 < year < 2200):
        return None
    return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])


def _between(start: tuple[int, int], end: tuple[int, int]) -> tuple[dt.date, dt.date] | None:
    """From the first day of month start=(month, year) to the last of end=(month, year)."""
    first, last = _month_span(start[1], start[0], start[0]), _month_span(end[1], end[0], end[0])
    if first is None or last is None or first[0] > last[1]:
        return None
    return first[0], last[1]


def _quarter(year: int, quarter: int) -> tuple[dt.date, dt.date] | None:
    return _month_span(year, 3 * quarter - 2, 3 * quarter)


def _quarter_number(text: str) -> int:
    return ROMAN_QUARTERS.get(text) or CHINESE_NUMBERS[text]


def _dates(text: str, year: int | None) -> tuple[dt.date | None, dt.date | None] | None:
    if text in WHOLE_YEAR:
        return _month_span(year, 1, 12) if year else None
    for pattern, kind in _PATTERNS:
        found = pattern.match(text)
        if not found:
            continue
        g = found.groups()
        if kind == "month_range":
            return _between((int(g[0]), int(g[1])), (int(g[2]), int(g[3])))
        if kind == "months_of_year":
            return _between((int(g[0]), int(g[2])), (int(g[1]), int(g[2])))
        if kind == "month":
            return _month_span(int(g[1]), int(g[0]), int(g[0]))
        if kind == "quarter":
            return _quarter(int(g[1]), _quarter_number(g[0]))
        if kind == "day":
            try:
                day = dt.date(int(g[3]), int(g[2]), int(g[1]))
            except ValueError:
                return None
            return (None, day) if g[0] else (day, day)
        if kind == "year":
            return _month_span(int(g[0]), 1, 12)
    if found := _CHINESE_MONTHS.match(text):
        first_year, first, last_year, last = found.groups()
        start_year = int(first_year) if first_year else year
        if start_year is None:
            return None
        end_year = int(last_year) if last_year else start_year
        return _between((int(first), start_year), (int(last or first), end_year))
    if found := _CHINESE_QUARTER.match(text):
        quarter_year = int(found.group(1)) if found.group(1) else year
        return _quarter(quarter_year, _quarter_number(found.group(2))) if quarter_year else None
    if found := _ENGLISH_MONTHS.match(text):
        first, first_year, last, last_year = found.groups()
        if first not in ENGLISH_MONTHS or (last and last not in ENGLISH_MONTHS):
            return None
        end = (ENGLISH_MONTHS[last or first], int(last_year))
        return _between((ENGLISH_MONTHS[first], int(first_year or last_year)), end)
    if year and (found := _QUARTER_ALONE.match(text)):
        return _quarter(year, _quarter_number(found.group(1) or found.group(2)))
    return None


def parse_window(text: object, *, year: int | None = None) -> Window:
    """The window `text` (a cell as written; a date cell is read as its month) as dates; `year`
    is the plan's year, for "Cả năm" and a quarter written without one."""
    if isinstance(text, dt.datetime):
        text = text.date()
    if isinstance(text, dt.date):
        last = calendar.monthrange(text.year, text.month)[1]
        written = f"{text.month:02d}/{text.year}"
        return Window(written, text.replace(day=1), text.replace(day=last))
    written = "" if text is None else re.sub(r"\s+", " ", str(text)).strip()
    if not written:
        return Window("")
    dates = _dates(_normal(written), year)
    if dates is None:
        return Window(written)
    return Window(written, dates[0], dates[1])
