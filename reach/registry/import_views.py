"""Web pages of the household import: upload, preview, confirm, error sheet, template."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reach.registry.imports import services as imports
from reach.registry.models import ImportBatch

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _batch_for(user, batch_id: int) -> ImportBatch:
    """An import batch is seen by the user who staged it (and superusers) only."""
    batches = ImportBatch.objects.all()
    if not user.is_superuser:
        batches = batches.filter(created_by=user)
    batch = batches.filter(pk=batch_id).first()
    if batch is None:
        raise Http404(_("No such import"))
    return batch


@login_required
def import_start(request):
    if request.method == "POST" and request.FILES.get("file"):
        upload = request.FILES["file"]
        batch = imports.stage_household_import(file=upload, filename=upload.name, user=request.user)
        return redirect("import-preview", batch_id=batch.pk)
    recent = ImportBatch.objects.filter(created_by=request.user).order_by("-created_at")[:10]
    return render(request, "registry/import_start.html", {"recent": recent})


@login_required
def import_preview(request, batch_id: int):
    batch = _batch_for(request.user, batch_id)
    return render(
        request,
        "registry/import_preview.html",
        {"batch": batch, "errors": batch.errors[:500], "duplicates": batch.duplicates[:500]},
    )


@login_required
@require_POST
def import_commit(request, batch_id: int):
    batch = _batch_for(request.user, batch_id)
    try:
        imports.commit_household_import(batch=batch, user=request.user)
    except imports.ImportRejected as rejection:
        messages.error(request, str(rejection))
    else:
        messages.success(request, _("The import was merged into the registry."))
    return redirect("import-preview", batch_id=batch.pk)


@login_required
def import_error_sheet(request, batch_id: int):
    batch = _batch_for(request.user, batch_id)
    out = io.BytesIO()
    imports.write_error_sheet(batch, out)
    out.seek(0)
    name = f"import-{batch.pk}-errors.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)


@login_required
def import_template(request):
    out = io.BytesIO()
    imports.write_household_template(out)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename="reach-households-template.xlsx", content_type=XLSX
    )
