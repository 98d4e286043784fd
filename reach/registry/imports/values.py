"""Turn one spreadsheet cell into a canonical value, or explain in plain words why not.

Every parser takes the raw cell (str, number, bool, date or datetime as calamine and csv give
them) and returns the canonical value or raises `BadValue` with the reason.
"""

import datetime as dt
import functools
import re
import unicodedata

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from reach.registry.choices import (
    EducationCompleted,
    EducationLevel,
    EnrolmentStatus,
    HouseholdStatus,
    Relation,
    Sex,
)

EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
TRUE_WORDS = {"1", "true", "yes", "y", "x", "có", "co", "是", "有", "✓"}
FALSE_WORDS = {"", "0", "false", "no", "n", "không", "khong", "否", "无", "-"}
CN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CN_ID_CHECK = "10X98765432"

# Vietnamese and Chinese words office files use for the codes, besides the codes themselves,
# their English labels and the labels of the active translation catalogues.
ALIASES: dict[type[models.TextChoices], dict[str, tuple[str, ...]]] = {
    HouseholdStatus: {
        "poor": ("nghèo", "hộ nghèo", "贫困户", "贫困", "建档立卡贫困户"),
        "near_poor": ("cận nghèo", "hộ cận nghèo"),
        "escaped_poor": ("thoát nghèo", "hộ thoát nghèo", "hộ mới thoát nghèo", "脱贫户"),
        "escaped_near_poor": ("thoát cận nghèo", "hộ thoát cận nghèo", "hộ mới thoát cận nghèo"),
        "none": ("không nghèo", "非贫困户", "一般户"),
    },
    Sex: {"m": ("nam", "男", "male"), "f": ("nữ", "nu", "女", "female")},
    Relation: {
        "head": ("chủ hộ", "户主", "本人"),
        "spouse": ("vợ", "chồng", "vợ/chồng", "配偶", "妻子", "丈夫"),
        "child": ("con", "con đẻ", "子女", "儿子", "女儿", "子", "女"),
        "grandchild": ("cháu", "孙子女", "孙子", "孙女", "外孙", "外孙女"),
        "parent": ("bố", "mẹ", "cha", "bố/mẹ", "父亲", "母亲", "父母"),
        "sibling": ("anh", "chị", "em", "anh/chị/em", "兄弟姐妹", "兄弟", "姐妹"),
        "other": ("khác", "其他"),
    },
    EducationLevel: {
        "preschool": ("mầm non", "mẫu giáo", "学前", "学前教育", "幼儿园"),
        "primary": ("tiểu học", "小学"),
        "lower_secondary": ("thcs", "trung học cơ sở", "初中"),
        "upper_secondary": ("thpt", "trung học phổ thông", "高中", "普通高中"),
        "vocational_secondary": ("trung cấp", "trung cấp nghề", "中职", "中等职业教育"),
        "higher_education": ("cao đẳng/đại học", "đại học", "cao đẳng", "高等教育", "大学"),
        "continuing_education": ("gdtx", "giáo dục thường xuyên", "继续教育"),
    },
    EducationCompleted: {
        "none": ("chưa", "không", "chưa học", "无", "未上学"),
        "primary": ("tiểu học", "小学"),
        "lower_secondary": ("thcs", "trung học cơ sở", "初中"),
        "upper_secondary": ("thpt", "trung học phổ thông", "高中"),
        "vocational": ("nghề", "trung cấp", "职业教育", "中职"),
        "higher": ("cao đẳng/đại học", "đại học", "大学", "大专"),
    },
    EnrolmentStatus: {
        "enrolled": ("đang học", "在读", "在校"),
        "dropped_out": ("bỏ học", "辍学"),
        "transferred": ("chuyển trường", "转学"),
        "graduated": ("tốt nghiệp", "毕业"),
    },
}


class BadValue(ValueError):
    """A cell that cannot be read; the message says why, for the person who filled it in."""


def text(cell: object) -> str:
    """The cell as trimmed text, in composed Unicode with single spaces; whole numbers lose the
    `.0` a spreadsheet adds. Parsers below take this text."""
    if type(cell) is str:
        return " ".join((cell if cell.isascii() else unicodedata.normalize("NFC", cell)).split())
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "1" if cell else "0"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()
    return text(str(cell))


def key(value: str) -> str:
    return value.casefold()


def bounded_text(value: str, max_length: int) -> str:
    if len(value) > max_length:
        raise BadValue(_("Longer than %(max)s characters") % {"max": max_length})
    return value


_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ZH = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$")


def date(value: str | dt.date) -> dt.date:
    """A date cell, or text as YYYY-MM-DD, DD/MM/YYYY (also with . or -), YYYY/MM/DD or
    YYYY年MM月DD日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if match := _ISO.match(value) or _ZH.match(value):
        year, month, day = match.groups()
    elif match := _DMY.match(value):
        day, month, year = match.groups()
    else:
        raise BadValue(
            _("“%(value)s” is not a date: write YYYY-MM-DD or DD/MM/YYYY") % {"value": value}
        )
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError as error:
        raise BadValue(_("“%(value)s” is not a valid date") % {"value": value}) from error


def birth_date(value: str | dt.date, today: dt.date) -> dt.date:
    born = date(value)
    if born > today:
        raise BadValue(_("Birth date %(date)s is in the future") % {"date": born.isoformat()})
    if born < EARLIEST_BIRTH_DATE:
        raise BadValue(_("Birth date %(date)s is before 1900") % {"date": born.isoformat()})
    return born


def boolean(value: str) -> bool:
    word = value.casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise BadValue(_("“%(value)s” is not yes or no (write 1 or 0)") % {"value": value})


@functools.cache
def choice_index(choices: type[models.TextChoices]) -> dict[str, str]:
    """Codes by every word accepted for them: code, aliases, labels in en / vi / zh-hans."""
    index: dict[str, str] = {}
    for code, words in ALIASES.get(choices, {}).items():
        for word in words:
            index[key(word)] = code
    for lang in ("en", "vi", "zh-hans"):
        with translation.override(lang):
            for code, label in zip(choices.values, choices.labels, strict=True):
                index.setdefault(key(str(label)), code)
    for code in choices.values:
        index[key(code)] = code
    return index


def choice(value: str, choices: type[models.TextChoices]) -> str:
    code = choice_index(choices).get(value.casefold())
    if code is None:
        raise BadValue(
            _("Unknown value “%(value)s”; allowed: %(allowed)s")
            % {"value": value, "allowed": ", ".join(choices.values)}
        )
    return code


def whole_number(value: str, low: int, high: int) -> int:
    if not value.isdigit() or not low <= int(value) <= high:
        raise BadValue(
            _("“%(value)s” is not a whole number from %(low)s to %(high)s")
            % {"value": value, "low": low, "high": high}
        )
    return int(value)


_SCHOOL_YEAR = re.compile(r"^(\d{4})(?:\s*[-/–]\s*(\d{4}))?$")


def school_year(value: str, latest: int) -> int:
    """`2024` and `2024-2025` both mean the school year that starts in 2024."""
    match = _SCHOOL_YEAR.match(value)
    if not match or (match[2] and int(match[2]) != int(match[1]) + 1):
        raise BadValue(
            _("“%(value)s” is not a school year: write 2024 or 2024-2025") % {"value": value}
        )
    year = int(match[1])
    if not 1990 <= year <= latest:
        raise BadValue(_("School year %(year)s is out of range") % {"year": year})
    return year


def national_id(value: str) -> str:
    """The ID with spaces removed and a Chinese check letter in capitals; checked per country
    once the household's unit is known (`national_id_problem`)."""
    return value.replace(" ", "").upper()


def cn_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of a Chinese resident identity number."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, CN_ID_WEIGHTS, strict=True))
    return CN_ID_CHECK[total % 11]


def national_id_problem(value: str, country: str, numeric_cell: bool = False) -> str | None:
    """Why `value` is not a national ID of `country` ("VN" or "CN"), or None if it is one."""
    reason = None
    if country == "VN" and not (value.isdigit() and len(value) in (9, 12)):
        reason = _("National ID %(id)s is not 9 or 12 digits") % {"id": value}
    elif country == "CN":
        if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
            reason = _("National ID %(id)s is not 18 characters (17 digits and a digit or X)")
            reason %= {"id": value}
        elif cn_check_digit(value[:17]) != value[17]:
            reason = _("National ID %(id)s has a wrong check digit") % {"id": value}
    if reason and numeric_cell:
        reason += " " + _(
            "(the cell is a number: format the column as Text so that leading zeros and all "
            "digits are kept)"
        )
    return reason
