"""Payment lists: what an office pays, per school or unit (a ward, a district ...) and school
year, optionally for one funding source, with totals per benefit and a grand total.

A list holds the lines in force of the year (lines of approved, published or closed runs:
lines of runs not yet approved are never paid) of the pupils the user may see, one row per
line: the pupil, the benefit, the amount, what was already paid for its purpose and what
remains (never below 0: an over-paid line shows 0 and reconciliation reports it). For one
funding source each row holds that source's part of the line, and of what was paid the same
share (`split_like`), so the lists of every source add up to the whole list.

These lists are internal (officers pay from them): they show the pupil's full name, but the
national ID only masked (at most its last four characters): enough to check an identity
paper at the counter, without the full number travelling with every printed copy.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reach.accounts.scoping import restrict
from reach.common.masking import mask_id
from reach.common.money import CURRENCY_EXPONENTS
from reach.common.templatetags.reach_tags import in_language
from reach.common.xlsx import new_workbook
from reach.entitlements.models import EntitlementLine
from reach.geo.models import School, Unit
from reach.payments.funding import parts_of, share_of
from reach.payments.selectors import lines_in_force
from reach.policy.labels import source_name

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_MAX_ROWS = 5000  # a printed list is a ward's or a school's; longer ones are spreadsheets


@dataclass
class PaymentRow:
    number: int
    line: EntitlementLine
    amount: int  # minor units: the line's amount, or the chosen source's part of it
    paid: int
    sources: list[str]

    @property
    def remaining(self) -> int:
        return max(self.amount - self.paid, 0)

    @property
    def source_names(self) -> str:
        return ", ".join(source_name(name) for name in self.sources if name)

    @property
    def masked_id(self) -> str:
        return mask_id(self.line.person.national_id)


@dataclass
class PaymentTotal:
    currency: str
    policy_code: str = ""
    benefit_code: str = ""
    names: dict = field(default_factory=dict)
    lines: int = 0
    amount: int = 0
    paid: int = 0
    remaining: int = 0

    def add(self, row: PaymentRow) -> None:
        self.lines += 1
        self.amount += row.amount
        self.paid += row.paid
        self.remaining += row.remaining


@dataclass
class PaymentList:
    school_year: int
    unit: Unit | None
    school: School | None
    source: str
    rows: list[PaymentRow]
    by_benefit: list[PaymentTotal]
    totals: list[PaymentTotal]  # one per currency
    sources: list[str]  # every source funding the lines of the list, for choosing one

    @property
    def place(self) -> str:
        return (
            self.school.name if self.school is not None else (self.unit.name if self.unit else "")
        )

    @property
    def source_name(self) -> str:
        return source_name(self.source) if self.source else ""

    @property
    def source_choices(self) -> list[tuple[str, str]]:
        return [(code, source_name(code)) for code in self.sources]


def list_schools_for_user(user) -> QuerySet[School]:
    return restrict(School.objects.select_related("unit"), user).order_by("unit__path", "name")


def get_school_for_user(user, code: str) -> School | None:
    return list_schools_for_user(user).filter(code=code).first()


def payment_list(
    *,
    user,
    school_year: int,
    unit: Unit | None = None,
    school: School | None = None,
    source: str = "",
) -> PaymentList:
    """The payment list of a unit (sub-units included) or of a school's pupils, for one
    school year, of every funding source or only `source`. One query for the rows."""
    lines = lines_in_force(user=user, school_year=school_year, unit=unit)
    if school is not None:
        lines = lines.filter(enrolment__school=school)
    lines = lines.select_related(
        "person", "household", "benefit", "unit", "enrolment__school"
    ).order_by(
        "unit__path", "enrolment__school__name", "person__full_name", "person_id", "benefit_code"
    )
    rows: list[PaymentRow] = []
    sources: set[str] = set()
    by_benefit: dict[tuple[str, str, str], PaymentTotal] = {}
    totals: dict[str, PaymentTotal] = {}
    for line in lines:
        parts = parts_of(line.funding, line.amount_minor)
        names = [name for name, _part in parts]
        sources.update(name for name in names if name)
        if source and source not in names:
            continue
        if source:
            amount = sum(part for name, part in parts if name == source)
            paid = share_of(line.paid, parts, source)
        else:
            amount, paid = line.amount_minor, line.paid
        row = PaymentRow(len(rows) + 1, line, amount, paid, names)
        rows.append(row)
        key = (line.currency, line.policy_code, line.benefit_code)
        if key not in by_benefit:
            by_benefit[key] = PaymentTotal(
                line.currency, line.policy_code, line.benefit_code, line.benefit.names
            )
        by_benefit[key].add(row)
        totals.setdefault(line.currency, PaymentTotal(line.currency)).add(row)
    return PaymentList(
        school_year=school_year,
        unit=unit,
        school=school,
        source=source,
        rows=rows,
        by_benefit=[by_benefit[key] for key in sorted(by_benefit)],
        totals=[totals[key] for key in sorted(totals)],
        sources=sorted(sources),
    )


# -- spreadsheet ----------------------------------------------------------------------------


def major(minor: int, currency: str) -> Decimal:
    """Minor units as a number of major units (exact; written to a cell with the currency's
    decimals)."""
    return Decimal(minor).scaleb(-CURRENCY_EXPONENTS.get(currency, 0))


def money_format(currency: str) -> str:
    places = CURRENCY_EXPONENTS.get(currency, 0)
    return "#,##0" + ("." + "0" * places if places else "")


def headings() -> list[str]:
    return [
        _("No."),
        _("Full name"),
        _("National ID (masked)"),
        _("Household code"),
        _("Unit"),
        _("School"),
        _("Benefit"),
        _("Funding source"),
        _("Currency"),
        _("Amount"),
        _("Already paid"),
        _("Remaining"),
    ]


def write_payment_list(out: IO[bytes], plist: PaymentList) -> int:
    """The list as one sheet: a title, the heading row, one row per line, then the totals per
    benefit and the grand total (per currency). Amounts are numbers in major units, shown with
    the currency's decimals. Returns the number of line rows."""
    workbook = new_workbook(out)
    sheet = workbook.add_worksheet(_("Payment list")[:31])
    bold = workbook.add_format({"bold": True})
    formats: dict[tuple[str, bool], object] = {}

    def money_cell(row: int, column: int, minor: int, currency: str, strong: bool = False):
        key = (currency, strong)
        if key not in formats:
            formats[key] = workbook.add_format(
                {"num_format": money_format(currency), "bold": strong}
            )
        sheet.write_number(row, column, float(major(minor, currency)), formats[key])

    sheet.write(0, 0, _("Payment list"), bold)
    meta = [_("School year %(year)s") % {"year": plist.school_year}, plist.place]
    if plist.source:
        meta.append(plist.source_name)
    sheet.write(1, 0, " · ".join(part for part in meta if part))
    top = 3
    sheet.write_row(top, 0, headings(), bold)
    for index, row in enumerate(plist.rows, start=top + 1):
        line = row.line
        school = line.enrolment.school
        sheet.write_number(index, 0, row.number)
        sheet.write(index, 1, line.person.full_name)
        sheet.write(index, 2, row.masked_id)
        sheet.write(index, 3, line.household.code)
        sheet.write(index, 4, line.unit.name)
        sheet.write(index, 5, school.name if school else "")
        sheet.write(index, 6, in_language(line.benefit.names) or line.benefit_code)
        sheet.write(index, 7, plist.source_name or row.source_names)
        sheet.write(index, 8, line.currency)
        money_cell(index, 9, row.amount, line.currency)
        money_cell(index, 10, row.paid, line.currency)
        money_cell(index, 11, row.remaining, line.currency)
    at = top + len(plist.rows) + 2
    sheet.write(at, 0, _("Totals per benefit"), bold)
    for total in plist.by_benefit:
        at += 1
        _write_total(sheet, at, in_language(total.names) or total.benefit_code, total, money_cell)
    at += 1
    for total in plist.totals:
        at += 1
        _write_total(sheet, at, _("Grand total"), total, money_cell, strong=True)
    sheet.freeze_panes(top + 1, 0)
    sheet.set_column(1, 1, 28)
    sheet.set_column(4, 7, 22)
    sheet.set_column(9, 11, 14)
    workbook.close()
    return len(plist.rows)


def _write_total(sheet, at: int, label: str, total: PaymentTotal, money_cell, strong=False):
    sheet.write(at, 6, label)
    sheet.write(
        at, 7, ngettext("%(count)s line", "%(count)s lines", total.lines) % {"count": total.lines}
    )
    sheet.write(at, 8, total.currency)
    money_cell(at, 9, total.amount, total.currency, strong)
    money_cell(at, 10, total.paid, total.currency, strong)
    money_cell(at, 11, total.remaining, total.currency, strong)
