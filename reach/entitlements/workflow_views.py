"""The approval steps of a run's page: submit, approve, return, publish, close."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reach.common.errors import DomainError
from reach.entitlements import selectors
from reach.entitlements.services import workflow


def _run(request, run_id: int):
    run = selectors.get_run_for_user(request.user, run_id)
    if run is None:
        raise Http404(_("No such run"))
    return run


def _step(request, run_id: int, action) -> object:
    run = _run(request, run_id)
    try:
        action(run)
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("entitlements:run", run_id=run.pk)


@login_required
@require_POST
def run_submit(request, run_id: int):
    return _step(request, run_id, lambda run: workflow.submit_run(run=run, actor=request.user))


@login_required
@require_POST
def run_approve(request, run_id: int):
    return _step(request, run_id, lambda run: workflow.approve_run(run=run, actor=request.user))


@login_required
@require_POST
def run_return(request, run_id: int):
    reason = request.POST.get("reason", "")
    return _step(
        request,
        run_id,
        lambda run: workflow.return_run(run=run, actor=request.user, reason=reason),
    )


@login_required
@require_POST
def run_publish(request, run_id: int):
    days = request.POST.get("objection_days", "")
    days = int(days) if days.isdigit() else workflow.DEFAULT_OBJECTION_DAYS
    return _step(
        request,
        run_id,
        lambda run: workflow.publish_run(run=run, actor=request.user, objection_days=days),
    )


@login_required
@require_POST
def run_close(request, run_id: int):
    return _step(request, run_id, lambda run: workflow.close_run(run=run, actor=request.user))
