"""The pages of sponsorships, new funds and restrictions."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from reach.accounts.models import AuditEvent
from reach.funds.models import Fund, InstalmentPayment, Restriction, SponsorReceipt, Sponsorship
from reach.funds.services import DonationInput, record_donation
from reach.funds.tests.factories import DonorFactory, FundFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_fund_is_created_on_its_page(world):
    organisation = OrganisationFactory(unit=world.units["ward1"], name="Hội Khuyến học")
    ward = _client(world.users["ward01"])
    assert "Hội Khuyến học" in ward.get(reverse("funds:new")).content.decode()
    response = ward.post(
        reverse("funds:new"),
        {
            "organisation": organisation.pk,
            "code": "QKH-1",
            "name_vi": "Quỹ khuyến học",
            "currency": "VND",
            "purpose": "learning_encouragement",
        },
    )
    fund = Fund.objects.get(code="QKH-1")
    assert response.status_code == 302 and fund.unit == world.units["ward1"]
    assert fund.names == {"vi": "Quỹ khuyến học"}
    assert _client(world.users["school01"]).get(reverse("funds:new")).status_code == 403


def test_a_restriction_is_added_on_the_fund_page(world):
    fund = FundFactory(unit=world.units["ward1"])
    ward = _client(world.users["ward01"])
    url = reverse("funds:restriction-new", args=[fund.pk])
    assert url in ward.get(reverse("funds:fund", args=[fund.pk])).content.decode()
    ward.post(url, {"purpose": "bicycles", "school": world.schools["ward1"].pk})
    ward.post(url, {"purpose": "bicycles", "school": world.schools["ward1"].pk})
    restriction = Restriction.objects.get()
    assert (restriction.purpose, restriction.school) == ("bicycles", world.schools["ward1"])
    assert AuditEvent.objects.filter(object_type="funds.restriction").count() == 1
    school = _client(world.users["school01"])
    assert school.post(url, {"purpose": "rice"}).status_code == 403


def test_set_up_attach_and_pay_a_sponsorship_on_its_pages(world):
    fund = FundFactory(unit=world.units["ward1"])
    donor = DonorFactory(unit=world.units["ward1"], name="Bà Lan")
    ward = _client(world.users["ward01"])
    response = ward.post(
        reverse("funds:sponsorship-new", args=[fund.pk]),
        {
            "donor": donor.pk,
            "person": world.persons["ward1"].pk,
            "amount": "300000",
            "rhythm": "term",
            "starts_on": "2024-09-05",
            "ends_on": "2025-05-31",
            "fallback": "refund",
        },
    )
    sponsorship = Sponsorship.objects.get()
    assert response.url == reverse("funds:sponsorship", args=[sponsorship.pk])
    assert sponsorship.instalments.count() == 2
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
    attach_url = reverse("funds:sponsorship-attach", args=[sponsorship.pk])
    page = ward.get(attach_url).content.decode()
    assert "R-7" in page
    first = sponsorship.instalments.get(number=1)
    donation = fund.donations.get(receipt_number="R-7")
    ward.post(attach_url, {"donation": donation.pk, "instalment": first.pk})
    assert SponsorReceipt.objects.get().instalment == first
    detail = ward.get(reverse("funds:sponsorship", args=[sponsorship.pk])).content.decode()
    assert re.search(r"150[.,]000 VND", detail)  # the over-payment shown
    pay = {"instalment": first.pk, "voucher": "PC-9", "paid_on": "2024-09-21"}
    ward.post(reverse("funds:sponsorship-pay", args=[sponsorship.pk]), pay)
    ward.post(reverse("funds:sponsorship-pay", args=[sponsorship.pk]), pay)  # double click
    assert InstalmentPayment.objects.count() == 1
    school = _client(world.users["school01"])
    assert (
        school.post(reverse("funds:sponsorship-pay", args=[sponsorship.pk]), pay).status_code == 403
    )
    county = _client(world.users["county"])
    assert county.get(reverse("funds:sponsorship", args=[sponsorship.pk])).status_code == 404
    statement = ward.get(reverse("funds:sponsorship-statement-pdf", args=[sponsorship.pk]))
    assert statement.status_code == 200 and statement["Content-Type"] == "application/pdf"
    letter = ward.get(reverse("funds:sponsorship-letter-pdf", args=[sponsorship.pk]))
    assert letter.status_code == 404  # no letter yet


def test_the_letter_speaks_the_donors_language_and_masks_the_student(world):
    from reach.funds.models import SponsorNotice
    from reach.funds.sponsorship_letters import render_letter_html

    fund = FundFactory(unit=world.units["town"], currency="CNY", names={"zh": "助学基金"})
    donor = DonorFactory(unit=world.units["town"], name="王先生", language="zh-hans")
    pupil = world.persons["town"]
    pupil.full_name = "李小明"
    pupil.save()
    sponsorship = Sponsorship.objects.create(
        fund=fund,
        donor=donor,
        person=pupil,
        amount_minor=50_000,
        rhythm="year",
        starts_on=dt.date(2024, 9, 1),
        ends_on=dt.date(2025, 8, 31),
        fallback="refund",
        status="refunded",
    )
    notice = SponsorNotice.objects.create(
        sponsorship=sponsorship,
        kind="refunded",
        key="k",
        language="zh-hans",
        former_person=pupil,
        reason="left",
        refund_minor=50_000,
    )
    html = render_letter_html(notice)
    assert "王先生" in html and "李*明" in html and "李小明" not in html
    assert "助学基金" in html
