"""Export a household list as .xlsx in the import format (one row per person), so an office
can correct the file and import it again.

The masked variant (for a user who may not see the full record, see
`reach.accounts.permissions.may_see_unmasked`) keeps at most the last four characters of each
national ID and leaves birth dates and addresses empty."""

from typing import IO

from django.db.models import QuerySet

from reach.accounts.scoping import restrict
from reach.common.masking import mask_id
from reach.common.xlsx import new_workbook
from reach.registry.imports.headings import COLUMNS, PERSON_COLUMNS
from reach.registry.models import Enrolment, Household, HouseholdYearStatus, Person


def _latest_by(rows, key: str, order: str) -> dict:
    latest: dict = {}
    for row in rows:
        current = latest.get(row[key])
        if current is None or row[order] > current[order]:
            latest[row[key]] = row
    return latest


def write_household_export(
    *, user, households: QuerySet[Household], out: IO[bytes], masked: bool
) -> int:
    """Write the persons of `households` that `user` may see, their personal data `masked` or
    not; returns the number of rows."""
    persons = restrict(Person.objects.filter(household__in=households), user)
    statuses = _latest_by(
        HouseholdYearStatus.objects.filter(household__in=households).values(
            "household_id", "year", "status"
        ),
        "household_id",
        "year",
    )
    enrolments = _latest_by(
        restrict(Enrolment.objects.filter(person__in=persons), user).values(
            "person_id", "school__code", "school_year", "level", "grade", "boarding", "status"
        ),
        "person_id",
        "school_year",
    )
    workbook = new_workbook(out)
    sheet = workbook.add_worksheet("households")
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, COLUMNS, bold)
    line = 0
    rows = persons.order_by("household__code", "birth_date").values(
        "household_id",
        "household__code",
        "household__unit__code",
        "household__head_name",
        "household__address",
        "id",
        *PERSON_COLUMNS,
    )
    for person in rows.iterator(chunk_size=2000):
        status = statuses.get(person["household_id"], {})
        enrolment = enrolments.get(person["id"], {})
        values = {
            "household_code": person["household__code"],
            "unit_code": person["household__unit__code"],
            "head_name": person["household__head_name"],
            "address": person["household__address"],
            "poverty_status": status.get("status", ""),
            "status_year": status.get("year", ""),
            **{field: person[field] for field in PERSON_COLUMNS},
            "birth_date": person["birth_date"].isoformat(),
            "national_id": person["national_id"] or "",
            "school_code": enrolment.get("school__code") or "",
            "school_year": enrolment.get("school_year", ""),
            "level": enrolment.get("level", ""),
            "grade": enrolment.get("grade") or "",
            "boarding": enrolment.get("boarding", ""),
            "enrollment_status": enrolment.get("status", ""),
        }
        if masked:
            values.update(address="", birth_date="", national_id=mask_id(person["national_id"]))
        line += 1
        sheet.write_row(line, 0, [_cell(values[column]) for column in COLUMNS])
    workbook.close()
    return line


def _cell(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value
