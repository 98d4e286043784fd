"""The fund pages: the list with derived balances, a fund page, and the forms' round trips."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from reach.funds.models import Donation, Transaction
from reach.funds.receipts import render_receipt_html
from reach.funds.services import DonationInput, record_donation
from reach.funds.tests.factories import DonorFactory, FundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(world):
    return FundFactory(code="KH-26734", unit=world.units["ward1"])


def client_for(user) -> Client:
    """A client of `user`, who reads English (the tests' language)."""
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def test_recording_a_gift_of_300000_then_paying_100000_shows_200000(world, fund):
    client = client_for(world.users["ward01"])
    response = client.post(
        reverse("funds:donate", args=[fund.pk]),
        {
            "kind": "receipt",
            "form": "cash",
            "received_on": "2024-10-01",
            "amount": "300000",
            "new_donor": "Công ty An Phát",
            "new_donor_kind": "enterprise",
            "new_donor_language": "vi",
        },
    )
    assert response.status_code == 302
    form = {
        "recipient": world.persons["ward1"].pk,
        "amount": "100000",
        "occurred_on": "2024-10-02",
        "idempotency_key": "page-1",
    }
    client.post(reverse("funds:spend", args=[fund.pk]), form)
    client.post(reverse("funds:spend", args=[fund.pk]), form)  # a double click
    page = client.get(reverse("funds:list")).content.decode()
    assert ">200000<" in page
    assert Transaction.objects.filter(kind="spend").count() == 1


def test_a_refused_spend_comes_back_as_a_message(world, fund):
    client = client_for(world.users["ward01"])
    form = {
        "recipient": world.persons["ward1"].pk,
        "amount": "1",
        "occurred_on": "2024-10-02",
        "idempotency_key": "k",
    }
    response = client.post(reverse("funds:spend", args=[fund.pk]), form, follow=True)
    assert "cannot be taken from it" in response.content.decode()


def test_the_fund_page_offers_the_forms_only_to_its_editors(world, fund):
    assert (
        "Pay a pupil"
        in client_for(world.users["ward01"])
        .get(reverse("funds:fund", args=[fund.pk]))
        .content.decode()
    )
    page = client_for(world.users["school01"]).get(reverse("funds:fund", args=[fund.pk]))
    assert page.status_code == 200 and "Pay a pupil" not in page.content.decode()


def test_a_receipt_for_goods_states_the_quantity_not_a_value(world, fund):
    donor = DonorFactory(unit=fund.unit, name="Công ty Xe Đạp", language="en")
    donation = record_donation(
        actor=world.users["ward01"],
        fund=fund,
        gift=DonationInput(
            kind="receipt",
            form="in_kind",
            received_on=dt.date(2024, 10, 1),
            donor_id=donor.pk,
            item="bicycle",
            quantity=50,
            item_unit="pieces",
            unit_value_minor=1_500_000,
        ),
    )
    html = render_receipt_html(Donation.objects.get(pk=donation.pk))
    assert "50 pieces" in html and "bicycle" in html
    assert "1500000" not in html and "1,500,000" not in html and "Amount" not in html


def test_a_receipt_speaks_the_donors_language(world, fund):
    donor = DonorFactory(unit=fund.unit, name="王先生", language="zh-hans")
    donation = record_donation(
        actor=world.users["ward01"],
        fund=fund,
        gift=DonationInput(
            kind="receipt",
            form="cash",
            received_on=dt.date(2024, 10, 1),
            donor_id=donor.pk,
            amount_minor=1_500_000,
        ),
    )
    html = render_receipt_html(Donation.objects.get(pk=donation.pk))
    assert "收据" in html and "1,500,000 VND" in html and "王先生" in html
