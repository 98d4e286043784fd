"""Pages of plans: the plans a user sees with their progress, a plan with its bases, the plans
implementing it, its task table and timeline, the import of a task table (upload, preview,
commit), a task with its progress updates and evidence, the overdue list and "my tasks".

The services decide who may change what (`reach.plans.permissions`); their `NotAllowed`
propagates as a 403, their other refusals come back as a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reach.accounts.scoping import restrict
from reach.accounts.services import record_export
from reach.casework.selectors import reason_counts_for_user
from reach.common.errors import DomainError, NotAllowed
from reach.common.pdf import pdf_response, render_pdf
from reach.geo.models import Organisation
from reach.geo.selectors import get_unit_for_user, unit_for_user_or_404
from reach.indicators.selectors import child_units_for_user
from reach.learning.selectors import outreach_products_for_task
from reach.plans import permissions, selectors, services
from reach.plans.charts import comparison_chart_for, reasons_chart_for, trend_chart_for
from reach.plans.choices import ImportStatus
from reach.plans.figure_counts import counts_as_of
from reach.plans.figures import figure_definitions, persons_behind
from reach.plans.forms import (
    PlanForm,
    TargetChangeForm,
    TargetForm,
    TaskTableForm,
    TaskUpdateForm,
)
from reach.plans.imports.services import commit_task_import, stage_task_import
from reach.plans.targets import TargetProgress, sub_unit_figures, target_progress, year_label


def _plan(request, plan_id: int):
    plan = selectors.get_plan_for_user(request.user, plan_id)
    if plan is None:
        raise Http404(_("No such plan"))
    return plan


def _task(request, task_id: int):
    task = selectors.get_task_for_user(request.user, task_id)
    if task is None:
        raise Http404(_("No such task"))
    return task


def _plan_form(request, data=None):
    return PlanForm(
        data,
        organisations=restrict(Organisation.objects.all(), request.user),
        plans=selectors.plans_for_user(request.user),
    )


@login_required
def plan_list(request):
    unit = unit_for_user_or_404(request.user, request.GET.get("unit"))
    plans = selectors.list_plans_for_user(request.user, unit=unit)
    return render(
        request,
        "plans/plan_list.html",
        {
            "plans": plans,
            "unit": unit,
            "form": _plan_form(request) if permissions.can_plan(request.user) else None,
        },
    )


@login_required
@require_POST
def create_plan(request):
    form = _plan_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        unit = get_unit_for_user(request.user, data["unit"])
        if unit is None:
            form.add_error("unit", _("No such unit"))
        else:
            bases = _bases(request, data["bases"])
            try:
                plan = services.create_plan(
                    actor=request.user,
                    code=data["code"],
                    number=data["number"],
                    title=data["title"],
                    unit=unit,
                    organisation=data["organisation"],
                    issued_on=data["issued_on"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    objectives=data["objectives"],
                    implements=data["implements"],
                    bases=bases,
                )
            except NotAllowed:
                raise
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                return redirect("plans:plan", plan_id=plan.pk)
    plans = selectors.list_plans_for_user(request.user)
    return render(request, "plans/plan_list.html", {"plans": plans, "form": form}, status=422)


def _bases(request, text: str) -> list[services.Basis]:
    """One basis a line: a line that is a visible plan's code or number cites that plan."""
    visible = selectors.plans_for_user(request.user)
    bases = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        cited = visible.filter(code=line).first() or visible.filter(number=line).first()
        bases.append(services.Basis(plan=cited) if cited else services.Basis(document=line))
    return bases


@login_required
def plan_detail(request, plan_id: int):
    plan = _plan(request, plan_id)
    tasks = list(selectors.list_tasks_for_user(request.user, plan))
    # The charts come after the page, one request each (`target_chart`): a chart takes a few
    # tenths of a second to draw, and the table of actuals should not wait for them.
    targets = [
        target_progress(
            target, persons=selectors.figure_persons_for_user(request.user, target.unit)
        )
        for target in selectors.list_targets_for_user(request.user, plan)
    ]
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "tasks": tasks,
            "targets": targets,
            "implementing": selectors.list_implementing_plans_for_user(request.user, plan),
            "can_manage": permissions.can_manage_plan(request.user, plan),
            "import_form": TaskTableForm(),
            "target_form": _target_form(plan),
        },
    )


@login_required
def plan_timeline(request, plan_id: int):
    plan = _plan(request, plan_id)
    timeline = selectors.plan_timeline(list(selectors.list_tasks_for_user(request.user, plan)))
    return render(
        request,
        "plans/timeline.html",
        {"plan": plan, "timeline": timeline, "width": max(len(timeline.months), 1) * 40},
    )


@login_required
@require_POST
def import_tasks(request, plan_id: int):
    plan = _plan(request, plan_id)
    form = TaskTableForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a task table to upload."))
        return redirect("plans:plan", plan_id=plan.pk)
    upload = form.cleaned_data["file"]
    try:
        batch = stage_task_import(
            actor=request.user, plan=plan, file=upload, filename=upload.name or "tasks"
        )
    except NotAllowed:
        raise
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("plans:plan", plan_id=plan.pk)
    return redirect("plans:import", import_id=batch.pk)


@login_required
def import_preview(request, import_id: int):
    batch = selectors.get_import_for_user(request.user, import_id)
    if batch is None:
        raise Http404(_("No such import"))
    return render(
        request,
        "plans/import_preview.html",
        {
            "batch": batch,
            "can_commit": batch.status == ImportStatus.STAGED
            and permissions.can_manage_plan(request.user, batch.plan),
        },
    )


@login_required
@require_POST
def commit_import(request, import_id: int):
    batch = selectors.get_import_for_user(request.user, import_id)
    if batch is None:
        raise Http404(_("No such import"))
    try:
        batch = commit_task_import(actor=request.user, batch=batch)
    except NotAllowed:
        raise
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("plans:import", import_id=batch.pk)
    messages.success(
        request,
        _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
        % batch.summary,
    )
    return redirect("plans:plan", plan_id=batch.plan_id)


@login_required
def task_detail(request, task_id: int):
    task = _task(request, task_id)
    return render(
        request,
        "plans/task_detail.html",
        {
            "task": task,
            "updates": selectors.list_updates_for_task(task),
            "can_update": permissions.can_update_task(request.user, task),
            "form": TaskUpdateForm(initial={"status": task.status}),
            "outreach": outreach_products_for_task(request.user, task.pk),
        },
    )


@login_required
@require_POST
def update_task(request, task_id: int):
    task = _task(request, task_id)
    form = TaskUpdateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.record_task_update(
                actor=request.user,
                task=task,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                evidence=form.cleaned_data["evidence"],
            )
        except NotAllowed:
            raise
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Progress recorded."))
    else:
        messages.error(request, _("The update was not recorded: check the form."))
    return redirect("plans:task", task_id=task.pk)


@login_required
def evidence(request, update_id: int):
    update = selectors.get_update_for_user(request.user, update_id)
    if update is None or not update.evidence:
        raise Http404(_("No such file"))
    record_export(
        actor=request.user,
        name="plans.evidence",
        filters={"update_id": update.pk, "task_id": update.task_id},
        rows=1,
        masked=False,
    )
    response = FileResponse(
        update.evidence.open("rb"), as_attachment=True, filename=update.evidence_name
    )
    add_never_cache_headers(response)  # evidence may name people: never kept on the way
    return response


@login_required
def overdue(request):
    unit = unit_for_user_or_404(request.user, request.GET.get("unit"))
    tasks = selectors.list_overdue_tasks_for_user(request.user, unit=unit)
    return render(
        request, "plans/task_list.html", {"tasks": tasks, "title": _("Overdue tasks"), "unit": unit}
    )


@login_required
def my_tasks(request):
    tasks = selectors.list_my_tasks(request.user)
    return render(request, "plans/task_list.html", {"tasks": tasks, "title": _("My tasks")})


def _target_form(plan, data=None, *, form_class=TargetForm, **kwargs) -> TargetForm:
    return form_class(
        data,
        indicators=figure_definitions().choices(),
        tasks=plan.tasks.filter(number__gt="").order_by("position"),
        **kwargs,
    )


def _target_values(request, plan, form: TargetForm) -> dict | None:
    """The form's target as the services take it, or None (with a message) for an unknown
    unit code."""
    data = form.cleaned_data
    unit = get_unit_for_user(request.user, data["unit"]) if data["unit"] else plan.unit
    if unit is None:
        messages.error(request, _("No such unit"))
        return None
    fields = [name for name in services.TARGET_FIELDS if name != "unit"]
    return {"unit": unit} | {name: data[name] for name in fields}


@login_required
@require_POST
def create_target(request, plan_id: int):
    plan = _plan(request, plan_id)
    form = _target_form(plan, request.POST)
    if not form.is_valid():
        messages.error(request, _("The target was not set: check the form."))
        return redirect("plans:plan", plan_id=plan.pk)
    values = _target_values(request, plan, form)
    if values is None:
        return redirect("plans:plan", plan_id=plan.pk)
    try:
        target = services.create_target(actor=request.user, plan=plan, **values)
    except NotAllowed:
        raise
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("plans:plan", plan_id=plan.pk)
    return redirect("plans:target", target_id=target.pk)


def _target(request, target_id: int):
    target = selectors.get_target_for_user(request.user, target_id)
    if target is None:
        raise Http404(_("No such target"))
    return target


def _target_context(request, target_id: int) -> dict:
    target = _target(request, target_id)
    persons = selectors.figure_persons_for_user(request.user, target.unit)
    progress: TargetProgress = target_progress(target, persons=persons)
    children = child_units_for_user(request.user, target.unit)
    figures = sub_unit_figures(progress, children, persons=persons)
    reasons = None
    definition = progress.definition
    if definition is not None and definition.composition == "dropout_reasons":
        year = progress.actual_year or max(progress.trend)
        counts = reason_counts_for_user(request.user, school_year=year, unit=target.unit)
        reasons = reasons_chart_for(progress, counts)
    return {
        "target": target,
        "progress": progress,
        "trend": trend_chart_for(progress),
        "comparison": comparison_chart_for(progress, figures) if children else None,
        "reasons": reasons,
        "actual_year": year_label(progress.actual_year) if progress.actual_year else None,
        # read from the counts kept per unit (a reader who sees everyone): computed when
        "counted_as_of": counts_as_of([definition.code], progress.trend)
        if persons is None and definition is not None
        else None,
    }


@login_required
def target_detail(request, target_id: int):
    context = _target_context(request, target_id)
    target = context["target"]
    if permissions.can_manage_plan(request.user, target.plan):
        initial = {name: getattr(target, name) for name in services.TARGET_FIELDS}
        context["change_form"] = _target_form(
            target.plan,
            form_class=TargetChangeForm,
            initial=initial | {"unit": target.unit.code, "task": target.task_id},
        )
    return render(request, "plans/target_detail.html", context)


@login_required
@require_POST
def change_target(request, target_id: int):
    """Change a target by a decision: the same rules as setting it, with the reason kept."""
    target = _target(request, target_id)
    form = _target_form(target.plan, request.POST, form_class=TargetChangeForm)
    if not form.is_valid():
        messages.error(request, _("The target was not changed: check the form."))
        return redirect("plans:target", target_id=target.pk)
    values = _target_values(request, target.plan, form)
    if values is not None:
        try:
            services.change_target(
                actor=request.user, target=target, reason=form.cleaned_data["reason"], **values
            )
            messages.success(request, _("The target was changed."))
        except NotAllowed:
            raise
        except DomainError as error:
            messages.error(request, str(error))
    return redirect("plans:target", target_id=target.pk)


@login_required
def target_chart(request, target_id: int):
    """A target's trend chart with its table, loaded into the plan page after it opens."""
    target = _target(request, target_id)
    persons = selectors.figure_persons_for_user(request.user, target.unit)
    progress = target_progress(target, persons=persons)
    return render(
        request, "plans/_chart.html", {"progress": progress, "chart": trend_chart_for(progress)}
    )


@login_required
def target_pdf(request, target_id: int):
    context = _target_context(request, target_id)
    content = render_pdf("plans/print/target.html", context, request=request)
    record_export(
        actor=request.user,
        name="plans.target",
        filters={"target_id": target_id},
        rows=len(context["progress"].trend),
        masked=False,
    )
    return pdf_response(content, filename=f"reach-target-{target_id}.pdf")


PERSONS_SHOWN = 500


@login_required
def target_persons(request, target_id: int):
    """The persons behind a target's number: its numerator or denominator, in a school year of
    its trend, over its unit or one of its sub-units the reader sees."""
    target = _target(request, target_id)
    persons = selectors.persons_counted_for_user(request.user)
    progress = target_progress(
        target, persons=selectors.figure_persons_for_user(request.user, target.unit)
    )
    part = request.GET.get("part", "numerator")
    if part not in ("numerator", "denominator"):
        raise Http404(_("No such list"))
    try:
        year = int(request.GET.get("year") or progress.actual_year or 0)
    except ValueError:
        raise Http404(_("No such school year")) from None
    if year not in progress.trend:
        year = progress.actual_year or max(progress.trend)
    unit = target.unit
    if request.GET.get("unit"):
        unit = get_unit_for_user(request.user, request.GET["unit"])
        if unit is None or not (
            unit == target.unit or unit.path.startswith(target.unit.path + ".")
        ):
            raise Http404(_("No such unit"))
    listed = (
        persons_behind(
            progress.definition, unit, year, numerator=part == "numerator", persons=persons
        )
        .select_related("household__unit")
        .order_by("household__unit__path", "household__code", "full_name", "pk")
        if progress.definition is not None
        else persons.none()
    )
    total = listed.count()
    return render(
        request,
        "plans/target_persons.html",
        {
            "target": target,
            "progress": progress,
            "part": part,
            "year": year,
            "year_label": year_label(year),
            "unit": unit,
            "persons": listed[:PERSONS_SHOWN],
            "total": total,
            "shown": min(total, PERSONS_SHOWN),
            "years": [(y, year_label(y)) for y in progress.trend],
        },
    )
