"""Spreadsheets handed to office users: the household template and a batch's error sheet."""

import datetime as dt
from typing import IO

from django.utils import timezone, translation

from reach.common.xlsx import new_workbook
from reach.geo.models import PATH_SEPARATOR, School, Unit
from reach.registry.imports.headings import COLUMNS, HELP, REQUIRED_COLUMNS, SYNONYMS
from reach.registry.imports.rows import BOOLEAN_COLUMNS
from reach.registry.imports.rows import CHOICE_COLUMNS as CHOICES
from reach.registry.imports.values import ALIASES, cn_check_digit
from reach.registry.models import ImportBatch

# "/" is not allowed in an Excel sheet name, so the three names are joined with "-".
HELP_SHEET = "Hướng dẫn - 说明 - Help"
CODES_SHEET = "Mã - 代码 - Codes"
MAX_CODES = 50_000
TEXT_COLUMNS = ("household_code", "unit_code", "national_id", "school_code")
TEMPLATE_ROWS = 5000  # rows given the text format and the drop-down lists


def _example_row() -> dict[str, object]:
    """The template's example: a pupil in a unit and school of this database when there is one,
    so that the example row imports as it stands."""
    example = {column: HELP[column].example for column in COLUMNS}
    unit = (
        Unit.objects.filter(code=example["unit_code"]).first()
        or Unit.objects.filter(level="commune", schools__isnull=False).order_by("path").first()
    )
    year = timezone.localdate().year
    example.update(status_year=year - 1, school_year=f"{year - 1}-{year}")
    example.update(head_name="Nguyễn Văn An", full_name="Nguyễn Thị Bình", address="12 Đường số 3")
    if unit is None:
        return example
    example["unit_code"] = unit.code
    school = next((s for s in School.objects.filter(unit=unit) if "primary" in s.levels), None)
    example["school_code"] = school.code if school else ""
    if unit.path.split(PATH_SEPARATOR)[0] == "CN":
        first17 = "52272320160905002"
        example.update(
            head_name="王建国",
            full_name="王小红",
            address="城关镇新华村3组",
            ethnicity="苗族",
            ethnic_minority=1,
            national_id=first17 + cn_check_digit(first17),
        )
    return example


def write_household_template(out: IO[bytes]) -> None:
    """An .xlsx with the canonical headings, one example row and a help sheet (vi / zh / en)."""
    workbook = new_workbook(out)
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet("Households")
    example = _example_row()
    for position, column in enumerate(COLUMNS):
        cell_format = text if column in TEXT_COLUMNS else date if column == "birth_date" else None
        sheet.write_string(0, position, column, bold)
        sheet.set_column(position, position, max(14, len(column) + 2), cell_format)
        value = example[column]
        if column == "birth_date":
            sheet.write_datetime(1, position, dt.datetime.fromisoformat(str(value)), date)
        elif isinstance(value, int):
            sheet.write_number(1, position, value)
        else:
            sheet.write_string(1, position, str(value), cell_format)
        if column in CHOICES or column in BOOLEAN_COLUMNS:
            allowed = list(CHOICES[column].values) if column in CHOICES else ["1", "0"]
            sheet.data_validation(
                1,
                position,
                TEMPLATE_ROWS,
                position,
                {"validate": "list", "source": allowed, "error_type": "information"},
            )
    sheet.freeze_panes(1, 0)
    _write_help(workbook, bold)
    _write_codes(workbook, bold)
    workbook.close()


def _write_help(workbook, bold) -> None:
    sheet = workbook.add_worksheet(HELP_SHEET)
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    headings = (
        "Cột / 列 / Column",
        "Tiếng Việt",
        "中文",
        "English",
        "Bắt buộc / 必填 / Required",
        "Giá trị / 取值 / Allowed values",
        "Tiêu đề khác / 其他列名 / Other headings",
    )
    widths = (20, 45, 35, 45, 12, 60, 40)
    for position, (heading, width) in enumerate(zip(headings, widths, strict=True)):
        sheet.write_string(0, position, heading, bold)
        sheet.set_column(position, position, width, wrap)
    for line, column in enumerate(COLUMNS, start=1):
        help_ = HELP[column]
        sheet.write_row(
            line,
            0,
            [
                column,
                help_.vi,
                help_.zh,
                help_.en,
                "x" if column in REQUIRED_COLUMNS else "",
                _allowed(column),
                ", ".join(SYNONYMS.get(column, ())),
            ],
        )
    notes = (
        "Mỗi dòng là một người; các cột của hộ lặp lại trên mọi dòng của hộ (hoặc gộp ô).",
        "每行一人；户信息各列在该户每一行重复填写（或合并单元格）。",
        "One row per person; the household columns repeat on every row of the household "
        "(or are merged cells). A file with any error is not imported at all.",
    )
    for offset, note in enumerate(notes):
        sheet.write_string(len(COLUMNS) + 2 + offset, 0, note)
    sheet.freeze_panes(1, 1)


def _allowed(column: str) -> str:
    """The codes of a column, each with its labels (vi / zh / en) and other accepted words."""
    if column in BOOLEAN_COLUMNS:
        return "1 / 0, có / không, 是 / 否, yes / no, x / (trống / 空 / empty)"
    if column not in CHOICES:
        return ""
    choices = CHOICES[column]
    labels = {}
    for language in ("vi", "zh-hans", "en"):
        with translation.override(language):
            labels[language] = [str(label) for label in choices.labels]
    lines = []
    for position, code in enumerate(choices.values):
        names = dict.fromkeys(labels[language][position] for language in labels)
        names.update(dict.fromkeys(ALIASES.get(choices, {}).get(code, ())))
        lines.append(f"{code}: {' / '.join(names)}")
    return "\n".join(lines)


def _write_codes(workbook, bold) -> None:
    """The unit and school codes the file may use."""
    sheet = workbook.add_worksheet(CODES_SHEET)
    headings = ("unit_code", "Tên / 名称 / Name", "Cấp / 级别 / Level", "Path")
    for position, heading in enumerate(headings):
        sheet.write_string(0, position, heading, bold)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, 3, 24)
    line = 1
    for unit in Unit.objects.order_by("path").values_list("code", "name", "level", "path")[
        :MAX_CODES
    ]:
        sheet.write_row(line, 0, unit)
        line += 1
    line += 1
    for position, heading in enumerate(("school_code", "Tên / 名称 / Name", "level", "unit_code")):
        sheet.write_string(line, position, heading, bold)
    schools = School.objects.order_by("code").values_list("code", "name", "levels", "unit__code")
    for code, name, levels, unit_code in schools[:MAX_CODES]:
        line += 1
        sheet.write_row(line, 0, (code, name, ", ".join(levels), unit_code))
    sheet.freeze_panes(1, 0)


def write_error_sheet(batch: ImportBatch, out: IO[bytes]) -> None:
    """An .xlsx listing every error of a batch (line, column, reason) and its possible
    duplicates, for the person who fixes the file."""
    workbook = new_workbook(out)
    bold = workbook.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    sheets = (
        ("Lỗi - 错误 - Errors", ("line", "column", "reason"), batch.errors),
        (
            "Trùng - 重复 - Duplicates",
            ("line", "household_code", "person_id", "reason"),
            batch.duplicates,
        ),
    )
    for name, columns, items in sheets:
        sheet = workbook.add_worksheet(name)
        for position, column in enumerate(columns):
            sheet.write_string(0, position, column, bold)
            sheet.set_column(position, position, 90 if column == "reason" else 16)
        for line, item in enumerate(items, start=1):
            sheet.write_row(line, 0, [item.get(column) for column in columns])
        sheet.freeze_panes(1, 0)
    workbook.close()
