"""Pages of casework: the case board of a unit, the lists of children to follow up, a case with
its visits, actions and outcome, work groups, and the cases export.

The services decide who may change what (`reach.casework.permissions`); their `NotAllowed`
propagates as a 403, their other refusals come back as a message. The predicates only show or
hide the forms."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reach.accounts.services import record_export
from reach.casework import permissions, selectors, services
from reach.casework.choices import CaseKind, CaseStatus, Reason
from reach.casework.exports import case_columns
from reach.casework.forms import (
    ActionForm,
    AssignForm,
    CloseForm,
    MemberForm,
    OpenCaseForm,
    ReopenForm,
    VisitForm,
    WorkGroupForm,
)
from reach.casework.services import CaseError
from reach.common.downloads import export_filters
from reach.common.redirects import redirect_to_next
from reach.common.xlsx import xlsx_response
from reach.indicators import selectors as lists
from reach.indicators.detection import factors_of
from reach.indicators.exports import write_table
from reach.indicators.views import DETECTION_LISTS, detection_page, parse_filters, published

PAGE_SIZE = 50


def _case(request, case_id: int):
    case = selectors.get_case_for_user(request.user, case_id)
    if case is None:
        raise Http404(_("No such case"))
    return case


@login_required
def board(request):
    filters = parse_filters(request)
    total, rows = selectors.case_board_for_user(
        request.user, school_year=filters.school_year, unit=filters.unit
    )
    params = request.GET
    cases = selectors.list_cases_for_user(
        request.user,
        school_year=filters.school_year,
        unit=filters.unit,
        status=params.get("status", ""),
        kind=params.get("kind", ""),
        overdue=params.get("overdue") == "1",
    )
    page = Paginator(cases, PAGE_SIZE).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    reasons = selectors.reason_counts_for_user(
        request.user, school_year=filters.school_year, unit=filters.unit
    )
    context = {
        "filters": filters,
        "total": total,
        "rows": rows,
        "page": page,
        "querystring": query.urlencode(),
        "statuses": CaseStatus.choices,
        "kinds": CaseKind.choices,
        "params": params,
        "reasons": [(Reason(code).label, n) for code, n in reasons.items()],
        "units": lists.list_visible_units(request.user),
        "can_edit": permissions.can_open_cases_from_lists(request.user, filters.unit),
        "visit_days": selectors.visit_interval_days(),
    }
    return render(request, "casework/board.html", context)


@login_required
def follow_up(request):
    """The out-of-school, dropped-out and at-risk lists, each child with its case or a button
    to open one."""
    filters = parse_filters(request)
    which = request.GET.get("list", "out_of_school")
    if which not in DETECTION_LISTS:
        raise Http404(_("No such list"))
    data = detection_page(request, which=which, filters=filters)
    rows = data["page"].object_list
    person_ids = [row.person_id if which == "at_risk" else row.pk for row in rows]
    existing = selectors.cases_by_person(
        request.user, person_ids=person_ids, school_year=filters.school_year
    )
    openable = set(
        permissions.children_whose_cases_user_may_change(request.user)
        .filter(pk__in=person_ids)
        .values_list("pk", flat=True)
    )
    for row, person_id in zip(rows, person_ids, strict=True):
        row.case = existing.get(person_id)
        row.may_open_case = person_id in openable
    context = {
        "filters": filters,
        "counts": lists.detection_counts_up_to_for_user(
            request.user,
            school_year=filters.school_year,
            unit=filters.unit,
            at_risk=which == "at_risk",
        ),
        "units": lists.list_visible_units(request.user),
        "actions_template": "casework/_open_case.html",
        **data,
    }
    return render(request, "casework/follow_up.html", context)


@login_required
@require_POST
def open_case(request):
    form = OpenCaseForm(request.POST)
    if not form.is_valid():
        raise Http404(_("No such child"))
    data = form.cleaned_data
    person = selectors.get_child_for_user(request.user, data["person"])
    if person is None:
        raise Http404(_("No such child"))
    score = None
    if data["kind"] == CaseKind.AT_RISK:
        score = selectors.risk_score_for_user(request.user, person, school_year=data["year"])
    try:
        case = services.open_case(
            actor=request.user,
            person=person,
            school_year=data["year"],
            kind=data["kind"],
            risk_score=score,
            work_group=selectors.default_work_group(person.household.unit),
        )
    except CaseError as error:
        messages.error(request, str(error))
        return redirect_to_next(request, "casework:board")
    messages.success(request, _("Case #%(id)s opened.") % {"id": case.pk})
    return redirect("casework:case", case_id=case.pk)


@login_required
@require_POST
def open_from_lists(request):
    filters = parse_filters(request)
    counts = services.open_cases_from_lists(
        actor=request.user, school_year=filters.school_year, unit=filters.unit
    )
    messages.success(
        request,
        _(
            "Cases opened: %(out_of_school)s out of school, %(dropped_out)s dropped out, "
            "%(at_risk)s at risk."
        )
        % counts,
    )
    return redirect(f"{reverse('casework:board')}?{filters.query}")


def _case_context(request, case, **forms) -> dict:
    schools = selectors.schools_for_case(case)
    context = {
        "case": case,
        "visits": selectors.list_visits(case),
        "actions": selectors.list_actions(case),
        "entitlements": selectors.list_entitlements_for_case(request.user, case),
        "can_edit": permissions.can_edit_case(request.user, case),
        "visit_form": forms.get("visit_form") or VisitForm(),
        "action_form": forms.get("action_form") or ActionForm(),
        "close_form": forms.get("close_form") or CloseForm(case=case, schools=schools),
        "reopen_form": ReopenForm(),
        "assign_form": AssignForm(
            groups=selectors.work_groups_serving(case.unit),
            initial={"work_group": case.work_group_id},
        ),
        "events": selectors.list_audit_events_for_case(case)[:100],
    }
    if case.kind == CaseKind.AT_RISK:
        scored = lists.list_at_risk_for_user(
            request.user, school_year=case.school_year, minimum_score=0
        ).filter(person_id=case.person_id)
        enrolment = scored.first()
        context["risk"] = (enrolment.risk_score, factors_of(enrolment)) if enrolment else None
    return context


@login_required
def case_detail(request, case_id: int):
    case = _case(request, case_id)
    return render(request, "casework/case_detail.html", _case_context(request, case))


def _change(request, case_id: int, form_class, apply, form_name: str, **form_kwargs):
    """Validate a form of the case page and apply it through a service; errors come back on
    the page (invalid input) or as a message (a rule of the life cycle); a user who may not
    change the case gets the service's 403."""
    case = _case(request, case_id)
    form = form_class(request.POST, **{k: v(case) for k, v in form_kwargs.items()})
    if not form.is_valid():
        context = _case_context(request, case, **{form_name: form})
        return render(request, "casework/case_detail.html", context, status=400)
    try:
        message = apply(case, form.cleaned_data)
    except CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, message)
    return redirect("casework:case", case_id=case.pk)


@login_required
@require_POST
def record_visit(request, case_id: int):
    def apply(case, data):
        services.record_visit(actor=request.user, case=case, **data)
        return _("Visit recorded.")

    return _change(request, case_id, VisitForm, apply, "visit_form")


@login_required
@require_POST
def record_action(request, case_id: int):
    def apply(case, data):
        services.record_action(actor=request.user, case=case, **data)
        return _("Action recorded.")

    return _change(request, case_id, ActionForm, apply, "action_form")


@login_required
@require_POST
def close_case(request, case_id: int):
    def apply(case, data):
        services.close_case(
            actor=request.user,
            case=case,
            outcome=data["outcome"],
            closed_on=data["closed_on"],
            note=data["note"],
            school=data["school"],
            level=data["level"],
            grade=data["grade"],
        )
        return _("Case closed.")

    return _change(
        request,
        case_id,
        CloseForm,
        apply,
        "close_form",
        case=lambda case: case,
        schools=selectors.schools_for_case,
    )


@login_required
@require_POST
def reopen_case(request, case_id: int):
    def apply(case, data):
        services.reopen_case(actor=request.user, case=case, reason=data["reason"])
        return _("Case reopened.")

    return _change(request, case_id, ReopenForm, apply, "reopen_form")


@login_required
@require_POST
def assign_case(request, case_id: int):
    def apply(case, data):
        services.assign_case(actor=request.user, case=case, work_group=data["work_group"])
        return _("Work group saved.")

    return _change(
        request,
        case_id,
        AssignForm,
        apply,
        "assign_form",
        groups=lambda case: selectors.work_groups_serving(case.unit),
    )


@login_required
def export_cases(request):
    filters = parse_filters(request)
    public = published(request, filters.unit)
    cases = selectors.list_cases_for_user(
        request.user, school_year=filters.school_year, unit=filters.unit
    )
    out = io.BytesIO()
    rows = write_table(
        out,
        sheet="cases",
        columns=case_columns(),
        rows=cases.iterator(chunk_size=2000),
        public=public,
    )
    record_export(
        actor=request.user,
        name="casework.cases",
        filters=export_filters(request.GET),
        rows=rows,
        masked=public,
    )
    name = f"reach-cases-{filters.school_year}{'-public' if public else ''}.xlsx"
    return xlsx_response(out, filename=name)


@login_required
def work_groups(request):
    units = lists.list_visible_units(request.user)
    form = WorkGroupForm(request.POST or None, units=units)
    if request.method == "POST":
        if form.is_valid():
            try:
                group = services.create_work_group(
                    actor=request.user,
                    unit=form.cleaned_data["unit"],
                    name=form.cleaned_data["name"],
                )
            except CaseError as error:
                messages.error(request, str(error))
            else:
                return redirect("casework:work-group", group_id=group.pk)
    context = {
        "groups": selectors.list_work_groups_for_user(request.user),
        "form": form,
        "can_edit": permissions.can_organise(request.user),
    }
    return render(request, "casework/work_groups.html", context)


@login_required
def work_group_detail(request, group_id: int):
    group = selectors.get_work_group_for_user(request.user, group_id)
    if group is None:
        raise Http404(_("No such work group"))
    form = MemberForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.add_work_group_member(
                    actor=request.user, work_group=group, **form.cleaned_data
                )
            except CaseError as error:
                messages.error(request, str(error))
            else:
                return redirect("casework:work-group", group_id=group.pk)
    cases = selectors.cases_for_user(request.user).filter(work_group=group)
    context = {
        "group": group,
        "members": group.members.all(),
        "form": form,
        "cases": cases.select_related("person", "unit").order_by("status", "-opened_on")[:200],
        "can_edit": permissions.can_manage_work_group(request.user, group),
    }
    return render(request, "casework/work_group_detail.html", context)
