"""The funds API: scoped reads with derived balances, and the writes' refusals as HTTP."""

import pytest
from django.test import Client

from reach.funds.tests.factories import DonorFactory, FundFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    """A client of `user`, who reads English (the tests' language)."""
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def funds(world):
    return {
        "ward1": FundFactory(code="KH-26734", unit=world.units["ward1"]),
        "ward2": FundFactory(code="KH-26737", unit=world.units["ward2"]),
        "town": FundFactory(code="ZX-TOWN", unit=world.units["town"], currency="CNY"),
    }


def donate(client, fund, amount, **more):
    body = {
        "kind": "receipt",
        "form": "cash",
        "received_on": "2024-10-01",
        "anonymous": True,
        "amount_minor": amount,
        **more,
    }
    return client.post(f"/api/v1/funds/{fund.pk}/donations", body, content_type="application/json")


def spend(client, fund, pupil, amount, key, **more):
    body = {
        "recipient": pupil.pk,
        "amount_minor": amount,
        "idempotency_key": key,
        "occurred_on": "2024-10-02",
        **more,
    }
    return client.post(f"/api/v1/funds/{fund.pk}/spends", body, content_type="application/json")


def test_a_ward_officer_lists_only_the_wards_funds(world, funds):
    listed = client_for(world.users["ward01"]).get("/api/v1/funds").json()
    assert [fund["code"] for fund in listed] == ["KH-26734"]
    district = client_for(world.users["district"]).get("/api/v1/funds").json()
    assert sorted(fund["code"] for fund in district) == ["KH-26734", "KH-26737"]
    assert (
        client_for(world.users["ward01"]).get(f"/api/v1/funds/{funds['ward2'].pk}").status_code
        == 404
    )


def test_gift_of_800000_less_a_spend_of_300000_lists_500000_free(world, funds):
    client = client_for(world.users["ward01"])
    assert donate(client, funds["ward1"], 800_000).status_code == 201
    assert spend(client, funds["ward1"], world.persons["ward1"], 300_000, "k").status_code == 201
    (listed,) = client.get("/api/v1/funds").json()
    assert (listed["free_minor"], listed["restricted_minor"]) == (800_000 - 300_000, 0)


def test_the_fund_list_reads_its_balances_in_a_fixed_number_of_queries(
    world, funds, django_assert_max_num_queries
):
    client = client_for(world.users["admin"])
    for fund in funds.values():
        donate(client, fund, 1000)
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/funds").json()) == 3


def test_the_same_idempotency_key_twice_spends_once(world, funds):
    client = client_for(world.users["ward01"])
    donate(client, funds["ward1"], 500_000)
    first = spend(client, funds["ward1"], world.persons["ward1"], 200_000, "click")
    second = spend(client, funds["ward1"], world.persons["ward1"], 200_000, "click")
    assert first.json()["id"] == second.json()["id"]
    detail = client.get(f"/api/v1/funds/{funds['ward1'].pk}").json()
    assert detail["free_minor"] == 500_000 - 200_000


def test_refusals_answer_409_for_a_short_balance_422_for_a_restriction_403_for_a_role(world, funds):
    district = client_for(world.users["district"])
    fund = FundFactory(code="KH-761", unit=world.units["d12"])
    school_a = world.schools["ward1"]
    assert donate(district, fund, 100_000, wishes={"school": school_a.pk}).status_code == 201
    restriction = (
        client_for(world.users["district"])
        .get(f"/api/v1/funds/{fund.pk}")
        .json()["restrictions"][0]["id"]
    )
    wrong_school = spend(district, fund, world.persons["ward2"], 1000, "b", restriction=restriction)
    assert wrong_school.status_code == 422
    assert "does not meet the restriction" in wrong_school.json()["detail"]
    short = spend(district, fund, world.persons["ward1"], 100_001, "a", restriction=restriction)
    assert short.status_code == 409
    school_staff = client_for(world.users["school01"])
    assert spend(school_staff, funds["ward1"], world.persons["ward1"], 1, "s").status_code == 403


def test_an_entry_names_only_the_pupils_the_reader_may_see(world, funds):
    admin = client_for(world.users["admin"])
    donate(admin, funds["ward1"], 500_000)
    spend(admin, funds["ward1"], world.persons["commuter"], 1000, "c")  # lives in ward 2
    entries = client_for(world.users["ward01"]).get(f"/api/v1/funds/{funds['ward1'].pk}/entries")
    recipients = {entry["recipient"] for entry in entries.json() if entry["kind"] == "spend"}
    assert recipients == {None}
    entries = admin.get(f"/api/v1/funds/{funds['ward1'].pk}/entries").json()
    assert world.persons["commuter"].pk in {entry["recipient"] for entry in entries}


def test_a_receipt_pdf_is_served_to_whoever_sees_the_fund(world, funds):
    client = client_for(world.users["ward01"])
    donor = DonorFactory(unit=world.units["ward1"], language="zh-hans")
    created = donate(client, funds["ward1"], 10_000, anonymous=False, donor=donor.pk).json()
    response = client.get(f"/api/v1/funds/donations/{created['id']}/receipt/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    outsider = client_for(world.users["county"])
    assert outsider.get(f"/api/v1/funds/donations/{created['id']}/receipt/pdf").status_code == 404
