"""The budget of a school year by funding source and unit: what the runs estimate, what is
approved and what was paid, for the scope and each unit one level below it (drill-down).

- **Estimate**: the latest computed line of each pupil and benefit, whether approved or not:
  the draft lines (runs not yet approved, corrections being prepared), and the lines in force
  that no draft replaces (no draft line of the same pupil, policy and benefit, and no open
  correction of their run). When the keys of runs do not overlap, that is the lines of the
  latest run of each key.
- **Approved**: the lines in force (of approved, published or closed runs).
- **Paid**: the disbursements, each split between sources like the funding of the line it
  paid (`split_like`; the payments of a group of lines funded alike are split together).

Amounts are integer minor units by (source, currency). Each figure is one GROUP BY over the
scope (by the household's unit, the line's funding parts and amount); the parts are added up
in Python over those few groups, never per line.
"""

from dataclasses import dataclass, field
from typing import IO

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from reach.common.xlsx import new_workbook
from reach.entitlements.choices import OPEN_STAGES, LineStatus, RunStage, RunStatus
from reach.entitlements.models import EntitlementLine, EntitlementRun
from reach.geo.models import PATH_SEPARATOR, Unit
from reach.payments.funding import parts_of, split_like
from reach.payments.lists import major, money_format
from reach.payments.models import Disbursement
from reach.payments.selectors import HOUSEHOLD_PATH, in_scope
from reach.policy.labels import source_name

FIGURES = ("estimate", "approved", "paid")
PENDING_STAGES = (*OPEN_STAGES, RunStage.SUBMITTED)  # computed, not yet approved


@dataclass
class SourceFigures:
    source: str
    currency: str
    estimate: int = 0
    approved: int = 0
    paid: int = 0

    @property
    def name(self) -> str:
        return source_name(self.source)

    @property
    def to_pay(self) -> int:
        """Approved and not paid yet (never below 0)."""
        return max(self.approved - self.paid, 0)


@dataclass
class BudgetRow:
    unit: Unit | None
    figures: dict[tuple[str, str], SourceFigures] = field(default_factory=dict)

    def add(self, figure: str, source: str, currency: str, minor: int) -> None:
        key = (currency, source)
        entry = self.figures.setdefault(key, SourceFigures(source, currency))
        setattr(entry, figure, getattr(entry, figure) + minor)

    @property
    def sources(self) -> list[SourceFigures]:
        return [self.figures[key] for key in sorted(self.figures)]

    def totals(self) -> list[SourceFigures]:
        """All sources together, one entry per currency (source "")."""
        by_currency: dict[str, SourceFigures] = {}
        for entry in self.sources:
            total = by_currency.setdefault(entry.currency, SourceFigures("", entry.currency))
            for figure in FIGURES:
                setattr(total, figure, getattr(total, figure) + getattr(entry, figure))
        return [by_currency[key] for key in sorted(by_currency)]

    def get(self, source: str, currency: str) -> SourceFigures:
        return self.figures.get((currency, source), SourceFigures(source, currency))


def estimated_lines(lines: QuerySet[EntitlementLine]) -> QuerySet[EntitlementLine]:
    """Of `lines`, those that make the estimate: drafts, and lines in force no draft replaces."""
    draft_sibling = EntitlementLine.objects.filter(
        status=LineStatus.DRAFT,
        person=OuterRef("person"),
        school_year=OuterRef("school_year"),
        policy_code=OuterRef("policy_code"),
        benefit_code=OuterRef("benefit_code"),
    )
    open_correction = EntitlementRun.objects.filter(
        corrects=OuterRef("run"), stage__in=PENDING_STAGES, status=RunStatus.DONE
    )
    return lines.filter(
        Q(status=LineStatus.DRAFT)
        | Q(status=LineStatus.IN_FORCE) & ~Exists(draft_sibling) & ~Exists(open_correction)
    )


def budget(
    *, user, school_year: int, unit: Unit | None = None
) -> tuple[BudgetRow, list[BudgetRow]]:
    """The budget of the scope and of each unit one level below it (three group-by queries)."""
    lines = in_scope(EntitlementLine.objects.filter(school_year=school_year), user, unit)
    payments = in_scope(Disbursement.objects.filter(school_year=school_year), user, unit)
    total = BudgetRow(unit)
    below: dict[str, BudgetRow] = {}
    depth = len(unit.path.split(PATH_SEPARATOR)) if unit is not None else 0

    def rows_for(path: str) -> list[BudgetRow]:
        child = PATH_SEPARATOR.join(path.split(PATH_SEPARATOR)[: depth + 1])
        if child == (unit.path if unit is not None else ""):
            return [total]
        return [total, below.setdefault(child, BudgetRow(None))]

    groups = [
        ("estimate", estimated_lines(lines)),
        ("approved", lines.filter(status=LineStatus.IN_FORCE)),
    ]
    for figure, queryset in groups:
        grouped = (
            queryset.order_by()
            .values(HOUSEHOLD_PATH, "currency", "funding", "amount_minor")
            .annotate(lines=Count("id"))
        )
        for row in grouped:
            targets = rows_for(row[HOUSEHOLD_PATH])
            for source, part in parts_of(row["funding"], row["amount_minor"]):
                for target in targets:
                    target.add(figure, source, row["currency"], part * row["lines"])
    paid = (
        payments.order_by()
        .values(HOUSEHOLD_PATH, "currency", "line__funding", "line__amount_minor")
        .annotate(paid=Sum("amount_minor"))
    )
    for row in paid:
        targets = rows_for(row[HOUSEHOLD_PATH])
        parts = parts_of(row["line__funding"], row["line__amount_minor"])
        for source, share in split_like(row["paid"], parts):
            for target in targets:
                target.add("paid", source, row["currency"], share)
    units = {u.path: u for u in Unit.objects.filter(path__in=below)}
    children = []
    for path in sorted(below):
        below[path].unit = units.get(path)
        if below[path].unit is not None:
            children.append(below[path])
    return total, children


# -- spreadsheet ----------------------------------------------------------------------------


def write_budget(
    out: IO[bytes], *, school_year: int, total: BudgetRow, children: list[BudgetRow]
) -> int:
    """The budget as one sheet: a row per unit and source (the scope first, then each unit
    below it), with each unit's all-sources total per currency. Returns the rows written."""
    workbook = new_workbook(out)
    sheet = workbook.add_worksheet(_("Budget")[:31])
    bold = workbook.add_format({"bold": True})
    formats: dict[tuple[str, bool], object] = {}

    def money_cell(row: int, column: int, minor: int, currency: str, strong: bool):
        key = (currency, strong)
        if key not in formats:
            formats[key] = workbook.add_format(
                {"num_format": money_format(currency), "bold": strong}
            )
        sheet.write_number(row, column, float(major(minor, currency)), formats[key])

    sheet.write(0, 0, _("Budget"), bold)
    sheet.write(1, 0, _("School year %(year)s") % {"year": school_year})
    headings = [
        _("Unit"),
        _("Funding source"),
        _("Currency"),
        _("Estimate"),
        _("Approved"),
        _("Paid"),
        _("Approved, not paid"),
    ]
    sheet.write_row(3, 0, headings, bold)
    at = 3
    for row in [total, *children]:
        name = row.unit.name if row.unit is not None else _("All my units")
        entries = [(entry, False) for entry in row.sources]
        entries += [(entry, True) for entry in row.totals()]
        for entry, strong in entries:
            at += 1
            sheet.write(at, 0, name, bold if strong else None)
            sheet.write(at, 1, entry.name if entry.source else _("All sources"))
            sheet.write(at, 2, entry.currency)
            for column, figure in enumerate((*FIGURES, "to_pay"), start=3):
                money_cell(at, column, getattr(entry, figure), entry.currency, strong)
    sheet.freeze_panes(4, 0)
    sheet.set_column(0, 1, 30)
    sheet.set_column(3, 6, 16)
    workbook.close()
    return at - 3
