"""Rounds through the API and the pages: a round opened, drawn, submitted, approved by another
officer, published and paid; candidates with their score parts, seen only within scope; the
notice masks names."""

import datetime as dt

import pytest
from django.test import Client

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.funds.models import RoundAward, ScholarshipRound
from reach.funds.services import DonationInput, RestrictionInput, record_donation
from reach.funds.tests.factories import DonorFactory, FundFactory

pytestmark = pytest.mark.django_db
ROUND = {
    "code": "HB-API",
    "names": {"en": "API round", "vi": "Đợt API"},
    "school_year": 2024,
    "budget_minor": 3_000_000,
    "criteria": {"field": "household_status", "op": "in", "value": ["poor", "near_poor"]},
    "score_rules": [
        {
            "when": {"field": "household_status", "op": "eq", "value": "poor"},
            "points": 30,
            "labels": {"en": "poor household"},
        }
    ],
    "tiers": [{"min_score": 0, "amount_minor": 400_000}],
}


def client_for(user) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def fund(world):
    fund = FundFactory(code="KH-761", unit=world.units["d12"])
    record_donation(
        actor=world.users["district"],
        fund=fund,
        gift=DonationInput(
            kind="receipt",
            form="cash",
            received_on=dt.date(2024, 10, 1),
            donor_id=DonorFactory(unit=fund.unit).pk,
            amount_minor=5_000_000,
            wishes=RestrictionInput(),
        ),
    )
    return fund


def test_a_round_through_the_api_from_opening_to_payment(world, fund):
    maker = client_for(world.users["district"])
    checker_user = MembershipFactory(
        user=UserFactory(username="district2"), role="office", unit=world.units["d12"]
    ).user
    checker = client_for(checker_user)
    made = maker.post(f"/api/v1/funds/{fund.pk}/rounds", ROUND, content_type="application/json")
    assert made.status_code == 201, made.content
    round_id = made.json()["id"]
    drawn = maker.post(f"/api/v1/funds/rounds/{round_id}/draw")
    assert drawn.json()["totals"]["candidates"] == 3
    candidates = maker.get(f"/api/v1/funds/rounds/{round_id}/candidates").json()
    assert candidates[0]["parts"] == [{"rule": 0, "label": "poor household", "points": 30}]
    assert maker.post(f"/api/v1/funds/rounds/{round_id}/submit").status_code == 200
    assert maker.post(f"/api/v1/funds/rounds/{round_id}/approve").status_code == 422
    assert checker.post(f"/api/v1/funds/rounds/{round_id}/approve").json()["status"] == "approved"
    assert maker.post(f"/api/v1/funds/rounds/{round_id}/publish").json()["published"]
    early = maker.post(
        f"/api/v1/funds/rounds/{round_id}/awards",
        {"occurred_on": "2024-10-20"},
        content_type="application/json",
    )
    assert early.status_code == 409 and "objections are taken until" in early.json()["detail"]
    end_objection_period(round_id)
    paid = maker.post(
        f"/api/v1/funds/rounds/{round_id}/awards",
        {"occurred_on": "2024-10-20"},
        content_type="application/json",
    ).json()
    assert (len(paid["paid"]), paid["refused"]) == (3, [])
    assert RoundAward.objects.filter(round_id=round_id).count() == 3
    # The ward sees neither the district's round nor, through the list, anyone else's pupils.
    ward = client_for(world.users["ward01"])
    assert ward.get(f"/api/v1/funds/rounds/{round_id}").status_code == 404
    assert ward.get("/api/v1/funds/rounds").json() == []


def end_objection_period(round_id: int) -> None:
    """The notice's week of objections passes."""
    ScholarshipRound.objects.filter(pk=round_id).update(
        objections_until=dt.date.today() - dt.timedelta(days=1)
    )


def test_invalid_criteria_are_refused_with_the_path_of_the_error(world, fund):
    maker = client_for(world.users["district"])
    bad = {**ROUND, "criteria": {"field": "household_status", "op": "gt", "value": "poor"}}
    answer = maker.post(f"/api/v1/funds/{fund.pk}/rounds", bad, content_type="application/json")
    assert answer.status_code == 422
    assert "criteria.op" in answer.content.decode()
    assert not ScholarshipRound.objects.exists()


def test_the_pages_show_candidates_with_score_parts_and_the_notice_masks_names(world, fund):
    maker = client_for(world.users["district"])
    page = maker.get(f"/funds/{fund.pk}/rounds/new/")
    assert page.status_code == 200 and b"household_status" in page.content
    form = {
        "code": "HB-PAGE",
        "name_en": "Page round",
        "school_year": 2024,
        "purpose": "scholarships",
        "exclusive": "on",
        "budget_minor": 3_000_000,
        "criteria": '{"field": "household_status", "op": "eq", "value": "poor"}',
        "score_rules": '[{"when": {"field": "orphan", "op": "is_false"}, "points": 5}]',
        "tiers": '[{"min_score": 0, "amount_minor": 100000}]',
    }
    created = maker.post(f"/funds/{fund.pk}/rounds/new/", form)
    round_ = ScholarshipRound.objects.get(code="HB-PAGE")
    assert created.url == f"/funds/rounds/{round_.pk}/"
    maker.post(f"/funds/rounds/{round_.pk}/draw/")
    detail = maker.get(f"/funds/rounds/{round_.pk}/").content.decode()
    assert "Pupil ward1" in detail and "orphan: no +5" in detail
    assert "Pupil commuter" not in detail  # near-poor: not drawn
    notice = maker.get(f"/funds/rounds/{round_.pk}/notice/").content.decode()
    assert "not published yet" in notice
    round_.status, round_.published_at = "approved", dt.datetime(2024, 10, 1, tzinfo=dt.UTC)
    round_.save()
    notice = maker.get(f"/funds/rounds/{round_.pk}/notice/").content.decode()
    assert "Pupil ward1" not in notice and "Pupil w." in notice
    assert client_for(world.users["county"]).get(f"/funds/rounds/{round_.pk}/").status_code == 404
    listed = client_for(world.users["district"]).get("/funds/rounds/").content.decode()
    assert "HB-PAGE" in listed
