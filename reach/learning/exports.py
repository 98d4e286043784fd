"""The learning lists as workbooks: the registrations behind the title rates, the units behind
the board rate and the title rates themselves. A household head's or a person's name is
masked for a reader who may not see it unmasked (`may_see_unmasked`); the views audit each
download with `record_export`."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from reach.common.masking import mask_name
from reach.common.xlsx import Sheet
from reach.learning.models import Registration
from reach.learning.selectors import BoardRate, TitleRate, TitleRow


def subject_cell(registration: Registration, *, masked: bool) -> str:
    """The registration's subject; a family or a citizen named in full only when unmasked."""
    if registration.household is not None:
        household = registration.household
        return household.code if masked else f"{household.code} {household.head_name}"
    if registration.person is not None:
        name = registration.person.full_name
        return mask_name(name) if masked else name
    return str(registration.subject)


def registrations_sheet(
    registrations: Iterable[Registration], *, masked: bool, title: str
) -> Sheet:
    return Sheet(
        name=_("Registrations")[:31],
        headings=[
            _("Year"),
            _("Title"),
            _("Unit code"),
            _("Unit"),
            _("Subject"),
            _("Criteria set"),
            _("Status"),
            _("Self-assessed score"),
            _("Board's score"),
            _("Pass mark"),
            _("Decision number"),
            _("Decided on"),
        ],
        rows=(
            [
                r.year,
                r.get_title_display(),
                r.unit.code,
                r.unit.name,
                subject_cell(r, masked=masked),
                str(r.criteria_set),
                r.get_status_display(),
                r.self_score,
                r.board_score,
                r.criteria_set.pass_mark,
                r.decision_number,
                r.decided_on,
            ]
            for r in registrations
        ),
        preamble=[title],
        widths=[6, 16, 14, 24, 30, 22, 16, 10, 10, 10, 16, 12],
    )


def board_sheet(rate: BoardRate, *, title: str) -> Sheet:
    return Sheet(
        name=_("Boards")[:31],
        headings=[_("Code"), _("Unit"), _("Board"), _("Established on"), _("Decision number")],
        rows=(
            [
                u.code,
                u.name,
                _("yes") if u.has_board else _("none"),
                u.established_on,
                u.decision_number,
            ]
            for u in rate.units
        ),
        preamble=[title],
        widths=[14, 30, 8, 14, 18],
    )


def title_rates_sheet(
    total: TitleRow, rows: Iterable[TitleRow], *, titles: list, title: str
) -> Sheet:
    """One row per unit (then the total): recognised / population and the rate per title."""
    headings = [_("Code"), _("Unit")]
    for _code, label in titles:
        headings += [f"{label}: {_('recognised')}", f"{label}: {_('of')}", f"{label} (%)"]

    def cells(code: str, name: str, rates: dict[str, TitleRate]) -> list:
        line: list = [code, name]
        for key, _label in titles:
            rate = rates.get(key)
            line += [rate.recognised, rate.total, rate.rate] if rate else [None] * 3
        return line

    return Sheet(
        name=_("Title rates")[:31],
        headings=headings,
        rows=[
            *(cells(r.unit.code, r.unit.name, r.rates) for r in rows if r.unit is not None),
            cells(total.unit.code if total.unit else "", _("Total"), total.rates),
        ],
        preamble=[title],
        widths=[14, 30],
    )
