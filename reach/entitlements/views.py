"""Web pages of entitlement runs: list and start, progress, totals, difference, lines; and the
entitlements and the "why" panel of a person."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reach.common.errors import DomainError
from reach.common.languages import lang_key
from reach.entitlements import selectors
from reach.entitlements.explain import explain_person
from reach.entitlements.forms import RunForm
from reach.entitlements.permissions import can_run_over
from reach.entitlements.services import workflow
from reach.entitlements.services.jobs import request_rerun, request_run
from reach.registry.selectors import (
    default_school_year_for_user,
    get_person_for_user,
    list_enrolments_for_user,
)

PAGE_SIZE = 50


def _run_form(request, data=None) -> RunForm:
    units, everything = selectors.list_units_to_run_for_user(request.user)
    year = default_school_year_for_user(request.user)
    return RunForm(data, units=units, everything=everything, initial={"school_year": year})


@login_required
def run_list(request):
    form = _run_form(request)
    page = Paginator(selectors.list_runs_for_user(request.user), 25).get_page(
        request.GET.get("page")
    )
    can_run = bool(form.fields["unit"].choices)
    return render(
        request, "entitlements/run_list.html", {"page": page, "form": form, "can_run": can_run}
    )


@login_required
@require_POST
def run_start(request):
    form = _run_form(request, request.POST)
    if not form.fields["unit"].choices:
        raise Http404(_("You may not start runs"))
    if not form.is_valid():
        page = Paginator(selectors.list_runs_for_user(request.user), 25).get_page(1)
        return render(
            request,
            "entitlements/run_list.html",
            {"page": page, "form": form, "can_run": True},
            status=400,
        )
    try:
        outcome = request_run(
            policy_codes=form.cleaned_data["policies"],
            school_year=form.cleaned_data["school_year"],
            unit=form.cleaned_unit(),
            actor=request.user,
        )
    except DomainError as error:  # unknown policy, an approved key (correct it), under review
        messages.error(request, str(error))
        return redirect("entitlements:run-list")
    if outcome.joined:
        messages.info(
            request,
            _("A run of the same policies, year and scope is already going: you joined it."),
        )
    return redirect("entitlements:run", run_id=outcome.run.pk)


def _run_or_404(request, run_id: int):
    run = selectors.get_run_for_user(request.user, run_id)
    if run is None:
        raise Http404(_("No such run"))
    return run


@login_required
def run_detail(request, run_id: int):
    run = _run_or_404(request, run_id)
    totals, whole = selectors.run_totals_for_user(request.user, run)
    benefits = selectors.benefits_of_run(run)
    by_benefit = [
        {**row, "name": _benefit_name(benefits.get((row["policy"], row["benefit"])), row)}
        for row in (totals or {}).get("by_benefit", [])
    ]
    by_unit = (totals or {}).get("by_unit", [])
    names = selectors.unit_names([row["unit"] for row in by_unit])
    by_unit = [{**row, "name": names.get(row["unit"], row["unit"])} for row in by_unit]
    diff = selectors.run_diff_for_user(request.user, run)
    currencies = {policy: b.version.policy.currency for (policy, _code), b in benefits.items()}
    for key in ("added", "removed", "changed"):
        for entry in diff.get(key, []):
            entry["currency"] = currencies.get(entry["policy"], "")
    lines = Paginator(selectors.list_lines_for_user(request.user, run), PAGE_SIZE)
    context = {
        "run": run,
        "totals": totals,
        "by_benefit": by_benefit,
        "by_unit": by_unit,
        "whole": whole,
        "diff": diff,
        "lines": lines.get_page(request.GET.get("page")),
        "can_retry": run.status == "failed" and can_run_over(request.user, run.unit),
        "steps": workflow.available_steps(request.user, run),
        "objection_days": workflow.DEFAULT_OBJECTION_DAYS,
    }
    return render(request, "entitlements/run_detail.html", context)


def _benefit_name(benefit, row: dict) -> str:
    if benefit is None:
        return row["benefit"]
    lang = lang_key(get_language() or "en")
    return benefit.names.get(lang) or benefit.names.get("en") or benefit.code


@login_required
def run_progress(request, run_id: int):
    """The progress bar, polled by htmx while the run is waiting or going; once it has ended
    the page reloads to show its totals."""
    run = _run_or_404(request, run_id)
    if not run.is_active and request.GET.get("active"):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "entitlements/_run_progress.html", {"run": run})


def _rerun(request, run_id: int, *, correction_reason: str | None = None):
    run = _run_or_404(request, run_id)
    try:
        outcome = request_rerun(run=run, actor=request.user, correction_reason=correction_reason)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("entitlements:run", run_id=run.pk)
    return redirect("entitlements:run", run_id=outcome.run.pk)


@login_required
@require_POST
def run_retry(request, run_id: int):
    return _rerun(request, run_id)


@login_required
@require_POST
def run_correct(request, run_id: int):
    """Start a correction of a frozen run: a new run of the same key that says why."""
    return _rerun(request, run_id, correction_reason=request.POST.get("reason", ""))


@login_required
def person_why(request, person_id: int, school_year: int):
    """The "why" panel of a person's page: each benefit of the year, granted or refused."""
    person = get_person_for_user(request.user, person_id)
    if person is None:
        raise Http404(_("No such person"))
    explanation = explain_person(person=person, school_year=school_year, lang=get_language())
    return render(request, "entitlements/_why.html", {"explanation": explanation})


@login_required
def person_entitlements(request, person_id: int):
    """The entitlements block of a person's page (loaded by htmx): lines by school year, and
    a "why" button for every school year the person was enrolled in."""
    person = get_person_for_user(request.user, person_id)
    if person is None:
        raise Http404(_("No such person"))
    lines = list(selectors.list_entitlements_for_user(request.user, person))
    enrolled = {e.school_year for e in list_enrolments_for_user(request.user, [person])}
    years = sorted(enrolled | {line.school_year for line in lines}, reverse=True)
    by_year = [
        {"year": year, "lines": [line for line in lines if line.school_year == year]}
        for year in years
    ]
    return render(
        request, "entitlements/_person_entitlements.html", {"person": person, "years": by_year}
    )
