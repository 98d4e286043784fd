"""Pages of reports: the reports a user sees, opening one, a report with its figures (live while
a draft, its snapshot once signed), its narrative, sub-units, chart, drift and history; submit,
accept, return with a reason (whole or figure by figure); the board of a period; PDF and xlsx.

The services decide who may change what (`reach.reports.permissions`); their `NotAllowed`
propagates as a 403, their other refusals come back as a message."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reach.accounts.scoping import restrict
from reach.accounts.services import record_export
from reach.common.downloads import CSV, download_response, export_filters
from reach.common.errors import DomainError, NotAllowed
from reach.geo.models import Organisation
from reach.geo.selectors import get_unit_for_user, unit_for_user_or_404
from reach.reports import permissions, selectors, services
from reach.reports.choices import EDITABLE, ReportStatus
from reach.reports.content import report_content
from reach.reports.definitions import get_template, report_templates
from reach.reports.dhis2 import build_export, load_mapping
from reach.reports.exports import report_pdf, report_xlsx
from reach.reports.forms import OpenReportForm, ReturnForm
from reach.reports.periods import PeriodError, given_period, period_of


def _report(request, report_id: int):
    report = selectors.get_report_for_user(request.user, report_id)
    if report is None:
        raise Http404(_("No such report"))
    return report


@login_required
def report_list(request):
    unit = unit_for_user_or_404(request.user, request.GET.get("unit"))
    reports = selectors.list_reports_for_user(
        request.user, unit=unit, status=request.GET.get("status", "")
    )
    templates = report_templates()
    return render(
        request,
        "reports/report_list.html",
        {
            "unit": unit,
            "reports": [(r, templates.get(r.template)) for r in reports[:500]],
            "form": OpenReportForm(initial={"day": timezone.localdate()}),
            "can_export_dhis2": permissions.can_export_dhis2(request.user),
        },
    )


@login_required
@require_POST
def open_report(request):
    form = OpenReportForm(request.POST)
    if not form.is_valid():
        for error in form.non_field_errors() or [_("Check the form.")]:
            messages.error(request, error)
        return redirect("reports:list")
    data = form.cleaned_data
    template = get_template(data["template"])
    organisation = None
    unit = None
    if data["organisation"]:
        organisation = (
            restrict(Organisation.objects.all(), request.user)
            .filter(code=data["organisation"])
            .first()
        )
        if organisation is None:
            raise Http404(_("No such organisation"))
    else:
        unit = get_unit_for_user(request.user, data["unit"])
        if unit is None:
            raise Http404(_("No such unit"))
    try:
        if data["review"]:
            period = given_period(data["review"], data["starts_on"], data["ends_on"])
        else:
            assert template is not None  # the form's choices are the templates
            period = period_of(template.period, data["day"] or timezone.localdate())
        report = services.open_report(
            actor=request.user,
            template_code=data["template"],
            unit=unit,
            organisation=organisation,
            period=period,
        )
    except (PeriodError, DomainError) as error:
        if isinstance(error, NotAllowed):
            raise
        messages.error(request, str(error))
        return redirect("reports:list")
    return redirect("reports:report", report_id=report.pk)


@login_required
def report_detail(request, report_id: int):
    report = _report(request, report_id)
    user = request.user
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "content": report_content(report),
            "events": selectors.list_events(report),
            "can_edit": report.status in EDITABLE and permissions.can_submit_report(user, report),
            "can_decide": report.status == ReportStatus.SUBMITTED
            and permissions.can_decide_report(user, report),
            "return_form": ReturnForm(),
        },
    )


def _refused(request, error: DomainError) -> None:
    if isinstance(error, NotAllowed):
        raise error
    messages.error(request, str(error))


@login_required
@require_POST
def save_narrative(request, report_id: int):
    report = _report(request, report_id)
    template = get_template(report.template)
    keys = [field.key for field in template.narrative] if template else []
    values = {key: request.POST.get(key, "") for key in keys}
    try:
        services.save_narrative(actor=request.user, report=report, values=values)
        if request.POST.get("submit"):
            services.submit_report(actor=request.user, report=report)
            messages.success(request, _("The report is submitted; its figures are frozen."))
        else:
            messages.success(request, _("The narrative is saved."))
    except DomainError as error:
        _refused(request, error)
    return redirect("reports:report", report_id=report.pk)


@login_required
@require_POST
def accept_report(request, report_id: int):
    report = _report(request, report_id)
    try:
        services.accept_report(actor=request.user, report=report)
        messages.success(request, _("The report is accepted."))
    except DomainError as error:
        _refused(request, error)
    return redirect("reports:report", report_id=report.pk)


@login_required
@require_POST
def return_report(request, report_id: int):
    report = _report(request, report_id)
    figures = {
        code: request.POST.get(f"reason_{code}", "") for code in request.POST.getlist("figures")
    }
    try:
        services.return_report(
            actor=request.user,
            report=report,
            reason=request.POST.get("reason", ""),
            figures=figures,
        )
        messages.success(request, _("The report is returned to its unit."))
    except DomainError as error:
        _refused(request, error)
    return redirect("reports:report", report_id=report.pk)


@login_required
def report_pdf_view(request, report_id: int):
    report = _report(request, report_id)
    return report_pdf(
        report_content(report),
        actor=request.user,
        events=list(selectors.list_events(report)),
        request=request,
    )


@login_required
def report_xlsx_view(request, report_id: int):
    report = _report(request, report_id)
    return report_xlsx(
        report_content(report, with_chart=False),
        actor=request.user,
        events=list(selectors.list_events(report)),
    )


@login_required
def board(request):
    """Per period, each sub-unit's report: status, missing, late. For a unit closed before the
    period, the units that stand for it, and the page says so."""
    unit = unit_for_user_or_404(request.user, request.GET.get("unit")) or (
        selectors.board_home_unit(request.user)
    )
    templates = report_templates()
    code = request.GET.get("template") or "vn_ward_school_year"
    template = templates.get(code)
    if template is None:
        raise Http404(_("No such report template"))
    day = parse_date(request.GET.get("day") or "") or timezone.localdate()
    try:
        period = period_of(template.period, day)
    except PeriodError:
        raise Http404(_("This template's periods are given by their plan")) from None
    rows = (
        selectors.board_for_user(request.user, unit=unit, template=template, period=period)
        if unit
        else []
    )
    closed = unit is not None and selectors.closed_before(unit, period)
    return render(
        request,
        "reports/board.html",
        {
            "unit": unit,
            "template": template,
            "templates": templates.values(),
            "period": period,
            "day": day,
            "rows": rows,
            "closed": closed,
        },
    )


@login_required
def dhis2_export(request):
    """The DHIS2 export as a download: `?format=csv` (else the dataValueSets JSON). Audited."""
    if not permissions.can_export_dhis2(request.user):
        raise NotAllowed(_("Your role cannot export to DHIS2."))
    unit = unit_for_user_or_404(request.user, request.GET.get("unit"))
    year = request.GET.get("year")
    reports = selectors.list_accepted_reports_for_user(
        request.user, unit=unit, school_year=int(year) if year and year.isdigit() else None
    )
    export = build_export(reports, load_mapping())
    as_csv = request.GET.get("format") == "csv"
    record_export(
        actor=request.user,
        name=f"reports.dhis2.{'csv' if as_csv else 'json'}",
        filters=export_filters(request.GET),
        rows=len(export.data_values),
        masked=False,
    )
    if as_csv:
        return download_response(
            export.as_csv().encode("utf-8"), filename="reach-dhis2.csv", content_type=CSV
        )
    body = json.dumps(export.as_json(), ensure_ascii=False, indent=1).encode("utf-8")
    return download_response(body, filename="reach-dhis2.json", content_type="application/json")
