"""The one catalog of fields a policy condition may test (docs/policy-files.md, "Conditions").

Each field names its type, its allowed values, its labels in vi / zh / en, and the column of
`reach.policy.facts.enrolment_facts` that holds it (`age` and `age_by_birth_year` are tested
against `birth_date`, so SQL never computes ages). The allowed values come from the registry's
choices, so the catalog and the data cannot drift apart.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from reach.common.languages import lang_key
from reach.geo.choices import SchoolInclusive, SchoolOwnership
from reach.registry.choices import EducationLevel, HouseholdStatus, Program


class FieldType(StrEnum):
    CHOICE = "choice"
    INTEGER = "integer"
    BOOLEAN = "boolean"


class Op(StrEnum):
    EQ = "eq"
    NE = "ne"
    IN = "in"
    NOT_IN = "not_in"
    LT = "lt"
    LE = "le"
    GT = "gt"
    GE = "ge"
    BETWEEN = "between"
    IS_TRUE = "is_true"
    IS_FALSE = "is_false"


OPS_BY_TYPE: dict[FieldType, tuple[Op, ...]] = {
    FieldType.CHOICE: (Op.EQ, Op.NE, Op.IN, Op.NOT_IN),
    FieldType.INTEGER: (
        Op.EQ,
        Op.NE,
        Op.IN,
        Op.NOT_IN,
        Op.LT,
        Op.LE,
        Op.GT,
        Op.GE,
        Op.BETWEEN,
    ),
    FieldType.BOOLEAN: (Op.IS_TRUE, Op.IS_FALSE),
}
# Comparisons that hold when the fact is unknown (None): "is not", "is none of", "is false".
TRUE_ON_MISSING = frozenset({Op.NE, Op.NOT_IN, Op.IS_FALSE})


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    labels: dict[str, str]
    column: str  # the column of `enrolment_facts` (and the key of `facts_of`) holding it
    source: str  # where the facts query reads it, for people
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # choice -> labels
    minimum: int = 0
    maximum: int = 0
    nullable: bool = False

    @property
    def ops(self) -> tuple[Op, ...]:
        return OPS_BY_TYPE[self.type]

    def label(self, lang: str) -> str:
        return self.labels[lang_key(lang)]

    def value_label(self, value, lang: str) -> str:
        if self.type is FieldType.CHOICE and isinstance(value, str) and value in self.values:
            return self.values[value][lang_key(lang)]
        return str(value)


def labels(vi: str, zh: str, en: str) -> dict[str, str]:
    """A name in the three languages, keyed as policy files key them."""
    return {"vi": vi, "zh": zh, "en": en}


LEVEL_LABELS = {
    EducationLevel.PRESCHOOL: labels("mầm non", "学前教育", "preschool"),
    EducationLevel.PRIMARY: labels("tiểu học", "小学", "primary"),
    EducationLevel.LOWER_SECONDARY: labels("trung học cơ sở", "初中", "lower secondary"),
    EducationLevel.UPPER_SECONDARY: labels("trung học phổ thông", "普通高中", "upper secondary"),
    EducationLevel.VOCATIONAL_SECONDARY: labels(
        "trung cấp", "中等职业教育", "secondary vocational"
    ),
    EducationLevel.HIGHER_EDUCATION: labels("cao đẳng, đại học", "高等教育", "higher education"),
    EducationLevel.CONTINUING_EDUCATION: labels(
        "giáo dục thường xuyên", "继续教育", "continuing education"
    ),
}
HOUSEHOLD_STATUS_LABELS = {
    HouseholdStatus.POOR: labels("hộ nghèo", "贫困户", "poor"),
    HouseholdStatus.NEAR_POOR: labels("hộ cận nghèo", "近贫户", "near-poor"),
    HouseholdStatus.ESCAPED_POOR: labels("hộ mới thoát nghèo", "新脱贫户", "newly escaped poverty"),
    HouseholdStatus.ESCAPED_NEAR_POOR: labels(
        "hộ mới thoát cận nghèo", "新脱离近贫户", "newly escaped near-poverty"
    ),
    HouseholdStatus.NONE: labels("không nghèo", "非贫困户", "not poor"),
}
PROGRAM_LABELS = {
    Program.BACHELOR: labels("đại học", "本科", "bachelor"),
    Program.ASSOCIATE: labels("cao đẳng", "专科", "associate (junior college)"),
}
OWNERSHIP_LABELS = {
    SchoolOwnership.PUBLIC: labels("công lập", "公办", "public"),
    SchoolOwnership.PRIVATE: labels("ngoài công lập", "民办", "private"),
}

INCLUSIVE_LABELS = {
    SchoolInclusive.YES: labels("có", "是", "yes"),
    SchoolInclusive.NO: labels("không", "否", "no"),
    SchoolInclusive.UNKNOWN: labels("chưa rõ", "未知", "unknown"),
}


def _choices(labels: dict) -> dict[str, dict[str, str]]:
    return {str(value): words for value, words in labels.items()}


def _boolean(name: str, source: str, labels: dict[str, str]) -> Field:
    return Field(name, FieldType.BOOLEAN, labels, column=name, source=source)


FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field(
            "level",
            FieldType.CHOICE,
            labels("cấp học", "学段", "level"),
            column="level",
            source="enrolment.level",
            values=_choices(LEVEL_LABELS),
        ),
        Field(
            "grade",
            FieldType.INTEGER,
            labels("lớp", "年级", "grade"),
            column="grade",
            source="enrolment.grade (year of study in vocational / higher education)",
            maximum=20,
            nullable=True,
        ),
        _boolean(
            "boarding",
            "enrolment.boarding",
            labels("học sinh bán trú, nội trú", "寄宿", "boarding"),
        ),
        Field(
            "age",
            FieldType.INTEGER,
            labels("tuổi", "年龄", "age"),
            column="birth_date",
            source="person.birth_date, whole years at the reference date",
            maximum=150,
        ),
        Field(
            "age_by_birth_year",
            FieldType.INTEGER,
            labels("tuổi theo năm sinh", "按出生年份计的年龄", "age by year of birth"),
            column="birth_date",
            source="person.birth_date: the school year's first year minus the year of birth "
            "(Vietnamese preschool classes are formed by year of birth)",
            maximum=150,
        ),
        Field(
            "household_status",
            FieldType.CHOICE,
            labels("tình trạng hộ", "家庭状况", "household status"),
            column="household_status",
            source="household status of calendar year Y, 'none' without one",
            values=_choices(HOUSEHOLD_STATUS_LABELS),
        ),
        _boolean(
            "ethnic_minority",
            "person.ethnic_minority",
            labels("người dân tộc thiểu số", "少数民族", "ethnic minority"),
        ),
        _boolean("orphan", "person.orphan", labels("mồ côi", "孤儿", "orphan")),
        _boolean("disabled", "person.disabled", labels("khuyết tật", "残疾", "disabled")),
        _boolean(
            "martyr_child",
            "person.martyr_child",
            labels("con liệt sĩ", "烈士子女", "child of a martyr"),
        ),
        _boolean(
            "extremely_difficult_commune",
            "the household's unit is an extremely difficult commune in year Y",
            labels("xã đặc biệt khó khăn", "特别困难乡镇", "extremely difficult commune"),
        ),
        Field(
            "program",
            FieldType.CHOICE,
            labels("hệ đào tạo", "学历层次", "program"),
            column="program",
            source="enrolment.program (higher education)",
            values=_choices(PROGRAM_LABELS),
            nullable=True,
        ),
        Field(
            "school_ownership",
            FieldType.CHOICE,
            labels("loại hình trường", "学校性质", "school ownership"),
            column="school_ownership",
            source="school.ownership ('public' without a school)",
            values=_choices(OWNERSHIP_LABELS),
        ),
        Field(
            "school_inclusive",
            FieldType.CHOICE,
            labels(
                "trường mầm non công lập hoặc tư thục phổ huệ (普惠)",
                "公办或普惠性民办幼儿园",
                "public or inclusive (普惠) private kindergarten",
            ),
            column="school_inclusive",
            source="'yes' for a public school; school.inclusive for a private one; 'unknown' "
            "without a school",
            values=_choices(INCLUSIVE_LABELS),
        ),
        Field(
            "school_days",
            FieldType.INTEGER,
            labels("số ngày học", "在校天数", "school days"),
            column="school_days",
            source="enrolment.school_days",
            maximum=366,
            nullable=True,
        ),
    )
}
FIELD_NAMES = tuple(FIELDS)
# The fields computed from the birth date and the reference date (never stored, never in SQL).
BIRTH_DATE_FIELDS = tuple(name for name, f in FIELDS.items() if f.column == "birth_date")
# The facts columns that hold a catalog field (age is held by birth_date).
FACT_COLUMNS = tuple(dict.fromkeys(f.column for f in FIELDS.values()))


def get_field(name: str) -> Field | None:
    return FIELDS.get(name) if isinstance(name, str) else None
