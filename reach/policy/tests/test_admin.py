"""The admin page where an administrator enters each province's value of a table filled in the
admin: saved through the policy services (validated, audited), refused with the row's errors."""

import pytest
from django.test import Client

from reach.accounts.models import AuditEvent
from reach.accounts.tests.factories import UserFactory
from reach.policy.calc import default_policies_dir
from reach.policy.models import ReferenceTable, ReferenceValue
from reach.policy.services import load_policies_dir

pytestmark = pytest.mark.django_db
ADD = "/admin/policy/referencevalue/add/"


@pytest.fixture
def admin_client(db) -> Client:
    load_policies_dir(path=default_policies_dir())
    client = Client()
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def form(table: ReferenceTable, **fields) -> dict:
    return {
        "table": table.pk,
        "school_year": 2025,
        "valid_from": "",
        "level": "lower_secondary",
        "unit": "VN.79",
        "value_minor": 200000,
        "source": "Nghị quyết HĐND (demo)",
    } | fields


def test_an_administrator_enters_hcmc_lower_secondary_support_200000_a_month_audited(admin_client):
    table = ReferenceTable.objects.get(code="private_tuition_support")

    response = admin_client.post(ADD, form(table))

    assert response.status_code == 302
    [value] = ReferenceValue.objects.filter(table=table)
    assert value.keys == {"level": "lower_secondary", "unit": "VN.79"}
    assert value.value_minor == 200000
    [event] = AuditEvent.objects.filter(object_type="policy.referencevalue")
    assert (event.action, event.reason) == ("create", "admin")


def test_a_value_without_a_unit_path_or_school_year_is_refused_and_nothing_saved(admin_client):
    table = ReferenceTable.objects.get(code="private_tuition_support")

    response = admin_client.post(ADD, form(table, unit="", school_year=""))

    assert response.status_code == 200
    page = response.content.decode()  # each error names its place in the row, in any language
    assert "errorlist" in page
    assert "private_tuition_support: " in page  # no from or school_year
    assert "private_tuition_support.unit: " in page
    assert not ReferenceValue.objects.filter(table=table).exists()


def test_a_table_loaded_from_its_file_is_not_offered_in_the_admin(admin_client):
    shipped = ReferenceTable.objects.get(code="base_salary")
    before = list(shipped.values.values_list("pk", flat=True))

    response = admin_client.post(ADD, form(shipped))

    assert response.status_code == 200  # the form refuses the choice
    assert list(shipped.values.values_list("pk", flat=True)) == before
    listed = admin_client.get("/admin/policy/referencevalue/").content.decode()
    assert "base_salary" not in listed
