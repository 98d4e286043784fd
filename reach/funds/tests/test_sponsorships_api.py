"""The sponsorships API: set up, read (scoped), attach a receipt, pay once."""

import datetime as dt

import pytest

from reach.accounts.models import AuditEvent
from reach.funds.models import InstalmentPayment, Sponsorship
from reach.funds.services import DonationInput, record_donation
from reach.funds.tests.factories import DonorFactory, FundFactory
from reach.funds.tests.test_api import client_for

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def body(donor, person, **more) -> dict:
    return {
        "donor": donor.pk,
        "person": person.pk,
        "amount_minor": 300_000,
        "rhythm": "term",
        "starts_on": "2024-09-05",
        "ends_on": "2025-05-31",
        "fallback": "refund",
        **more,
    }


def test_a_sponsorship_is_set_up_read_attached_and_paid_once_through_the_api(world):
    fund = FundFactory(unit=world.units["ward1"])
    donor = DonorFactory(unit=world.units["ward1"], name="Bà Lan")
    ward = client_for(world.users["ward01"])
    created = post(
        ward, f"/api/v1/funds/{fund.pk}/sponsorships", body(donor, world.persons["ward1"])
    )
    assert created.status_code == 201, created.content
    detail = created.json()
    assert [i["due_on"] for i in detail["instalments"]] == ["2024-09-05", "2025-01-01"]
    assert detail["due_minor"] == 600_000 and detail["paid_minor"] == 0
    sponsorship_id = detail["id"]
    assert AuditEvent.objects.filter(object_type="funds.sponsorship").count() == 1

    record_donation(
        actor=world.users["ward01"],
        fund=fund,
        gift=DonationInput(
            kind="receipt",
            form="cash",
            received_on=dt.date(2024, 9, 20),
            donor_id=donor.pk,
            amount_minor=450_000,
            receipt_number="R-7",
        ),
    )
    first = detail["instalments"][0]["id"]
    donation = fund.donations.get(receipt_number="R-7")
    url = f"/api/v1/funds/sponsorships/{sponsorship_id}"
    attached = post(ward, f"{url}/receipts", {"donation": donation.pk, "instalment": first})
    assert attached.status_code == 201
    again = post(ward, f"{url}/receipts", {"donation": donation.pk, "instalment": first})
    assert again.status_code == 409

    pay = {"instalment": first, "voucher": "PC-9", "paid_on": "2024-09-21"}
    paid = post(ward, f"{url}/payments", pay)
    assert paid.status_code == 201 and paid.json()["amount_minor"] == 300_000
    assert post(ward, f"{url}/payments", pay).json()["id"] == paid.json()["id"]  # double click
    assert post(ward, f"{url}/payments", {**pay, "voucher": "PC-10"}).status_code == 409
    assert InstalmentPayment.objects.count() == 1

    read = ward.get(url).json()
    assert (read["received_minor"], read["paid_minor"]) == (450_000, 300_000)
    assert read["instalments"][0]["receipts"] == ["R-7"]
    assert read["instalments"][0]["voucher"] == "PC-9"
    assert [s["id"] for s in ward.get("/api/v1/funds/sponsorships").json()] == [sponsorship_id]


def test_the_api_refuses_what_the_caller_may_not_do_or_see(world):
    fund = FundFactory(unit=world.units["ward1"])
    donor = DonorFactory(unit=world.units["ward1"])
    ward = client_for(world.users["ward01"])
    url = f"/api/v1/funds/{fund.pk}/sponsorships"
    # a pupil of another ward, a school's staff, a fund out of reach, a bad rhythm
    assert post(ward, url, body(donor, world.persons["ward2"])).status_code == 404
    school = client_for(world.users["school01"])
    assert post(school, url, body(donor, world.persons["ward1"])).status_code == 403
    county = client_for(world.users["county"])
    assert post(county, url, body(donor, world.persons["town"])).status_code == 404
    assert post(ward, url, body(donor, world.persons["ward1"], rhythm="weekly")).status_code == 422
    assert Sponsorship.objects.count() == 0

    created = post(ward, url, body(donor, world.persons["ward1"])).json()
    assert county.get(f"/api/v1/funds/sponsorships/{created['id']}").status_code == 404
    assert county.get("/api/v1/funds/sponsorships").json() == []
    district = client_for(world.users["district"])
    assert [s["id"] for s in district.get("/api/v1/funds/sponsorships").json()] == [created["id"]]
