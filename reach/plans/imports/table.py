"""Read a plan's task table (seed 003's appendix and its kin) into rows, naming every bad one.

The headings may be in Vietnamese, Chinese or English, in one row or two (a group heading
"Phân công thực hiện" merged over "Đơn vị chủ trì" and "Đơn vị phối hợp ..."), and repeat
at each page break: any row whose filled cells are all headings is a heading row and is not
data. Rows above the first heading (the appendix's title) are skipped. A number cell holding a
Roman numeral, with or without a dot, starts a section, which carries its own window, lead and
deliverable; a number "1." or "1" is a task of the current section.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from typing import IO

from django.utils.translation import gettext as _

from reach.plans.windows import parse_window
from reach.registry.imports.reader import open_table

COLUMNS = ("number", "content", "window", "lead", "co", "deliverable")
HEADINGS = {
    "number": ("tt", "stt", "số tt", "số thứ tự", "序号", "编号", "no", "no.", "#", "number"),
    "content": (
        "nội dung công việc", "nội dung", "nội dung nhiệm vụ", "nhiệm vụ",
        "工作内容", "任务内容", "工作任务", "内容", "task", "tasks", "content", "activity",
    ),
    "window": (
        "thời gian triển khai", "thời gian thực hiện", "thời gian", "thời hạn", "tiến độ",
        "时间", "实施时间", "完成时限", "时间安排", "时限",
        "time frame", "timeframe", "timeline", "time", "deadline", "period", "when",
    ),
    "lead": (
        "đơn vị chủ trì", "chủ trì", "牵头单位", "责任单位", "牵头部门",
        "lead", "lead unit", "lead units", "lead organisation", "lead organization", "responsible",
    ),
    "co": (
        "đơn vị phối hợp và tham gia thực hiện", "đơn vị phối hợp", "phối hợp",
        "配合单位", "协办单位", "参与单位", "配合部门",
        "co-operating units", "cooperating units", "co-operating", "cooperating", "partners",
        "supporting units", "in co-operation with",
    ),
    "deliverable": (
        "sản phẩm hoàn thành", "sản phẩm", "kết quả", "完成成果", "预期成果", "成果", "产出",
        "deliverable", "deliverables", "output", "outputs", "expected result",
    ),
}  # fmt: skip
GROUP_HEADINGS = (
    "phân công thực hiện", "phân công công việc", "phân công", "任务分工", "责任分工", "分工",
    "assignment", "assignments", "responsibility", "responsibilities",
)  # fmt: skip
_ROMAN = re.compile(r"^(m{0,3})(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})\.?$", re.I)
_NUMBER = re.compile(r"^(\d{1,3})(?:\.0)?\.?$")


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(cell))).strip()


def _heading(cell: object) -> str:
    return _text(cell).casefold().rstrip(":")


_INDEX = {heading: column for column, names in HEADINGS.items() for heading in names}


def heading_columns(cells: list[object]) -> dict[int, str] | None:
    """The columns a heading row names (position -> column), or None when the row is data:
    all its filled cells must be headings, at least two of them."""
    found: dict[int, str] = {}
    filled = 0
    for position, cell in enumerate(cells):
        text = _heading(cell)
        if not text:
            continue
        filled += 1
        if text in _INDEX:
            found.setdefault(position, _INDEX[text])
        elif text not in GROUP_HEADINGS:
            return None
    return found if filled >= 2 and found else None


@dataclass
class Row:
    line: int
    section: str
    number: str  # "" for a section row
    content: str
    window_text: str
    starts_on: str | None  # ISO dates, as the row is kept in JSON
    ends_on: str | None
    window_understood: bool
    lead: str
    co: str
    deliverable: str

    @property
    def is_section(self) -> bool:
        return not self.number


@dataclass
class TaskTable:
    rows: list[Row] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {"line", "column", "reason"}

    def error(self, line: int, column: str, reason: str) -> None:
        self.errors.append({"line": line, "column": column, "reason": reason})


def roman(text: str) -> str | None:
    """ "IV" for "IV", "iv." or "IV."; None for what is not a Roman numeral."""
    text = text.strip()
    return text.rstrip(".").upper() if text.rstrip(".") and _ROMAN.match(text) else None


def read_task_table(file: IO[bytes], filename: str, *, year: int | None) -> TaskTable:
    """The sections and tasks of the file's first sheet; `year` is the plan's, for "Cả năm".
    Raises UploadRefused or UnreadableFile for a file that cannot be read at all."""
    table = open_table(file, filename)
    result = TaskTable()
    columns: dict[int, str] = {}
    section, seen, heading_ended = "", set(), 0
    for line, cells in [(table.heading_line, table.headings), *table.rows]:
        names = heading_columns(cells)
        if names is not None:
            # A heading row right under another adds to it (a two-row heading); any other,
            # at a page break, starts the columns afresh.
            columns = {**columns, **names} if heading_ended == line - 1 else dict(names)
            heading_ended = line
            continue
        if not {"number", "content"} <= set(columns.values()):
            continue  # the title above the table
        values = {column: cells[p] if p < len(cells) else None for p, column in columns.items()}
        number = _text(values.get("number"))
        content = _text(values.get("content"))
        numeral = roman(number) if not _NUMBER.match(number) else None
        if numeral is not None:
            section = numeral
            key = (section, "")
        elif found := _NUMBER.match(number):
            key = (section, found.group(1))
        else:
            reason = (
                _("no task number (TT)")
                if not number
                else _("“%(value)s” is neither a section (I, II, …) nor a task number (1, 2, …)")
                % {"value": number}
            )
            result.error(line, _("number"), reason)
            continue
        if not content:
            result.error(line, _("content"), _("the task has no content"))
            continue
        if key in seen:
            label = f"{key[0]}.{key[1]}" if key[1] else key[0]
            result.error(line, _("number"), _("%(label)s appears twice") % {"label": label})
            continue
        seen.add(key)
        window = parse_window(values.get("window"), year=year)
        result.rows.append(
            Row(
                line=line,
                section=key[0],
                number=key[1],
                content=content,
                window_text=window.text,
                starts_on=window.starts_on.isoformat() if window.starts_on else None,
                ends_on=window.ends_on.isoformat() if window.ends_on else None,
                window_understood=window.understood,
                lead=_text(values.get("lead")),
                co=_text(values.get("co")),
                deliverable=_text(values.get("deliverable")),
            )
        )
    if not columns:
        result.error(0, "", _("no heading row with TT and Nội dung công việc (or 序号 / 工作内容, "
                              "No. / Task) was found"))  # fmt: skip
    elif not result.rows and not result.errors:
        result.error(0, "", _("the table has no tasks"))
    return result
