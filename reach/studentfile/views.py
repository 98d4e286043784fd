"""A student's file on the person's page (loaded by htmx) and as a PDF archive record."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

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
    """The student file as a PDF archive record."""
    person = person_for_user_or_404(request.user, person_id)
    context = {
        "person": person,
        "years": student_file_for_user(request.user, person),
        "printed_at": timezone.now(),
        "printed_by": request.user.get_username(),
    }
    content = render_pdf(STUDENT_FILE_TEMPLATE, context, request=request)
    return pdf_response(content, filename=f"reach-student-file-{person.pk}.pdf")
