"""A student's file: per school year, the enrolments and one timeline of what happened."""

from ninja import Router

from reach.common.schemas import READ_ERRORS
from reach.studentfile.schemas import StudentFileOut
from reach.studentfile.selectors import person_for_user_or_404, student_file_for_user

router = Router(tags=["student file"])


@router.get("/persons/{person_id}/file", response={200: StudentFileOut, **READ_ERRORS})
def student_file(request, person_id: int):
    """A student's file: per school year, the enrolments and one timeline of entitlements,
    approval steps, public notice, payments and objections."""
    person = person_for_user_or_404(request.user, person_id)
    years = student_file_for_user(request.user, person)
    return {
        "person": person.pk,
        "years": [
            {
                "school_year": year.year,
                "enrolments": [
                    {
                        "school": e.school.code if e.school_id else None,
                        "level": e.level,
                        "grade": e.grade,
                        "status": e.status,
                    }
                    for e in year.enrolments
                ],
                "events": [
                    {"at": ev.at, "kind": ev.kind, "text": ev.text, "run": ev.run_id}
                    for ev in year.events
                ],
            }
            for year in years
        ],
    }
