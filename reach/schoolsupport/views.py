"""Pages of school support: the poor villages' schools and what each received (with its
.xlsx, role-gated and audited), the schools of a unit, and one school's plan (一校一策) with
the form its staff and officers record a need on.

The services decide who may change what; their `NotAllowed` propagates as a 403, their other
refusals come back as a message."""

import io
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from reach.accounts.permissions import require
from reach.accounts.services import record_export
from reach.common.downloads import export_filters
from reach.common.errors import DomainError, NotAllowed, found
from reach.common.money import CURRENCY_EXPONENTS, format_major
from reach.common.xlsx import Sheet, write_workbook, xlsx_response
from reach.geo.selectors import unit_for_user_or_404
from reach.schoolsupport import permissions, selectors, services
from reach.schoolsupport.forms import NeedForm
from reach.schoolsupport.selectors import Received


def _year(request) -> int:
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return selectors.this_year()


def _amounts(amounts: dict[str, int], lang: str) -> str:
    return "; ".join(
        f"{format_major(amount, currency, lang=lang)} {currency}"
        for currency, amount in sorted(amounts.items())
    )


def _major(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-CURRENCY_EXPONENTS[currency])


def _sheets(received: Received, lang: str, title: str) -> list[Sheet]:
    def cells(row, school_name: str, unit_name: str) -> list[object]:
        return [
            row.school.code if row.school else "",
            school_name,
            unit_name,
            _("yes") if row.extremely_difficult else "",
            _("yes") if row.poor_village else "",
            row.projects,
            _major(row.amounts.get("VND", 0), "VND"),
            _major(row.amounts.get("CNY", 0), "CNY"),
            row.teachers_sent,
            row.trainings,
            row.teachers_trained,
            row.pairings,
        ]

    rows = [cells(r, r.school.name, r.school.unit.name) for r in received.rows]
    rows.append(cells(received.total, _("Total"), ""))
    return [
        Sheet(
            name=_("Received"),
            preamble=[title],
            headings=[
                _("Code"),
                _("School"),
                _("Unit"),
                _("Extremely difficult commune"),
                _("Poor village's school"),
                _("Projects completed"),
                _("Amount (VND)"),
                _("Amount (CNY)"),
                _("Teachers sent"),
                _("Trainings"),
                _("Teachers trained"),
                _("Pairings"),
            ],
            rows=rows,
            widths=[16, 36, 20, 12, 12, 10, 16, 16, 10, 10, 10, 10],
        ),
        Sheet(
            name=_("Teachers sent"),
            headings=[
                _("School"),
                _("Teacher"),
                _("Sent by"),
                _("Subject taught"),
                _("Starts on"),
                _("Ends on"),
            ],
            rows=(
                [p.school.name, p.teacher_name, p.sent_by, p.subject, p.starts_on, p.ends_on]
                for p in received.placements
            ),
            widths=[36, 24, 36, 16, 12, 12],
        ),
    ]


@login_required
def received(request):
    """The poor villages' schools of the unit and what each received, with the totals;
    `?format=xlsx` downloads it (offices and ward officers only: it names teachers)."""
    unit = unit_for_user_or_404(request.user, request.GET.get("unit"))
    year = _year(request)
    result = selectors.received_for_user(request.user, unit=unit, year=year)
    if request.GET.get("format") == "xlsx":
        require(
            permissions.can_export_received(request.user, unit),
            _("Your role cannot download this list."),
        )
        out = io.BytesIO()
        title = _("What poor villages' schools received, %(year)s") % {"year": year}
        rows, _teachers = write_workbook(out, _sheets(result, request.LANGUAGE_CODE, title))
        record_export(
            actor=request.user,
            name="schoolsupport.received",
            filters=export_filters(request.GET, year=year),
            rows=rows,
            masked=False,
        )
        return xlsx_response(out, filename=f"reach-school-support-{year}.xlsx")
    lang = request.LANGUAGE_CODE
    return render(
        request,
        "schoolsupport/received.html",
        {
            "unit": unit,
            "year": year,
            "received": result,
            "rows": [(r, _amounts(r.amounts, lang)) for r in result.rows],
            "total_amounts": _amounts(result.total.amounts, lang),
            "may_export": permissions.can_export_received(request.user, unit),
        },
    )


@login_required
def schools(request):
    unit = unit_for_user_or_404(request.user, request.GET.get("unit"))
    return render(
        request,
        "schoolsupport/schools.html",
        {"unit": unit, "schools": selectors.list_schools_for_user(request.user, unit)[:500]},
    )


@login_required
def school(request, school_id: int):
    """One school, one plan: its needs and what was built against each; a POST records a
    need."""
    found_school = found(selectors.get_school_for_user(request.user, school_id), "No school")
    may_record = permissions.can_record_need(request.user, found_school)
    form = NeedForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.record_need(actor=request.user, school=found_school, **form.cleaned_data)
                messages.success(request, _("Recorded."))
                return redirect("schoolsupport:school", school_id=found_school.pk)
            except NotAllowed:
                raise
            except DomainError as error:
                messages.error(request, str(error))
    plan = selectors.school_plan_for_user(request.user, found_school)
    return render(
        request,
        "schoolsupport/school.html",
        {
            "school": found_school,
            "plan": plan,
            "received": _amounts(plan.received, request.LANGUAGE_CODE),
            "form": form if may_record else None,
        },
    )
