"""The public notice of a published run (per school or ward; page, .xlsx, PDF) and the
objections recorded against its lines."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reach.common.errors import DomainError
from reach.common.pdf import pdf_response
from reach.common.xlsx import xlsx_response
from reach.entitlements import selectors
from reach.entitlements.notice import (
    NoticePlace,
    masked_rows,
    notice_columns,
    notice_filename,
    notice_preamble,
    record_notice_export,
    render_notice_pdf,
    write_notice_xlsx,
)
from reach.entitlements.permissions import can_resolve_objection
from reach.entitlements.services import objections

PAGE_SIZE = 50


def _published_run(request, run_id: int):
    run = selectors.get_run_for_user(request.user, run_id)
    if run is None or not selectors.has_notice(run):
        raise Http404(_("No public notice of this run"))
    return run


def _place(request, run, schools, wards) -> NoticePlace | None:
    """The school (`?school=<id>`) or ward (`?ward=<code>`) asked for, among those the user
    may see; None when none is asked for."""
    school_id, ward_code = request.GET.get("school", ""), request.GET.get("ward", "")
    if school_id:
        school = next((s for s in schools if str(s.pk) == school_id), None)
        if school is None:
            raise Http404(_("No such school in this notice"))
        return NoticePlace(school=school)
    if ward_code:
        ward = next((w for w in wards if w.code == ward_code), None)
        if ward is None:
            raise Http404(_("No such commune / ward in this notice"))
        return NoticePlace(ward=ward)
    return None


def _notice(request, run_id: int):
    run = _published_run(request, run_id)
    schools = selectors.list_notice_schools_for_user(request.user, run)
    wards = selectors.list_notice_wards_for_user(request.user, run)
    place = _place(request, run, schools, wards)
    lines = None
    if place is not None:
        lines = selectors.list_notice_lines_for_user(
            request.user, run, school=place.school, ward=place.ward
        )
    return run, schools, wards, place, lines


@login_required
def run_notice(request, run_id: int):
    run, schools, wards, place, lines = _notice(request, run_id)
    page = (
        Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page")) if lines is not None else None
    )
    listed = list(selectors.list_objections_for_user(request.user, run=run))
    context = {
        "run": run,
        "schools": schools,
        "wards": wards,
        "place": place,
        "preamble": notice_preamble(run, place) if place else [],
        "headings": [str(column.heading()) for column in notice_columns()],
        "page": page,
        "rows": masked_rows(page.object_list) if page else [],
        "objections": listed,
        "resolvable": {o.pk for o in listed if can_resolve_objection(request.user, o)},
    }
    return render(request, "entitlements/notice.html", context)


@login_required
def run_notice_xlsx(request, run_id: int):
    run, _schools, _wards, place, lines = _notice(request, run_id)
    if place is None:
        raise Http404(_("Choose a school or a commune / ward"))
    out = io.BytesIO()
    rows = write_notice_xlsx(out, run=run, place=place, lines=lines.iterator(chunk_size=2000))
    record_notice_export(request.user, run, place, rows, "xlsx")
    return xlsx_response(out, filename=notice_filename(run, place, "xlsx"))


@login_required
def run_notice_pdf(request, run_id: int):
    run, _schools, _wards, place, lines = _notice(request, run_id)
    if place is None:
        raise Http404(_("Choose a school or a commune / ward"))
    lines = list(lines)
    content = render_notice_pdf(run=run, place=place, lines=lines, request=request)
    record_notice_export(request.user, run, place, len(lines), "pdf")
    return pdf_response(content, filename=notice_filename(run, place, "pdf"))


def _back(run_id: int, request) -> str:
    query = request.POST.get("place", "")
    url = reverse("entitlements:run-notice", args=[run_id])
    return f"{url}?{query}" if query.startswith(("school=", "ward=")) else url


@login_required
@require_POST
def objection_record(request, run_id: int):
    run = _published_run(request, run_id)
    line_id = request.POST.get("line", "")
    line = selectors.get_line_for_user(request.user, int(line_id)) if line_id.isdigit() else None
    if line is None or line.run_id != run.pk:
        messages.error(request, _("No line %(line)s in this notice") % {"line": line_id})
        return redirect(_back(run.pk, request))
    try:
        objections.record_objection(
            line=line,
            actor=request.user,
            raised_by=request.POST.get("raised_by", ""),
            contact=request.POST.get("contact", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The objection is recorded."))
    return redirect(_back(run.pk, request))


def _resolve(request, objection_id: int, action):
    objection = selectors.get_objection_for_user(request.user, objection_id)
    if objection is None:
        raise Http404(_("No such objection"))
    try:
        action(objection)
    except DomainError as error:
        messages.error(request, str(error))
    return redirect(_back(objection.line.run_id, request))


@login_required
@require_POST
def objection_uphold(request, objection_id: int):
    text = request.POST.get("resolution", "")
    return _resolve(
        request,
        objection_id,
        lambda o: objections.uphold_objection(objection=o, actor=request.user, resolution=text),
    )


@login_required
@require_POST
def objection_dismiss(request, objection_id: int):
    text = request.POST.get("resolution", "")
    return _resolve(
        request,
        objection_id,
        lambda o: objections.dismiss_objection(objection=o, actor=request.user, reason=text),
    )
