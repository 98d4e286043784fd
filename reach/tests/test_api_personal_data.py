"""The API families that do not carry a person's record (entitlement lines, payments and payment
lists, cases, student files) never hand out a full national ID, a birth date or an address, to a
viewer or to an editor; the registry and indicator families mask them by role
(`reach/registry/tests/test_api_masking.py`)."""

import json

import pytest
from django.test import Client

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.casework.tests.factories import DropoutCaseFactory
from reach.entitlements.models import EntitlementLine
from reach.payments.tests.factories import approved_run, pay
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir
from reach.registry.models import Household, Person

pytestmark = pytest.mark.django_db

NATIONAL_ID = "079204001234"
ADDRESS = "12 Lê Lợi, Thạnh Xuân"


@pytest.fixture
def paid(world):
    """An approved run over District 12, one of its lines paid, a case opened for its pupil,
    whose national ID, birth date and address are on record; a viewer over the district."""
    load_policies_dir(path=default_policies_dir())
    run = approved_run(world)
    line = EntitlementLine.objects.filter(run=run).order_by("id").first()
    Person.objects.filter(pk=line.person_id).update(national_id=NATIONAL_ID)
    Household.objects.filter(members__pk=line.person_id).update(address=ADDRESS)
    pay(line, world.users["district"], voucher="UNC-1")
    DropoutCaseFactory(person=line.person)
    world.users["viewer"] = MembershipFactory(
        user=UserFactory(username="viewer"), role="viewer", unit=world.units["d12"]
    ).user
    return world, run, line


def endpoints(run, line) -> list[str]:
    return [
        f"/api/v1/runs/{run.pk}/lines",
        f"/api/v1/persons/{line.person_id}/entitlements?year=2024",
        "/api/v1/disbursements?year=2024",
        "/api/v1/payment-lists?year=2024&unit=761",
        "/api/v1/cases?year=2024&unit=761",
        f"/api/v1/persons/{line.person_id}/file",
    ]


@pytest.mark.parametrize("username", ["viewer", "district"])
def test_lines_payments_cases_and_files_hold_no_full_id_birth_date_or_address(paid, username):
    world, run, line = paid
    client = Client()
    client.force_login(world.users[username])
    birth_date = Person.objects.get(pk=line.person_id).birth_date.isoformat()
    for url in endpoints(run, line):
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)
        text = json.dumps(response.json(), ensure_ascii=False)
        assert NATIONAL_ID not in text, url
        assert birth_date not in text, url
        assert ADDRESS not in text, url
    lists = client.get("/api/v1/payment-lists?year=2024&unit=761").json()["items"]
    assert "********1234" in [item["national_id_masked"] for item in lists]
