"""A fund's year report: the page, the workbook and the PDF (seen by whoever may open the
fund; the report names no person, yet each download is audited like every export)."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from reach.accounts.services import record_export
from reach.common.languages import in_language
from reach.common.pdf import pdf_response, render_pdf
from reach.common.schoolyear import current_school_year
from reach.common.xlsx import xlsx_response
from reach.funds import handovers, reports, selectors
from reach.funds.scholarship_share import scholarship_share


def report_year(request) -> int:
    """The `year` asked for (this year when absent or not a year)."""
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return timezone.localdate().year


def _report(request, fund_id: int) -> reports.FundReport:
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    return reports.fund_report(fund, report_year(request))


@login_required
def fund_report(request, fund_id: int):
    report = _report(request, fund_id)
    return render(
        request, "funds/fund_report.html", reports.report_context(report, request.LANGUAGE_CODE)
    )


def _audit(request, report: reports.FundReport, name: str) -> None:
    record_export(
        actor=request.user,
        name=name,
        filters={"fund": report.fund.pk, "year": report.year},
        rows=1,
        masked=False,
    )


@login_required
def fund_report_xlsx(request, fund_id: int):
    report = _report(request, fund_id)
    out = reports.report_xlsx(report, request.LANGUAGE_CODE)
    _audit(request, report, "funds.report.xlsx")
    return xlsx_response(out, filename=reports.report_filename(report, "xlsx"))


@login_required
def fund_report_pdf(request, fund_id: int):
    report = _report(request, fund_id)
    content = render_pdf(
        "funds/print/fund_report.html", reports.report_context(report, request.LANGUAGE_CODE)
    )
    _audit(request, report, "funds.report.pdf")
    return pdf_response(content, filename=reports.report_filename(report, "pdf"))


def _day(raw: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


@login_required
def hand_over_list_pdf(request, fund_id: int):
    """The goods handed over from `start` to `end` (ISO dates; by default the `year`'s),
    for signing; the pupils named as the reader may see them. Audited."""
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    year = report_year(request)
    start = _day(request.GET.get("start", ""), dt.date(year, 1, 1))
    end = _day(request.GET.get("end", ""), dt.date(year, 12, 31))
    listing = handovers.hand_over_list(fund, request.user, start, end)
    content = handovers.render_hand_over_pdf(listing, request.LANGUAGE_CODE)
    record_export(
        actor=request.user,
        name="funds.hand_over_list",
        filters={"fund": fund.pk, "start": start.isoformat(), "end": end.isoformat()},
        rows=len(listing.rows),
        masked=listing.masked,
    )
    return pdf_response(content, filename=handovers.hand_over_filename(listing))


@login_required
def scholarship_share_page(request, fund_id: int):
    """The share of the area's poor and near-poor pupils the fund gave a scholarship in a
    school year (`school_year`, by default the current one), and the pupils behind it."""
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    raw = request.GET.get("school_year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else current_school_year()
    share = scholarship_share(fund, year, request.user)
    return render(
        request,
        "funds/scholarship_share.html",
        {"share": share, "fund": fund, "fund_name": in_language(fund.names, request.LANGUAGE_CODE)},
    )
