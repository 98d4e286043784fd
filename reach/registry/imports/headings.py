"""The columns of a household import file and the headings recognised for each.

One row per person; the household columns are repeated on every row of the household.
Headings may be the canonical English names or their Vietnamese / Chinese synonyms.
"""

import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

HOUSEHOLD_COLUMNS = ("household_code", "unit_code", "head_name", "address")
STATUS_COLUMNS = ("poverty_status", "status_year")
PERSON_COLUMNS = (
    "full_name",
    "sex",
    "birth_date",
    "national_id",
    "ethnicity",
    "ethnic_minority",
    "relation",
    "disabled",
    "orphan",
    "martyr_child",
    "left_behind",
    "migrant",
    "unsupported",
    "caregiver_name",
    "caregiver_relation",
    "education_completed",
)
ENROLMENT_COLUMNS = (
    "school_code",
    "school_year",
    "level",
    "grade",
    "boarding",
    "enrollment_status",
)
COLUMNS = HOUSEHOLD_COLUMNS + STATUS_COLUMNS + PERSON_COLUMNS + ENROLMENT_COLUMNS
REQUIRED_COLUMNS = (
    "household_code",
    "unit_code",
    "head_name",
    "full_name",
    "sex",
    "birth_date",
    "relation",
)
# Household values that must be the same on every row of one household.
CONSISTENT_COLUMNS = ("unit_code", "head_name", "address", "poverty_status", "status_year")


@dataclass(frozen=True)
class ColumnHelp:
    vi: str
    zh: str
    en: str
    example: object


# The first Vietnamese and Chinese names are the ones the template's help sheet shows.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "household_code": ("Mã hộ", "Mã hộ gia đình", "户编号", "户码", "household code"),
    "unit_code": ("Mã đơn vị", "Mã xã", "Mã phường", "单位代码", "行政区划代码", "unit code"),
    "head_name": ("Họ tên chủ hộ", "Chủ hộ", "户主姓名", "户主", "head of household"),
    "address": ("Địa chỉ", "地址", "家庭住址"),
    "poverty_status": ("Tình trạng hộ", "Phân loại hộ", "贫困状态", "户类型", "household status"),
    "status_year": ("Năm", "Năm rà soát", "年度", "年份", "year"),
    "full_name": ("Họ và tên", "Họ tên", "姓名", "name", "full name"),
    "sex": ("Giới tính", "性别", "gender"),
    "birth_date": ("Ngày sinh", "Ngày tháng năm sinh", "出生日期", "date of birth", "birth date"),
    "national_id": (
        "Số định danh",
        "Số định danh cá nhân",
        "CCCD",
        "Số CCCD",
        "CMND/CCCD",
        "身份证号",
        "身份证号码",
        "national id",
    ),
    "ethnicity": ("Dân tộc", "民族"),
    "ethnic_minority": ("Dân tộc thiểu số", "DTTS", "少数民族", "ethnic minority"),
    "relation": ("Quan hệ với chủ hộ", "Quan hệ", "与户主关系", "relation to head"),
    "disabled": ("Khuyết tật", "残疾"),
    "orphan": ("Mồ côi", "孤儿"),
    "martyr_child": ("Con liệt sĩ", "烈士子女", "child of a martyr"),
    "left_behind": ("Trẻ em bị bỏ lại", "Cha mẹ đi làm xa", "留守儿童", "left-behind child"),
    "migrant": ("Trẻ em di cư", "随迁子女", "流动儿童", "migrant child"),
    "unsupported": ("Không có người nuôi dưỡng", "事实无人抚养", "de-facto unsupported"),
    "caregiver_name": ("Người chăm sóc", "照料人", "监护人", "caregiver"),
    "caregiver_relation": ("Quan hệ người chăm sóc", "照料人关系", "caregiver relation"),
    "education_completed": (
        "Trình độ học vấn",
        "Trình độ văn hóa",
        "文化程度",
        "受教育程度",
        "education completed",
    ),
    "school_code": ("Mã trường", "学校代码", "school code"),
    "school_year": ("Năm học", "学年", "school year"),
    "level": ("Cấp học", "学段", "education level"),
    "grade": ("Lớp", "Khối", "年级"),
    "boarding": ("Bán trú/nội trú", "Bán trú", "Nội trú", "寄宿", "寄宿生"),
    "enrollment_status": ("Tình trạng học", "就读状态", "enrolment status", "enrollment status"),
}

HELP: dict[str, ColumnHelp] = {
    "household_code": ColumnHelp(
        "Mã hộ gia đình, duy nhất; lặp lại trên mỗi dòng của hộ",
        "户编号，唯一；同一户的每一行重复填写",
        "Household code, unique; repeated on every row of the household",
        "HH-0001",
    ),
    "unit_code": ColumnHelp(
        "Mã xã/phường nơi hộ cư trú",
        "户所在乡镇（街道）的单位代码",
        "Code of the commune / ward the household lives in",
        "26734",
    ),
    "head_name": ColumnHelp("Họ tên chủ hộ", "户主姓名", "Name of the head of household", ""),
    "address": ColumnHelp("Địa chỉ (không bắt buộc)", "地址（选填）", "Address (optional)", ""),
    "poverty_status": ColumnHelp(
        "Tình trạng hộ trong năm; điền cùng cột Năm",
        "该年度贫困状态；与年度一起填写",
        "Poverty status in the year; give it together with status_year",
        "poor",
    ),
    "status_year": ColumnHelp(
        "Năm của tình trạng hộ (ví dụ 2024)",
        "贫困状态所属年度（如 2024）",
        "Year of the poverty status (e.g. 2024)",
        2024,
    ),
    "full_name": ColumnHelp("Họ và tên thành viên", "成员姓名", "Full name of the member", ""),
    "sex": ColumnHelp("Giới tính: nam / nữ", "性别：男 / 女", "Sex: m / f", "f"),
    "birth_date": ColumnHelp(
        "Ngày sinh: YYYY-MM-DD hoặc DD/MM/YYYY",
        "出生日期：YYYY-MM-DD 或 DD/MM/YYYY",
        "Birth date: YYYY-MM-DD or DD/MM/YYYY",
        "2016-09-05",
    ),
    "national_id": ColumnHelp(
        "Số định danh / CCCD: 12 chữ số (hoặc CMND 9 số); để trống nếu chưa có; định dạng ô là "
        "văn bản để giữ số 0 đầu",
        "身份证号：18 位（17 位数字 + 数字或 X，校验位正确）；没有可留空",
        "National ID: VN 9 or 12 digits, CN 18 characters with a valid check digit; may be empty; "
        "an empty cell never erases an ID already on record",
        "079216000123",
    ),
    "ethnicity": ColumnHelp("Dân tộc", "民族", "Ethnicity", "Kinh"),
    "ethnic_minority": ColumnHelp(
        "Người dân tộc thiểu số: có / không", "少数民族：是 / 否", "Ethnic minority: yes / no", 0
    ),
    "relation": ColumnHelp(
        "Quan hệ với chủ hộ", "与户主关系", "Relation to the head of household", "child"
    ),
    "disabled": ColumnHelp("Khuyết tật: có / không", "残疾：是 / 否", "Disabled: yes / no", 0),
    "orphan": ColumnHelp("Mồ côi: có / không", "孤儿：是 / 否", "Orphan: yes / no", 0),
    "martyr_child": ColumnHelp(
        "Con liệt sĩ: có / không", "烈士子女：是 / 否", "Child of a martyr: yes / no", 0
    ),
    "left_behind": ColumnHelp(
        "Trẻ em bị bỏ lại (cha mẹ đi làm xa): có / không",
        "留守儿童（父母外出务工）：是 / 否",
        "Left-behind child (parents work away): yes / no",
        0,
    ),
    "migrant": ColumnHelp(
        "Trẻ em di cư (sống xa nơi thường trú): có / không",
        "随迁子女（不在户籍地居住）：是 / 否",
        "Migrant child (lives away from the registered home): yes / no",
        0,
    ),
    "unsupported": ColumnHelp(
        "Không có người nuôi dưỡng trên thực tế: có / không",
        "事实无人抚养：是 / 否",
        "De-facto unsupported: yes / no",
        0,
    ),
    "caregiver_name": ColumnHelp(
        "Họ tên người chăm sóc trẻ (nếu không phải cha mẹ)",
        "照料人姓名（非父母时填写）",
        "Name of the child's caregiver (when not the parents)",
        "",
    ),
    "caregiver_relation": ColumnHelp(
        "Quan hệ của người chăm sóc: grandparent, sibling, relative, foster, institution, none",
        "照料人关系：grandparent、sibling、relative、foster、institution、none",
        "Caregiver's relation: grandparent, sibling, relative, foster, institution, none",
        "",
    ),
    "education_completed": ColumnHelp(
        "Trình độ học vấn cao nhất đã hoàn thành",
        "已完成的最高文化程度",
        "Highest education completed",
        "none",
    ),
    "school_code": ColumnHelp(
        "Mã trường đang học (để trống cả nhóm cột học tập nếu không đi học)",
        "就读学校代码（不在读则学籍各列留空）",
        "Code of the school attended (leave all enrolment columns empty if not enrolled)",
        "",
    ),
    "school_year": ColumnHelp(
        "Năm học: 2024 hoặc 2024-2025",
        "学年：2024 或 2024-2025",
        "School year: 2024 or 2024-2025",
        "2024-2025",
    ),
    "level": ColumnHelp(
        "Cấp học (bắt buộc khi có mã trường hoặc năm học)",
        "学段（填写学校代码或学年时必填）",
        "Education level (required with school_code or school_year)",
        "primary",
    ),
    "grade": ColumnHelp("Lớp: số từ 1 đến 12", "年级：1 到 12", "Grade: a whole number 1-12", 3),
    "boarding": ColumnHelp(
        "Bán trú / nội trú: có / không", "寄宿：是 / 否", "Boarding pupil: yes / no", 0
    ),
    "enrollment_status": ColumnHelp(
        "Tình trạng học (mặc định: đang học)",
        "就读状态（默认在读）",
        "Enrolment status (default: enrolled)",
        "enrolled",
    ),
}


def normalise_heading(text: object) -> str:
    """Compare headings without regard to case, accents' encoding or repeated spaces."""
    return " ".join(unicodedata.normalize("NFC", str(text)).split()).casefold()


def _heading_index() -> dict[str, str]:
    index = {normalise_heading(column): column for column in COLUMNS}
    for column, names in SYNONYMS.items():
        for name in names:
            index.setdefault(normalise_heading(name), column)
    return index


HEADING_INDEX = _heading_index()


@dataclass
class HeadingMatch:
    columns: list[str | None]  # canonical column per position; None for an ignored empty heading
    errors: list[tuple[str, str]]  # (column, reason), all on line 1

    @property
    def present(self) -> set[str]:
        return {column for column in self.columns if column}


def match_headings(headings: list[object]) -> HeadingMatch:
    """Map the heading row to canonical columns, reporting unknown, repeated and missing ones."""
    columns: list[str | None] = []
    errors: list[tuple[str, str]] = []
    seen: set[str] = set()
    for heading in headings:
        text = normalise_heading(heading) if heading is not None else ""
        if not text:
            columns.append(None)
            continue
        column = HEADING_INDEX.get(text)
        if column is None:
            reason = _("Unknown column heading “%(heading)s”") % {"heading": heading}
            errors.append((str(heading), reason))
            columns.append(None)
        elif column in seen:
            errors.append((column, _("Column %(column)s appears twice") % {"column": column}))
            columns.append(None)
        else:
            seen.add(column)
            columns.append(column)
    for column in REQUIRED_COLUMNS:
        if column not in seen:
            errors.append((column, _("Required column %(column)s is missing") % {"column": column}))
    if ("poverty_status" in seen) != ("status_year" in seen):
        errors.append(("status_year", _("The columns poverty_status and status_year go together")))
    return HeadingMatch(columns=columns, errors=errors)
