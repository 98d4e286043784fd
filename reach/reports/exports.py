"""A report as a spreadsheet (via `reach.common.xlsx`) and as a PDF (WeasyPrint, with its chart
and the table beside it). A report holds counts only, never a person; every download is
audited."""

import io

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from reach.accounts.models import User
from reach.accounts.services import record_export
from reach.common.pdf import pdf_response, render_pdf
from reach.common.xlsx import Sheet, write_workbook, xlsx_response
from reach.reports.content import ReportContent
from reach.reports.models import Report


def _heading(report: Report) -> list[str]:
    return [
        f"{report.reporter_name} · {report.period_label}",
        f"{_('Status')}: {report.get_status_display()}",
    ]


def report_xlsx(content: ReportContent, *, actor: User, events) -> HttpResponse:
    report = content.report
    figures = Sheet(
        name=_("Figures"),
        preamble=_heading(report),
        headings=[
            _("Section"),
            _("Figure"),
            _("Counted"),
            _("Out of"),
            _("Value (%)"),
            _("Returned"),
        ],  # fmt: skip
        rows=[
            (
                section.title,
                row.label,
                row.value.numerator,
                row.value.denominator,
                row.value.value,
                row.returned,
            )  # fmt: skip
            for section in content.sections
            for row in section.rows
        ],
        widths=[24, 60, 10, 10, 10, 30],
    )
    sub_units = Sheet(
        name=_("Sub-units"),
        preamble=_heading(report),
        headings=[_("Unit"), _("Missing")] + [label for _c, label in content.figure_labels],
        rows=[
            (row.name, _("Missing") if row.missing else "", *[v.value for v in row.values])
            for row in content.sub_units
        ],
        widths=[30, 10],
    )
    history = Sheet(
        name=_("History"),
        preamble=_heading(report),
        headings=[_("Time"), _("Step"), _("By"), _("Reason"), _("Figures returned")],
        rows=[
            (e.at, e.get_action_display(), e.actor_name, e.reason, ", ".join(e.figures))
            for e in events
        ],
        widths=[18, 14, 20, 50, 30],
    )
    narrative = Sheet(
        name=_("Narrative"),
        preamble=_heading(report),
        headings=[_("Field"), _("Text")],
        rows=[
            (field.label, report.narrative.get(field.key, ""))
            for field in (content.template.narrative if content.template else ())
        ],
        widths=[30, 100],
    )
    out = io.BytesIO()
    counts = write_workbook(out, [figures, sub_units, narrative, history])
    record_export(
        actor=actor,
        name="reports.report.xlsx",
        filters={"report_id": report.pk},
        rows=sum(counts),
        masked=False,
    )
    return xlsx_response(out, filename=f"reach-report-{report.pk}.xlsx")


def report_pdf(
    content: ReportContent, *, actor: User, events, request: HttpRequest | None = None
) -> HttpResponse:
    report = content.report
    body = render_pdf(
        "reports/print/report.html",
        {"content": content, "report": report, "events": events},
        request=request,
    )
    record_export(
        actor=actor,
        name="reports.report.pdf",
        filters={"report_id": report.pk},
        rows=sum(len(s.rows) for s in content.sections) + len(content.sub_units),
        masked=False,
    )
    return pdf_response(body, filename=f"reach-report-{report.pk}.pdf")
