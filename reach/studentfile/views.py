"""A student's file on the person's page (loaded by htmx) and as a PDF archive record."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from reach.accounts.permissions import may_see_unmasked
from reach.accounts.services import record_export
from reach.common.masking import mask_id
from reach.common.pdf import pdf_response, render_pdf
from reach.studentfile.selectors import person_for_user_or_404, student_file_for_user

STUDENT_FILE_TEMPLATE = "studentfile/print/student_file.html"


@login_required
def person_file(request, person_id: int):
    """The student file block of a person's page: per school year, one timeline of
    entitlements, approvals, notices, payments and objections."""
    person = person_for_user_or_404(request.user, person_id)
    years = student_file_for_user(request.user, person)
    return render(request, "studentfile/_student_file.html", {"person": person, "years": years})


@login_required
def person_file_pdf(request, person_id: int):
    """The student file as a PDF archive record; for a user who may not see the full record,
    the national ID masked and no birth date. Audited."""
    person = person_for_user_or_404(request.user, person_id)
    masked = not may_see_unmasked(request.user, person.household.unit)
    context = {
        "person": person,
        "birth_date": None if masked else person.birth_date,
        "national_id": mask_id(person.national_id) if masked else person.national_id,
        "years": student_file_for_user(request.user, person),
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
