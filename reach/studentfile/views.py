"""A student's file on the person's page (loaded by htmx) and as a PDF archive record."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from reach.accounts.permissions import may_see_unmasked
from reach.accounts.services import record_export
from reach.common.masking import mask_id
from reach.common.pdf import pdf_response, render_pdf
from reach.studentfile.selectors import (
    person_for_user_or_404,
    student_file_for_user,
    support_totals,
)

STUDENT_FILE_TEMPLATE = "studentfile/print/student_file.html"


@login_required
def person_file(request, person_id: int):
    """The student file block of a person's page: per school year, one timeline of
    entitlements, approvals, notices, payments and objections."""
    person = person_for_user_or_404(request.user, person_id)
    years = student_file_for_user(request.user, person)
    context = {
        "person": person,
        "years": years,
        "support_totals": support_totals(line for year in years for line in year.support),
    }
    return render(request, "studentfile/_student_file.html", context)


@login_required
def person_file_pdf(request, person_id: int):
    """The student file as a PDF archive record; for a user who may not see the full record,
    the national ID masked and no birth date. Audited."""
    person = person_for_user_or_404(request.user, person_id)
    masked = not may_see_unmasked(request.user, person.household.unit)
    years = student_file_for_user(request.user, person)
    context = {
        "person": person,
        "support_totals": support_totals(line for year in years for line in year.support),
        "birth_date": None if masked else person.birth_date,
        "national_id": mask_id(person.national_id) if masked else person.national_id,
        "years": years,
        "printed_at": timezone.now(),
        "printed_by": request.user.get_username(),
    }
    content = render_pdf(STUDENT_FILE_TEMPLATE, context, request=request)
    record_export(
        actor=request.user,
        name="studentfile.pdf",
        filters={"person": person.pk},
        rows=1,
        masked=masked,
    )
    return pdf_response(content, filename=f"reach-student-file-{person.pk}.pdf")
