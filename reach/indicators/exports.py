"""The indicator and detection lists as .xlsx: the full list for officers, or a list meant for
publication in which names and IDs are masked and birth dates left out."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from reach.common.masking import mask_id, mask_name
from reach.common.xlsx import Sheet, write_workbook
from reach.indicators.detection import factors_of
from reach.indicators.parameters import age_on, indicator_parameters
from reach.registry.choices import (
    EducationCompleted,
    EducationLevel,
    EnrolmentStatus,
    HouseholdStatus,
)


@dataclass(frozen=True)
class Column:
    heading: Callable[[], str]
    value: Callable[[object], object]
    public: bool = True  # published lists keep it (masked where `masked` is given)
    masked: Callable[[object], object] | None = None


def _label(choices, code) -> str:
    return choices(code).label if code in choices.values else (code or "")


def write_table(
    out: IO[bytes],
    *,
    sheet: str,
    columns: list[Column],
    rows: Iterable,
    public: bool,
    preamble: Sequence[str] = (),
) -> int:
    """One sheet with a heading row and one row per item, after the lines of `preamble` (a
    title, a period) if any; a published list keeps only public columns, masked where a column
    says how. Returns the number of rows."""
    kept = [c for c in columns if c.public or not public]
    cells = [c.masked if public and c.masked else c.value for c in kept]
    [count] = write_workbook(
        out,
        [
            Sheet(
                name=sheet,
                headings=[str(c.heading()) for c in kept],
                rows=([cell(item) for cell in cells] for item in rows),
                preamble=preamble,
            )
        ],
    )
    return count


def person_columns(school_year: int) -> list[Column]:
    """Columns of a list of persons annotated by the indicator selectors."""
    on = indicator_parameters().reference_date(school_year)
    return [
        Column(lambda: _("Unit"), lambda p: p.household.unit.name),
        Column(lambda: _("Household code"), lambda p: p.household.code, public=False),
        Column(
            lambda: _("Full name"), lambda p: p.full_name, masked=lambda p: mask_name(p.full_name)
        ),
        Column(
            lambda: _("National ID"),
            lambda p: p.national_id or "",
            masked=lambda p: mask_id(p.national_id),
        ),
        Column(lambda: _("Birth date"), lambda p: p.birth_date, public=False),
        Column(lambda: _("Age"), lambda p: age_on(p.birth_date, on)),
        Column(
            lambda: _("Household status"),
            lambda p: _label(HouseholdStatus, getattr(p, "household_status", None)),
        ),
        Column(
            lambda: _("Level this year"),
            lambda p: _label(EducationLevel, getattr(p, "year_level", None)),
        ),
        Column(
            lambda: _("Enrolment status"),
            lambda p: _label(EnrolmentStatus, getattr(p, "year_enrolment_status", None)),
        ),
        Column(
            lambda: _("Highest education completed"),
            lambda p: _label(EducationCompleted, p.education_completed),
        ),
    ]


def household_columns() -> list[Column]:
    return [
        Column(lambda: _("Unit"), lambda h: h.unit.name),
        Column(lambda: _("Household code"), lambda h: h.code, public=False),
        Column(
            lambda: _("Head of household"),
            lambda h: h.head_name,
            masked=lambda h: mask_name(h.head_name),
        ),
        Column(lambda: _("Address"), lambda h: h.address, public=False),
        Column(
            lambda: _("Household status"), lambda h: _label(HouseholdStatus, h.household_status)
        ),
        Column(lambda: _("Members counted"), lambda h: h.members_counted),
    ]


def at_risk_columns() -> list[Column]:
    return [
        Column(lambda: _("Unit"), lambda e: e.person.household.unit.name),
        Column(lambda: _("Household code"), lambda e: e.person.household.code, public=False),
        Column(
            lambda: _("Full name"),
            lambda e: e.person.full_name,
            masked=lambda e: mask_name(e.person.full_name),
        ),
        Column(lambda: _("School"), lambda e: e.school.name if e.school_id else ""),
        Column(lambda: _("Level"), lambda e: _label(EducationLevel, e.level)),
        Column(lambda: _("Grade"), lambda e: e.grade),
        Column(lambda: _("Attendance rate (%)"), lambda e: e.attendance_rate),
        Column(lambda: _("Risk score"), lambda e: e.risk_score, public=False),
        Column(
            lambda: _("Factors"),
            lambda e: "; ".join(str(f["label"]) for f in factors_of(e)),
            public=False,
        ),
    ]
