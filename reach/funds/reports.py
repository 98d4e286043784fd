"""A fund's year report: raised, spent, refunded, the free and restricted cash it held at the
start and the end of the year, and the year's money broken down by donor kind, campaign,
purpose and the recipients' commune or ward; the goods received and handed over by item.

Every figure is a GROUP BY over the fund's ledger entries dated in the year (a reversal
counts against the movement it reverses: it carries its purpose and recipient, and its donor
is read through `reverses`). The report names no person, so it is the same for every reader
who may open the fund."""

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from reach.common.languages import in_language
from reach.common.money import format_major
from reach.common.xlsx import Sheet, write_workbook
from reach.funds.choices import AccountKind, Campaign, DonorKind, FundPurpose
from reach.funds.models import Entry, Fund
from reach.geo.models import Unit

CASH_HELD = (AccountKind.FREE_CASH, AccountKind.RESTRICTED_CASH)


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    amount: int


@dataclass(frozen=True)
class GoodsLine:
    item: str
    item_unit: str
    received: int
    handed_over: int


@dataclass(frozen=True)
class FundReport:
    fund: Fund
    year: int
    raised: int  # cash received in the year, net of reversed gifts
    spent: int  # cash paid out in the year, net of reversed payments
    refunded: int
    opening_free: int
    opening_restricted: int
    closing_free: int
    closing_restricted: int
    by_donor_kind: list[Line]
    by_campaign: list[Line]
    by_purpose: list[Line]
    by_unit: list[Line]
    goods: list[GoodsLine]

    @property
    def opening(self) -> int:
        return self.opening_free + self.opening_restricted

    @property
    def closing(self) -> int:
        return self.closing_free + self.closing_restricted


def _year_entries(fund: Fund, year: int) -> QuerySet[Entry]:
    return Entry.objects.filter(
        account__fund=fund,
        transaction__occurred_on__gte=dt.date(year, 1, 1),
        transaction__occurred_on__lte=dt.date(year, 12, 31),
    ).order_by()


def _grouped(entries: QuerySet[Entry], key, labels: dict, sign: int) -> list[Line]:
    rows = entries.annotate(group=key).values("group").annotate(total=Sum("amount"))
    lines = [
        Line(
            key=row["group"] or "",
            label=str(labels.get(row["group"] or "", row["group"] or "")),
            amount=sign * int(row["total"]),
        )
        for row in rows
        if row["total"]
    ]
    return sorted(lines, key=lambda line: (-line.amount, line.label))


def fund_report(fund: Fund, year: int) -> FundReport:
    """The report of `fund` for the calendar `year` (by the date of each movement)."""
    entries = _year_entries(fund, year)
    totals = dict(
        entries.values("account__kind")
        .annotate(total=Sum("amount"))
        .values_list("account__kind", "total")
    )
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    held = Entry.objects.filter(account__fund=fund, account__kind__in=CASH_HELD).aggregate(
        **{
            f"{when}_{kind}": Coalesce(Sum("amount", filter=Q(account__kind=kind) & date_q), 0)
            for when, date_q in (
                ("opening", Q(transaction__occurred_on__lt=start)),
                ("closing", Q(transaction__occurred_on__lte=end)),
            )
            for kind in CASH_HELD
        }
    )
    gifts = entries.filter(account__kind=AccountKind.DONATIONS_IN)
    paid = entries.filter(account__kind=AccountKind.PAID_OUT)
    donor_kind = Coalesce(
        "transaction__reverses__donation__donor__kind", "transaction__donation__donor__kind"
    )
    campaign = Coalesce(
        "transaction__reverses__donation__campaign", "transaction__donation__campaign"
    )
    no_donor = {"": _("No donor named")}
    by_unit = _grouped(paid, F("transaction__recipient__household__unit_id"), {}, 1)
    unit_names = dict(
        Unit.objects.filter(pk__in=[line.key for line in by_unit if line.key]).values_list(
            "pk", "name"
        )
    )
    goods_rows = (
        entries.filter(account__kind__in=(AccountKind.GOODS_IN, AccountKind.HANDED_OVER))
        .values("account__item", "account__item_unit")
        .annotate(
            received=Coalesce(Sum("amount", filter=Q(account__kind=AccountKind.GOODS_IN)), 0),
            handed=Coalesce(Sum("amount", filter=Q(account__kind=AccountKind.HANDED_OVER)), 0),
        )
        .order_by("account__item", "account__item_unit")
    )
    return FundReport(
        fund=fund,
        year=year,
        raised=-int(totals.get(AccountKind.DONATIONS_IN, 0)),
        spent=int(totals.get(AccountKind.PAID_OUT, 0)),
        refunded=int(totals.get(AccountKind.REFUNDED, 0)),
        opening_free=int(held[f"opening_{AccountKind.FREE_CASH}"]),
        opening_restricted=int(held[f"opening_{AccountKind.RESTRICTED_CASH}"]),
        closing_free=int(held[f"closing_{AccountKind.FREE_CASH}"]),
        closing_restricted=int(held[f"closing_{AccountKind.RESTRICTED_CASH}"]),
        by_donor_kind=_grouped(gifts, donor_kind, {**dict(DonorKind.choices), **no_donor}, -1),
        by_campaign=_grouped(gifts, campaign, {**dict(Campaign.choices), "": _("No campaign")}, -1),
        by_purpose=_grouped(
            paid,
            F("transaction__purpose"),
            {**dict(FundPurpose.choices), "": _("No purpose given")},
            1,
        ),
        by_unit=[
            Line(
                key=str(line.key),
                label=unit_names.get(line.key, _("No recipient named")),  # type: ignore[call-overload]
                amount=line.amount,
            )
            for line in by_unit
        ],
        goods=[
            GoodsLine(
                item=row["account__item"],
                item_unit=row["account__item_unit"],
                received=-int(row["received"]),
                handed_over=int(row["handed"]),
            )
            for row in goods_rows
        ],
    )


def _money(amount: int, fund: Fund, language: str) -> str:
    return f"{format_major(amount, fund.currency, lang=language)} {fund.currency}"


def report_context(report: FundReport, language: str) -> dict:
    """What the page and the PDF show: the figures, formatted in `language`."""
    fund = report.fund

    def money(amount: int) -> str:
        return _money(amount, fund, language)

    def lines(rows: list[Line]) -> list[tuple[str, str]]:
        return [(line.label, money(line.amount)) for line in rows]

    return {
        "report": report,
        "fund": fund,
        "fund_name": in_language(fund.names, language),
        "summary": [
            (_("Cash held on 1 January"), money(report.opening)),
            (_("Raised"), money(report.raised)),
            (_("Spent"), money(report.spent)),
            (_("Refunded to donors"), money(report.refunded)),
            (_("Cash held on 31 December"), money(report.closing)),
            (_("of which free"), money(report.closing_free)),
            (_("of which restricted"), money(report.closing_restricted)),
        ],
        "breakdowns": [
            (_("Raised by kind of donor"), lines(report.by_donor_kind)),
            (_("Raised by campaign"), lines(report.by_campaign)),
            (_("Spent by purpose"), lines(report.by_purpose)),
            (_("Spent by the recipients' commune or ward"), lines(report.by_unit)),
        ],
    }


def report_xlsx(report: FundReport, language: str) -> io.BytesIO:
    """The report as a workbook: the summary, each breakdown and the goods (amounts in major
    units of the fund's currency, as numbers)."""
    fund = report.fund
    title = f"{fund.code} — {in_language(fund.names, language)} — {report.year}"

    def major(amount: int) -> Decimal:
        return Decimal(format_major(amount, fund.currency))

    context = report_context(report, language)
    summary_values = [
        report.opening,
        report.raised,
        report.spent,
        report.refunded,
        report.closing,
        report.closing_free,
        report.closing_restricted,
    ]
    sheets = [
        Sheet(
            name=_("Summary"),
            headings=[_("Figure"), fund.currency],
            rows=[
                (label, major(value))
                for (label, _text), value in zip(context["summary"], summary_values, strict=True)
            ],
            preamble=[title],
            widths=[40, 18],
        )
    ]
    for name, (heading, _lines), rows in zip(
        (_("Donor kinds"), _("Campaigns"), _("Purposes"), _("Communes and wards")),
        context["breakdowns"],
        (report.by_donor_kind, report.by_campaign, report.by_purpose, report.by_unit),
        strict=True,
    ):
        sheets.append(
            Sheet(
                name=name,
                headings=[heading, fund.currency],
                rows=[(line.label, major(line.amount)) for line in rows],
                preamble=[title],
                widths=[40, 18],
            )
        )
    sheets.append(
        Sheet(
            name=_("Goods"),
            headings=[_("Item"), _("Unit of the item"), _("Received"), _("Handed over")],
            rows=[(g.item, g.item_unit, g.received, g.handed_over) for g in report.goods],
            preamble=[title],
            widths=[30, 12, 14, 14],
        )
    )
    out = io.BytesIO()
    write_workbook(out, sheets)
    return out


def report_filename(report: FundReport, suffix: str) -> str:
    return f"fund-report-{report.fund.code}-{report.year}.{suffix}"
