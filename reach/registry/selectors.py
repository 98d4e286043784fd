"""Reads of registry data. Every queryset of personal data starts from `restrict`; units
come from `reach.geo.selectors`."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from reach.accounts.models import AuditEvent, User
from reach.accounts.scoping import is_administrator, restrict, under_paths
from reach.common.keyset import count_in_order
from reach.common.schoolyear import current_school_year
from reach.geo.models import Unit
from reach.geo.selectors import units_for_user
from reach.registry.models import (
    Enrolment,
    Household,
    HouseholdPastUnit,
    HouseholdYearStatus,
    ImportBatch,
    Person,
)


def default_school_year_for_user(user: User | None) -> int:
    """The school year a page opens on: the latest with enrolments the user may see (the
    demo's data may end before the calendar's year), else the year under way."""
    latest = restrict(Enrolment.objects.all(), user).aggregate(year=Max("school_year"))["year"]
    return latest or current_school_year()


def list_units_for_user(user: User | None, *, level: str = "", parent: str = "") -> QuerySet[Unit]:
    units = units_for_user(user)
    if level:
        units = units.filter(level=level)
    if parent:
        units = units.filter(parent__code=parent)
    return units.order_by("path")


def _status_for_year(year: int | None) -> Subquery:
    statuses = HouseholdYearStatus.objects.filter(household=OuterRef("pk"))
    if year:
        statuses = statuses.filter(year=year)
    return Subquery(statuses.order_by("-year").values("status")[:1])


def list_households_for_user(
    user: User | None,
    *,
    unit: Unit | None = None,
    status: str = "",
    year: int | None = None,
    q: str = "",
) -> QuerySet[Household]:
    """Households the user may see, under `unit` (sub-units included), annotated with the
    status of `year` (the latest known when no year is given) and their member count."""
    households = restrict(Household.objects.all(), user).select_related("unit")
    if unit is not None:
        households = households.filter(under_paths("unit__path", (unit.path,)))
    if q:
        households = households.filter(Q(code__icontains=q) | Q(head_name__icontains=q))
    members = (
        Person.objects.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    households = households.annotate(
        current_status=_status_for_year(year),
        member_count=Coalesce(Subquery(members, output_field=IntegerField()), 0),
    )
    if status:
        households = households.filter(current_status=status)
    return households.order_by("code")


def get_household_for_user(user: User | None, household_id: int) -> Household | None:
    return (
        restrict(Household.objects.all(), user)
        .select_related("unit")
        .filter(pk=household_id)
        .first()
    )


def list_members_for_user(user: User | None, household: Household) -> QuerySet[Person]:
    return restrict(Person.objects.filter(household=household), user).order_by("birth_date")


def list_enrolments_for_user(
    user: User | None, persons: Iterable[Person] | QuerySet[Person]
) -> QuerySet[Enrolment]:
    return (
        restrict(Enrolment.objects.filter(person__in=persons), user)
        .select_related("school", "person")
        .order_by("person_id", "-school_year")
    )


def get_person_for_user(user: User | None, person_id: int) -> Person | None:
    return get_person(person_id, queryset=restrict(Person.objects.all(), user))


def get_person(person_id: int, *, queryset: QuerySet[Person] | None = None) -> Person | None:
    """A person by id, unscoped unless a scoped `queryset` is given (the command line runs
    with the operator's full rights)."""
    queryset = Person.objects.all() if queryset is None else queryset
    return queryset.select_related("household__unit").filter(pk=person_id).first()


def list_audit_events_for_household(
    user: User | None, household: Household
) -> QuerySet[AuditEvent]:
    """Audit trail of a household, limited to the members and enrolments the user may see."""
    members = list_members_for_user(user, household)
    person_ids = [str(pk) for pk in members.values_list("pk", flat=True)]
    enrolment_ids = [
        str(pk) for pk in list_enrolments_for_user(user, members).values_list("pk", flat=True)
    ]
    return (
        AuditEvent.objects.filter(household_id=household.pk)
        .filter(
            Q(object_type__in=["registry.household", "registry.householdyearstatus"])
            | Q(object_type="registry.person", object_id__in=person_ids)
            | Q(object_type="registry.enrolment", object_id__in=enrolment_ids)
        )
        .order_by("-at", "-id")
    )


def list_audit_events_for_person(person: Person) -> QuerySet[AuditEvent]:
    enrolment_ids = [str(pk) for pk in person.enrolments.values_list("pk", flat=True)]
    return AuditEvent.objects.filter(
        Q(object_type="registry.person", object_id=str(person.pk))
        | Q(object_type="registry.enrolment", object_id__in=enrolment_ids)
    ).order_by("-at", "-id")


def registry_counts_for_user(user: User | None, *, year: int | None = None) -> dict:
    """Headline counts of the dashboard, all inside the user's scope."""
    households = restrict(Household.objects.all(), user)
    statuses = restrict(HouseholdYearStatus.objects.all(), user)
    if year is None:
        year = statuses.order_by("-year").values_list("year", flat=True).first()
    by_status = dict(
        statuses.filter(year=year).values_list("status").annotate(n=Count("pk")).order_by()
    )
    enrolments = restrict(Enrolment.objects.all(), user)
    if year:
        enrolments = enrolments.filter(school_year=year)
    by_enrolment = dict(enrolments.values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "year": year,
        "households": households.count(),
        "persons": count_in_order(
            restrict(Person.objects.all(), user), key=("household__unit_id", "household__code")
        ),
        "poor": by_status.get("poor", 0),
        "near_poor": by_status.get("near_poor", 0),
        "enrolled": by_enrolment.get("enrolled", 0),
        "dropped_out": by_enrolment.get("dropped_out", 0),
    }


def list_import_batches_for_user(user: User | None) -> QuerySet[ImportBatch]:
    """Import batches, newest first: a batch is seen by the user who staged it (its rows hold
    personal data of the file, checked or not) and by administrators."""
    if user is None or not user.is_authenticated:
        return ImportBatch.objects.none()
    if is_administrator(user):
        return ImportBatch.objects.order_by("-created_at", "-id")
    return ImportBatch.objects.filter(created_by=user).order_by("-created_at", "-id")


def get_import_batch_for_user(user: User | None, batch_id: int) -> ImportBatch | None:
    return list_import_batches_for_user(user).filter(pk=batch_id).first()


def get_enrolment_for_user(user: User | None, enrolment_id: int) -> Enrolment | None:
    return (
        restrict(Enrolment.objects.all(), user)
        .select_related("school", "person__household__unit")
        .filter(pk=enrolment_id)
        .first()
    )


def household_unit_on(day: dt.date) -> Coalesce:
    """An expression, on households, for the unit a household was in on `day`: the earliest
    past unit it held until that day or later, else its current unit."""
    past = HouseholdPastUnit.objects.filter(household=OuterRef("pk"), valid_to__gte=day)
    return Coalesce(
        Subquery(past.order_by("valid_to").values("unit_id")[:1]),
        F("unit_id"),
        output_field=IntegerField(),
    )


def households_in_unit_on(
    households: QuerySet[Household], unit: Unit, day: dt.date
) -> QuerySet[Household]:
    """Of `households`, those that were in `unit` or below it on `day` (a report of a past
    period finds its households under the units of that period)."""
    units_then = Unit.objects.filter(under_paths("path", (unit.path,))).values("pk")
    return households.annotate(unit_then=household_unit_on(day)).filter(unit_then__in=units_then)


def units_valid_on(units: QuerySet[Unit], day: dt.date) -> QuerySet[Unit]:
    """Of `units`, those in force on `day`: a 2024-2025 report (placed on its first day,
    `plans.figures.school_year_day`) shows the wards of then, a 2025-2026 one the wards after
    the reorganisation of 2025-07-01."""
    return units.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
    )
