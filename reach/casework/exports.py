"""The cases of a unit as .xlsx; the published variant masks names and leaves out birth dates
and household codes."""

from django.utils.translation import gettext as _

from reach.casework.choices import CaseKind, CaseStatus, Outcome
from reach.common.masking import mask_name
from reach.indicators.exports import Column


def _label(choices, code) -> str:
    return choices(code).label if code in choices.values else (code or "")


def case_columns() -> list[Column]:
    return [
        Column(lambda: _("Case"), lambda c: c.pk, public=False),
        Column(lambda: _("Unit"), lambda c: c.unit.name),
        Column(lambda: _("Household code"), lambda c: c.household.code, public=False),
        Column(
            lambda: _("Full name"),
            lambda c: c.person.full_name,
            masked=lambda c: mask_name(c.person.full_name),
        ),
        Column(lambda: _("Birth date"), lambda c: c.person.birth_date, public=False),
        Column(lambda: _("School year"), lambda c: c.school_year),
        Column(lambda: _("Kind"), lambda c: _label(CaseKind, c.kind)),
        Column(lambda: _("Status"), lambda c: _label(CaseStatus, c.status)),
        Column(lambda: _("Work group"), lambda c: c.work_group.name if c.work_group_id else ""),
        Column(lambda: _("Opened on"), lambda c: c.opened_on),
        Column(lambda: _("Last visit"), lambda c: c.last_visit, public=False),
        Column(lambda: _("Outcome"), lambda c: _label(Outcome, c.outcome)),
        Column(lambda: _("Closed on"), lambda c: c.closed_on),
    ]
