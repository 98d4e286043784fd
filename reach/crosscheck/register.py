"""Read an external school register (xlsx / CSV: ID, name, birth date, school, grade, status)
after the upload checks of `reach/common/uploads.py`, checking every row; nothing is kept unless
every row is good (`RegisterRejected` names each bad row)."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from reach.common.errors import DomainError
from reach.geo.models import School
from reach.registry.choices import EnrolmentStatus
from reach.registry.imports import values
from reach.registry.imports.headings import normalise_heading
from reach.registry.imports.reader import UnreadableFile, open_table

COLUMNS = ("national_id", "full_name", "birth_date", "school_code", "grade", "status")
REQUIRED = ("full_name", "birth_date", "school_code", "status")
SYNONYMS: dict[str, tuple[str, ...]] = {
    "national_id": ("Số định danh", "Mã định danh", "CCCD", "身份证号", "身份证号码", "ID"),
    "full_name": ("Họ và tên", "Họ tên", "姓名", "name", "full name"),
    "birth_date": ("Ngày sinh", "出生日期", "date of birth", "birth date"),
    "school_code": ("Mã trường", "学校代码", "学校", "school code", "school"),
    "grade": ("Lớp", "Khối", "年级", "grade"),
    "status": ("Tình trạng học", "Trạng thái", "学籍状态", "就读状态", "status"),
}
HEADINGS = {normalise_heading(c): c for c in COLUMNS} | {
    normalise_heading(name): column for column, names in SYNONYMS.items() for name in names
}


class RegisterRejected(DomainError):
    """The register was not staged; `errors` names every bad row (line, column, reason)."""

    def __init__(self, errors: list[dict[str, object]]) -> None:
        super().__init__(
            _("The register was not staged: %(count)s problems. Correct them and upload again.")
            % {"count": len(errors)}
        )
        self.errors = errors


@dataclass(frozen=True)
class RegisterLine:
    line: int
    national_id: str
    full_name: str
    birth_date: dt.date
    school_code: str
    school_id: int | None
    grade: int | None
    status: str


def read_register(file: IO[bytes], filename: str, *, today: dt.date) -> list[RegisterLine]:
    """Every row of the register, checked; raises RegisterRejected (every bad row) or the upload
    check's UploadRefused."""
    try:
        table = open_table(file, filename)
        errors: list[dict[str, object]] = []
        columns = _columns(table.headings, table.heading_line, errors)
        if errors:
            raise RegisterRejected(errors)
        lines = list(_lines(table.rows, columns, today, errors))
    except UnreadableFile as error:
        raise RegisterRejected([{"line": 0, "column": "", "reason": str(error)}]) from error
    if not lines and not errors:
        errors.append({"line": table.heading_line, "column": "", "reason": _("No rows")})
    if errors:
        raise RegisterRejected(errors)
    return lines


def _columns(
    headings: list[object], line: int, errors: list[dict[str, object]]
) -> list[str | None]:
    columns: list[str | None] = []
    for heading in headings:
        text = normalise_heading(heading) if heading is not None else ""
        column = HEADINGS.get(text) if text else None
        if text and column is None:
            reason = _("Unknown column heading “%(heading)s”") % {"heading": heading}
            errors.append({"line": line, "column": str(heading), "reason": reason})
        if column in columns:
            reason = _("Column %(column)s appears twice") % {"column": column}
            errors.append({"line": line, "column": column, "reason": reason})
            column = None
        columns.append(column)
    for column in REQUIRED:
        if column not in columns:
            reason = _("Required column %(column)s is missing") % {"column": column}
            errors.append({"line": line, "column": column, "reason": reason})
    return columns


def _lines(
    rows: Iterator[tuple[int, list[object]]],
    columns: list[str | None],
    today: dt.date,
    errors: list[dict[str, object]],
) -> Iterator[RegisterLine]:
    schools = dict(School.objects.values_list("code", "pk"))
    seen_ids: dict[str, int] = {}
    for line, cells in rows:
        raw = {c: cells[i] for i, c in enumerate(columns) if c and i < len(cells)}
        cell = {c: values.text(raw.get(c)) for c in COLUMNS}
        parsed: dict[str, object] = {}
        bad = False
        for column, parse in (
            ("national_id", lambda v: values.bounded_text(values.national_id(v), 20)),
            ("full_name", lambda v: values.bounded_text(v, 200)),
            ("birth_date", lambda v: values.birth_date(v, today)),
            ("school_code", lambda v: values.bounded_text(v, 40)),
            ("grade", lambda v: values.whole_number(v, 1, 12) if v else None),
            ("status", lambda v: values.choice(v, EnrolmentStatus)),
        ):
            value = cell[column]
            if column in REQUIRED and not value:
                reason = _("%(column)s is empty") % {"column": column}
                errors.append({"line": line, "column": column, "reason": reason})
                bad = True
                continue
            try:
                parsed[column] = parse(value)
            except values.BadValue as error:
                errors.append({"line": line, "column": column, "reason": str(error)})
                bad = True
        if not bad and parsed["school_code"] not in schools:
            reason = _("Unknown school code %(code)s") % {"code": parsed["school_code"]}
            errors.append({"line": line, "column": "school_code", "reason": reason})
            bad = True
        national_id = str(parsed.get("national_id") or "")
        if national_id and national_id in seen_ids:
            reason = _("National ID %(id)s is also on line %(line)s") % {
                "id": national_id,
                "line": seen_ids[national_id],
            }
            errors.append({"line": line, "column": "national_id", "reason": reason})
            bad = True
        elif national_id:
            seen_ids[national_id] = line
        if not bad:
            yield RegisterLine(
                line=line,
                national_id=national_id,
                full_name=str(parsed["full_name"]),
                birth_date=parsed["birth_date"],  # type: ignore[arg-type]
                school_code=str(parsed["school_code"]),
                school_id=schools[str(parsed["school_code"])],
                grade=parsed.get("grade"),  # type: ignore[arg-type]
                status=str(parsed["status"]),
            )
