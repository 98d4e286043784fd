"""The fast paths of the import keep its behaviour: a cell parsed once per distinct text still
names every line it is on, and ids the import assigns itself are never ones given before."""

import pytest
from django.utils import translation

from reach.accounts.permissions import command_line_actor
from reach.geo.services import DATA_DIR, load_schools, load_units
from reach.registry.choices import ImportStatus
from reach.registry.imports.services import commit_household_import
from reach.registry.models import Enrolment, Household, HouseholdYearStatus, Person
from reach.registry.tests.test_imports import errors_of, good_rows, stage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_geo(db):
    load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
    load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")
    with translation.override("en"):
        yield


def test_the_same_bad_cell_on_several_lines_is_an_error_on_each():
    rows = good_rows()
    for row in rows[:3]:
        row["sex"] = "??"
    rows[3]["relation"] = "cousin"

    batch = stage(rows)

    assert batch.status == ImportStatus.REJECTED
    assert {(2, "sex"), (3, "sex"), (4, "sex"), (5, "relation")} <= errors_of(batch)
    reasons = [e["reason"] for e in batch.errors if e["column"] == "sex"]
    assert len(reasons) == 3 and len(set(reasons)) == 1 and "??" in reasons[0]


def test_a_second_import_never_reuses_the_ids_of_deleted_records():
    commit_household_import(batch=stage())
    first_ids = set(Person.objects.values_list("id", flat=True))
    highest_household = Household.objects.order_by("-id").values_list("id", flat=True)[0]
    for model in (Enrolment, HouseholdYearStatus, Person, Household):
        model.objects.all().delete()

    commit_household_import(batch=stage())

    assert not first_ids & set(Person.objects.values_list("id", flat=True))
    assert Household.objects.order_by("id").values_list("id", flat=True)[0] > highest_household
    assert Person.objects.filter(household__code="HH-1").count() == 4
