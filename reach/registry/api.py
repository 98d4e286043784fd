"""The registry's API: units, households and persons, read through the scoped selectors;
persons, enrolments and poverty statuses written through the same services (and permissions)
as every other write, so another system (a school register, the poverty list) can feed Reach.

Personal data is masked for a caller who may not see it unmasked where the record is (a
viewer, school staff: `may_see_unmasked`, as for exports and PDFs): a national ID keeps its
last four characters, birth dates and addresses are left out, and `masked` says so.

Refusals are the services' and selectors' errors, answered by the one handler of `reach.api`:
404 for a record outside the caller's area, 403 for a change their role may not make, 409 for
a clash with what is on record, 422 for an invalid value (the message names the field)."""

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from reach.accounts.permissions import may_see_unmasked
from reach.common.errors import DomainError, found
from reach.common.masking import mask_id
from reach.common.schemas import ERRORS, READ_ERRORS, Error, SchoolYear
from reach.common.uploads import UploadRefused
from reach.geo.models import School
from reach.geo.selectors import unit_for_user_or_404
from reach.registry import selectors, services
from reach.registry.choices import ImportStatus
from reach.registry.imports import jobs
from reach.registry.schemas import (
    EnrolmentEnd,
    EnrolmentIn,
    EnrolmentOut,
    HouseholdDetail,
    HouseholdPage,
    ImportBatchOut,
    ImportQueuedOut,
    PersonDetail,
    PersonIn,
    PersonPatch,
    StatusIn,
    StatusOut,
    UnitPage,
)

router = Router(tags=["registry"])
MAX_PAGE_SIZE = 200


class UnitFilter(Schema):
    level: str = ""
    parent: str = ""


class HouseholdFilter(Schema):
    unit: str = ""
    status: str = ""
    year: SchoolYear | None = None
    q: str = ""
    page: int = 1
    page_size: int = 50


def _unit_out(unit) -> dict:
    return {"code": unit.code, "name": unit.name, "level": unit.level, "unit_path": unit.path}


def _household_out(household, masked: bool) -> dict:
    """A household; its address left out when `masked`."""
    return {
        "id": household.pk,
        "code": household.code,
        "unit": household.unit.code,
        "unit_path": household.unit.path,
        "status": household.current_status,
        "head_name": household.head_name,
        "address": "" if masked else household.address,
        "member_count": household.member_count,
        "masked": masked,
    }


def _enrolment_out(enrolment) -> dict:
    return {
        "id": enrolment.pk,
        "school_year": enrolment.school_year,
        "school": enrolment.school.code if enrolment.school_id else None,
        "level": enrolment.level,
        "grade": enrolment.grade,
        "boarding": enrolment.boarding,
        "status": enrolment.status,
        "attendance_rate": enrolment.attendance_rate,
    }


def _person_out(person, enrolments, masked: bool) -> dict:
    """A person; when `masked`, the national ID keeps its last four characters and the birth
    date is left out, as in a masked export."""
    data = {}
    for field in (
        "full_name sex birth_date national_id ethnicity ethnic_minority disabled orphan "
        "martyr_child left_behind migrant unsupported caregiver_name caregiver_relation "
        "relation education_completed vocational_certificate"
    ).split():
        data[field] = getattr(person, field)
    if masked:
        data["national_id"] = mask_id(person.national_id) if person.national_id else None
        data["birth_date"] = None
        data["caregiver_name"] = ""
    data["masked"] = masked
    data["id"] = person.pk
    data["household_id"] = person.household_id
    data["enrolments"] = [_enrolment_out(e) for e in enrolments]
    return data


@router.get("/units", response={200: UnitPage, **READ_ERRORS})
def list_units(request, filters: Query[UnitFilter]):
    units = list(
        selectors.list_units_for_user(request.user, level=filters.level, parent=filters.parent)
    )
    return {"count": len(units), "items": [_unit_out(u) for u in units]}


@router.get("/households", response={200: HouseholdPage, **READ_ERRORS})
def list_households(request, filters: Query[HouseholdFilter]):
    unit = unit_for_user_or_404(request.user, filters.unit)
    households = selectors.list_households_for_user(
        request.user, unit=unit, status=filters.status, year=filters.year, q=filters.q
    )
    masked = not may_see_unmasked(request.user, unit)
    page_size = max(1, min(filters.page_size, MAX_PAGE_SIZE))
    paginator = Paginator(households, page_size)
    page = paginator.get_page(filters.page)
    return {
        "count": paginator.count,
        "page": page.number,
        "page_size": page_size,
        "items": [_household_out(h, masked) for h in page.object_list],
    }


@router.get("/households/{household_id}", response={200: HouseholdDetail, **READ_ERRORS})
def get_household(request, household_id: int):
    households = selectors.list_households_for_user(request.user)
    household = found(households.filter(pk=household_id).first())
    members = list(selectors.list_members_for_user(request.user, household))
    enrolments = list(selectors.list_enrolments_for_user(request.user, members))
    masked = not may_see_unmasked(request.user, household.unit)
    data = _household_out(household, masked)
    data["statuses"] = list(household.statuses.values("year", "status", "decision"))
    data["members"] = [
        _person_out(p, [e for e in enrolments if e.person_id == p.pk], masked) for p in members
    ]
    return data


@router.get("/persons/{person_id}", response={200: PersonDetail, **READ_ERRORS})
def get_person(request, person_id: int):
    return _person_detail(request, person_id)


@router.post(
    "/imports/households",
    response={200: ImportBatchOut, 202: ImportQueuedOut, 413: Error, **ERRORS},
)
def stage_household_import(request, file: File[UploadedFile]):
    """Upload a household file (.xlsx or .csv): it is checked and staged, never merged. A
    rejected batch lists every bad row; a staged one previews what a commit would change.
    202: a large file is checked in the background; read `status_url` until its status is
    no longer "queued" or "checking". 413: the file is over the size limit; 422: it is not
    a real .xlsx or UTF-8 / UTF-16 CSV, or is past a limit (unpacked size, rows, columns),
    and nothing was kept. 403: the user's role does not import households."""
    try:
        batch = jobs.request_household_import(
            file=file, filename=file.name or "", user=request.user
        )
    except UploadRefused as refused:
        return refused.status, {"detail": str(refused)}
    if batch.is_active:
        url = reverse("api-v1:get_household_import", kwargs={"batch_id": batch.pk})
        return 202, {"id": batch.pk, "status": batch.status, "status_url": url}
    return batch


@router.get("/imports/{batch_id}", response={200: ImportBatchOut, **READ_ERRORS})
def get_household_import(request, batch_id: int):
    """A batch the user uploaded (administrators see all): a household file, or a payment-result
    file recorded in the background (`kind` "payments", its `summary` the payments recorded)."""
    return found(selectors.get_import_batch_for_user(request.user, batch_id))


@router.post(
    "/imports/{batch_id}/commit", response={200: ImportBatchOut, 202: ImportQueuedOut, **ERRORS}
)
def commit_household_import(request, batch_id: int):
    """Merge a staged batch into the registry, all or nothing. 202: a large batch is merged in
    the background; read `status_url` until its status is no longer "commit_queued" (asking
    again meanwhile queues nothing more). 422: the batch was rejected (or became so when
    checked again: read it for the bad rows) or already merged."""
    batch = found(selectors.get_import_batch_for_user(request.user, batch_id))
    batch = jobs.request_household_commit(batch=batch, user=request.user)
    if batch.status == ImportStatus.COMMIT_QUEUED:
        url = reverse("api-v1:get_household_import", kwargs={"batch_id": batch.pk})
        return 202, {"id": batch.pk, "status": batch.status, "status_url": url}
    return batch


def _person_detail(request: HttpRequest, person_id: int) -> dict:
    """A person the caller sees, masked unless they may see the full record where the person
    lives (`may_see_unmasked`, as for exports and PDFs)."""
    person = found(selectors.get_person_for_user(request.user, person_id))
    masked = not may_see_unmasked(request.user, person.household.unit)
    enrolments = selectors.list_enrolments_for_user(request.user, [person])
    return _person_out(person, enrolments, masked)


def _enrolment_details(body: EnrolmentIn) -> services.EnrolmentDetails:
    """The enrolment a request names; its school by code (schools are public reference data:
    an office enrols a child of its ward at a school wherever the child goes)."""
    school = None
    if body.school:
        school = School.objects.filter(code=body.school).first()
        if school is None:
            raise DomainError(_("school: Unknown school code %(code)s") % {"code": body.school})
    return services.EnrolmentDetails(school=school, **body.dict(exclude={"school", "reason"}))


@router.post("/persons", response={201: PersonDetail, **ERRORS})
def create_person(request, body: PersonIn):
    """Add a person to a household the caller sees, with their enrolment if given. School
    staff add only a pupil they enrol at their own school."""
    household = found(selectors.get_household_for_user(request.user, body.household_id))
    enrolment = _enrolment_details(body.enrolment) if body.enrolment else None
    person = services.create_person(
        actor=request.user,
        household=household,
        details=body.dict(exclude={"household_id", "enrolment", "reason"}),
        enrolment=enrolment,
        reason=body.reason,
    )
    return 201, _person_detail(request, person.pk)


@router.patch("/persons/{person_id}", response={200: PersonDetail, **ERRORS})
def correct_person(request, person_id: int, body: PersonPatch):
    """Correct a person's personal details (only the fields sent). School staff correct only
    their own pupils."""
    person = found(selectors.get_person_for_user(request.user, person_id))
    changes = body.dict(exclude_unset=True, exclude={"reason"})
    services.correct_person(actor=request.user, person=person, changes=changes, reason=body.reason)
    return _person_detail(request, person_id)


@router.post("/persons/{person_id}/enrolments", response={201: EnrolmentOut, **ERRORS})
def enrol_person(request, person_id: int, body: EnrolmentIn):
    """Record a person's enrolment in a school year. School staff enrol only at their school."""
    person = found(selectors.get_person_for_user(request.user, person_id))
    enrolment = services.enrol_person(
        actor=request.user,
        person=person,
        details=_enrolment_details(body),
        reason=body.reason,
    )
    return 201, _enrolment_out(enrolment)


@router.post("/enrolments/{enrolment_id}/end", response={200: EnrolmentOut, **ERRORS})
def end_enrolment(request, enrolment_id: int, body: EnrolmentEnd):
    """End an enrolment under way: dropped out, transferred or graduated."""
    enrolment = found(selectors.get_enrolment_for_user(request.user, enrolment_id))
    ended = services.end_enrolment(
        actor=request.user, enrolment=enrolment, status=body.status, reason=body.reason
    )
    return _enrolment_out(ended)


@router.put("/households/{household_id}/status/{year}", response={200: StatusOut, **ERRORS})
def set_household_status(request, household_id: int, year: SchoolYear, body: StatusIn):
    """Set a household's poverty status of a year and its decision, as the ward's official
    list has it: only the ward officer or the office over the household's unit."""
    record = services.set_household_status(
        actor=request.user,
        household=found(selectors.get_household_for_user(request.user, household_id)),
        year=year,
        status=body.status,
        decision=body.decision,
        reason=body.reason,
    )
    return {"year": record.year, "status": record.status, "decision": record.decision}
