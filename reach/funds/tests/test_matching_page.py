"""The matching page: the pupils a gift could support, with what the state already pays them;
the fund's goods by item (received, handed over, in stock: derived from the ledger); a hand-over
to a suggested pupil recorded once, audited, never beyond the stock, and the pupil then no
longer suggested for the purpose."""

import datetime as dt
import re

import pytest
from django.test import Client

from reach.accounts.models import AuditEvent
from reach.entitlements.choices import LineStatus
from reach.entitlements.models import EntitlementLine
from reach.entitlements.tests.factories import EntitlementRunFactory
from reach.funds.distribution import item_stock
from reach.funds.models import Transaction
from reach.funds.services import (
    DonationInput,
    RestrictionInput,
    record_donation,
    reverse_transaction,
)
from reach.funds.tests.factories import DonorFactory, FundFactory
from reach.policy.models import Benefit, Policy, PolicyVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(world):
    """A district fund for bicycles that received 3 bicycles and 50 kg of rice."""
    fund = FundFactory(code="KH-761", unit=world.units["d12"], purpose="bicycles")
    donor = DonorFactory(unit=fund.unit)
    for item, quantity, unit in (("bicycle", 3, "piece"), ("rice", 50, "kg")):
        record_donation(
            actor=world.users["district"],
            fund=fund,
            gift=DonationInput(
                kind="receipt", form="in_kind", received_on=dt.date(2024, 10, 1),
                donor_id=donor.pk, item=item, quantity=quantity, item_unit=unit,
                unit_value_minor=1_000, wishes=RestrictionInput(),
            ),
        )  # fmt: skip
    return fund


def state_pays(person, amount: int) -> None:
    """A state line in force for `person` in 2024 (a purpose that does not cover bicycles)."""
    policy = Policy.objects.create(code="vn-test", jurisdiction="VN", currency="VND")
    version = PolicyVersion.objects.create(
        policy=policy, number=1, document={}, checksum="x", source_file="t"
    )
    benefit = Benefit.objects.create(
        version=version, code="learning_cost", kind="grant", purpose="learning_cost_support",
        condition={}, amount={}, effective_from=dt.date(2021, 10, 15),
    )  # fmt: skip
    EntitlementLine.objects.create(
        run=EntitlementRunFactory(policy_codes="vn-test", status="done"),
        enrolment=person.enrolments.get(school_year=2024), person=person,
        household=person.household, unit=person.household.unit, benefit=benefit,
        benefit_code=benefit.code, policy_code="vn-test", school_year=2024,
        amount_minor=amount, currency="VND", status=LineStatus.IN_FORCE,
    )  # fmt: skip


def client_for(user) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def test_goods_by_item_are_derived_from_the_ledger(world, fund):
    assert [(i.item, i.received, i.handed_over, i.in_stock) for i in item_stock(fund)] == [
        ("bicycle", 3, 0, 3),
        ("rice", 50, 0, 50),
    ]


def test_the_page_lists_the_pupils_with_what_the_state_pays_and_hands_over_once(world, fund):
    state_pays(world.persons["ward1"], 1_800_000)
    district = client_for(world.users["district"])
    url = f"/funds/{fund.pk}/matching/?purpose=bicycles&school_year=2024"
    page = district.get(url).content.decode()
    row = re.search(r"<tr><td>Pupil ward1.*?</tr>", page, re.S).group(0)
    assert "1,800,000 VND" in row and "vn-test/learning_cost" in row
    assert "Pupil ward2" in page and "Pupil commuter" in page
    assert "bicycle (3 piece)" in page

    post = {
        "recipient": world.persons["ward1"].pk, "item": "bicycle", "quantity": 1,
        "purpose": "bicycles", "occurred_on": "2024-11-01", "idempotency_key": "k-1",
        "query": "purpose=bicycles&school_year=2024",
    }  # fmt: skip
    answer = district.post(f"/funds/{fund.pk}/matching/hand-over/", post)
    assert answer.url == url
    district.post(f"/funds/{fund.pk}/matching/hand-over/", post)  # a double click
    assert Transaction.objects.filter(kind="hand_over").count() == 1
    assert AuditEvent.objects.filter(object_type="funds.transaction").exists()
    [bicycles, _rice] = item_stock(fund)
    assert (bicycles.handed_over, bicycles.in_stock) == (1, 2)
    assert "Pupil ward1" not in district.get(url).content.decode()  # has a bicycle now

    # never beyond the stock: 5 bicycles asked, 2 held
    more = {**post, "recipient": world.persons["ward2"].pk, "quantity": 5, "idempotency_key": "k-2"}
    district.post(f"/funds/{fund.pk}/matching/hand-over/", more)
    assert item_stock(fund)[0].in_stock == 2
    # a reversed hand-over goes back into stock
    txn = Transaction.objects.get(kind="hand_over")
    reverse_transaction(
        actor=world.users["district"], fund=fund, transaction_id=txn.pk,
        reason="wrong pupil", occurred_on=dt.date(2024, 11, 2),
    )  # fmt: skip
    assert [(i.received, i.handed_over, i.in_stock) for i in item_stock(fund)][0] == (3, 0, 3)


def test_readers_see_no_hand_over_form_and_outsiders_no_page(world):
    fund = FundFactory(code="KH-26734", unit=world.units["ward1"], purpose="bicycles")
    school = client_for(world.users["school01"])  # a reader of the ward's fund
    page = school.get(f"/funds/{fund.pk}/matching/")
    assert page.status_code == 200 and "matching/hand-over/" not in page.content.decode()
    post = {
        "recipient": world.persons["ward1"].pk, "item": "bicycle", "quantity": 1,
        "occurred_on": "2024-11-01", "idempotency_key": "k-9",
    }  # fmt: skip
    assert school.post(f"/funds/{fund.pk}/matching/hand-over/", post).status_code == 403
    county = client_for(world.users["county"])
    assert county.get(f"/funds/{fund.pk}/matching/").status_code == 404


def test_the_api_gives_goods_and_the_states_part_of_each_suggestion(world, fund):
    state_pays(world.persons["ward2"], 900_000)
    district = client_for(world.users["district"])
    goods = district.get(f"/api/v1/funds/{fund.pk}/goods").json()
    assert goods[0] == {
        "item": "bicycle", "item_unit": "piece", "received": 3, "handed_over": 0, "in_stock": 3,
    }  # fmt: skip
    rows = district.get(f"/api/v1/funds/{fund.pk}/suggestions?school_year=2024").json()
    by_name = {r["full_name"]: r for r in rows}
    assert by_name["Pupil ward2"]["state_minor"] == {"VND": 900_000}
    assert by_name["Pupil ward1"]["state_minor"] == {}
