"""Pages of school support: the poor villages' schools and what each received (with its
.xlsx, role-gated and audited), the schools of a unit, one school's plan (一校一策) with
the form its staff and officers record a need on, and the forms that plan a project and move
its status, record a teacher sent, a training given, a pairing and the pair's activities.

The services decide who may change what; their `NotAllowed` propagates as a 403, their other
refusals come back as a message on the form, and nothing is stored."""

import io
from collections.abc import Callable
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
from reach.geo.models import School
from reach.geo.selectors import unit_for_user_or_404
from reach.schoolsupport import permissions, selectors, services
from reach.schoolsupport.forms import (
    ActivityForm,
    NeedForm,
    PairingForm,
    PlacementForm,
    ProjectForm,
    ProjectStatusForm,
    TrainingForm,
)
from reach.schoolsupport.models import SchoolPairing, SchoolProject
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
            "rows": [
                (
                    r,
                    _amounts(r.amounts, lang),
                    permissions.can_manage_school_support(request.user, r.school),
                )
                for r in result.rows
            ],
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
            "may_manage": permissions.can_manage_school_support(request.user, found_school),
        },
    )


# --- the forms of projects, teachers, training and pairs ---


def _school(request, school_id: int) -> School:
    return found(selectors.get_school_for_user(request.user, school_id), _("No such school"))


def _written(request, form, *, may: bool, refusal: str, write: Callable[[dict], object]) -> bool:
    """On a POST: refuse (403) a user who may not write, else write the form's values through
    the service; True once written. The domain's refusals land on the form."""
    if request.method != "POST":
        return False
    require(may, refusal)
    if not form.is_valid():
        return False
    try:
        write(form.cleaned_data)
    except NotAllowed:
        raise
    except DomainError as error:
        form.add_error(None, str(error))
        return False
    messages.success(request, _("Recorded."))
    return True


def _form_page(request, *, school: School, form, may: bool, title: str, submit: str, refusal: str):
    return render(
        request,
        "schoolsupport/form.html",
        {
            "school": school,
            "form": form if may else None,
            "title": title,
            "submit": submit,
            "refusal": refusal,
        },
    )


@login_required
def new_project(request, school_id: int):
    """Plan a project for the school: a building, semi-boarding house, repair or equipment,
    with its budget and who pays (the state budget or a fund over the school)."""
    school = _school(request, school_id)
    may = permissions.can_manage_school_support(request.user, school)
    refusal = _("Your role cannot record projects of this school.")
    form = ProjectForm(
        request.POST or None,
        needs=selectors.list_open_needs_for_user(request.user, school),
        funds=selectors.list_funds_over_school_for_user(request.user, school),
    )

    def write(data: dict) -> SchoolProject:
        return services.create_project(
            actor=request.user,
            school=school,
            data=services.ProjectInput(
                kind=data["kind"],
                title=data["title"],
                budget_minor=data["budget_minor"],
                currency=data["currency"],
                funding=data["funding"],
                planned_on=data["planned_on"],
                fund_id=data["fund"].pk if data["fund"] else None,
                need_id=data["need"].pk if data["need"] else None,
                note=data["note"],
            ),
        )

    if _written(request, form, may=may, refusal=refusal, write=write):
        return redirect("schoolsupport:school", school_id=school.pk)
    return _form_page(
        request,
        school=school,
        form=form,
        may=may,
        title=_("Plan a project"),
        submit=_("Plan the project"),
        refusal=refusal,
    )


@login_required
def project(request, project_id: int):
    """A project with what it drew from its fund; a POST starts, completes (with its final
    cost) or cancels it."""
    found_project: SchoolProject = found(
        selectors.get_project_for_user(request.user, project_id), _("No such project")
    )
    may = permissions.can_manage_school_support(request.user, found_project.school)
    form = ProjectStatusForm(
        request.POST or None, current=found_project.status, currency=found_project.currency
    )

    def write(data: dict) -> SchoolProject:
        return services.move_project(
            actor=request.user,
            project=found_project,
            status=data["status"],
            on=data["on"],
            cost_minor=data["cost_minor"],
        )

    refusal = _("Your role cannot change projects of this school.")
    if _written(request, form, may=may, refusal=refusal, write=write):
        return redirect("schoolsupport:project", project_id=found_project.pk)
    final = not form.fields["status"].choices  # type: ignore[attr-defined]
    return render(
        request,
        "schoolsupport/project.html",
        {
            "p": found_project,
            "school": found_project.school,
            "drawn": format_major(
                services.drawn_from_fund(found_project),
                found_project.currency,
                lang=request.LANGUAGE_CODE,
            ),
            "form": form if may and not final else None,
        },
    )


@login_required
def new_placement(request, school_id: int):
    """Record a teacher sent to teach at the school (支教) by a school or an organisation."""
    school = _school(request, school_id)
    may = permissions.can_manage_school_support(request.user, school)
    refusal = _("Your role cannot record teachers sent to this school.")
    form = PlacementForm(
        request.POST or None,
        schools=selectors.list_schools_for_user(request.user).exclude(pk=school.pk),
        organisations=selectors.list_organisations_for_user(request.user),
    )

    def write(data: dict) -> object:
        return services.record_teacher_placement(actor=request.user, school=school, **data)

    if _written(request, form, may=may, refusal=refusal, write=write):
        return redirect("schoolsupport:school", school_id=school.pk)
    return _form_page(
        request,
        school=school,
        form=form,
        may=may,
        title=_("Record a teacher sent"),
        submit=_("Record the teacher"),
        refusal=refusal,
    )


@login_required
def new_training(request, school_id: int):
    """Record training given to the school's teachers."""
    school = _school(request, school_id)
    may = permissions.can_manage_school_support(request.user, school)
    refusal = _("Your role cannot record training for this school.")
    form = TrainingForm(request.POST or None)

    def write(data: dict) -> object:
        return services.record_training(actor=request.user, school=school, **data)

    if _written(request, form, may=may, refusal=refusal, write=write):
        return redirect("schoolsupport:school", school_id=school.pk)
    return _form_page(
        request,
        school=school,
        form=form,
        may=may,
        title=_("Record a training"),
        submit=_("Record the training"),
        refusal=refusal,
    )


@login_required
def new_pairing(request, school_id: int):
    """Pair a helping school with this school (结对帮扶); the user must manage both."""
    school = _school(request, school_id)
    may = permissions.can_manage_school_support(request.user, school)
    refusal = _("Your role cannot pair these two schools.")
    form = PairingForm(
        request.POST or None,
        helpers=selectors.list_schools_for_user(request.user).exclude(pk=school.pk),
    )

    def write(data: dict) -> SchoolPairing:
        return services.pair_schools(actor=request.user, school=school, **data)

    if _written(request, form, may=may, refusal=refusal, write=write):
        return redirect("schoolsupport:school", school_id=school.pk)
    return _form_page(
        request,
        school=school,
        form=form,
        may=may,
        title=_("Pair with a helping school"),
        submit=_("Pair the schools"),
        refusal=refusal,
    )


@login_required
def pairing(request, pairing_id: int):
    """A pair of schools and what they did together; a POST records an activity."""
    pair: SchoolPairing = found(
        selectors.get_pairing_for_user(request.user, pairing_id), _("No such pair")
    )
    may = permissions.can_pair_schools(request.user, pair.helper, pair.school)
    form = ActivityForm(request.POST or None)

    def write(data: dict) -> object:
        return services.record_pairing_activity(actor=request.user, pairing=pair, **data)

    refusal = _("Your role cannot record activities of this pair.")
    if _written(request, form, may=may, refusal=refusal, write=write):
        return redirect("schoolsupport:pairing", pairing_id=pair.pk)
    return render(
        request,
        "schoolsupport/pairing.html",
        {"pair": pair, "school": pair.school, "form": form if may else None},
    )
