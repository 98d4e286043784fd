"""The forms of boards, the Month's events and commendations: each saves through its service
(role over the unit, audit), names what is wrong on the form, and refuses a user without the
role."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from reach.accounts.models import AuditEvent
from reach.funds.tests.factories import OrganisationFactory
from reach.learning import selectors
from reach.learning.models import Board, Commendation, Event

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    """A client reading the pages in English (the messages are asserted in English)."""
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_an_officer_establishes_a_board_and_the_rate_moves(world):
    district = world.users["district"]
    client = _client(district)
    assert selectors.board_rate_for_user(district, world.units["d12"]).with_board == 0
    page = client.get("/learning/boards/", {"unit": "761"}).content.decode()
    assert 'id="board-form"' in page
    response = client.post(
        "/learning/boards/?unit=761",
        {"unit": "26734", "established_on": "2023-09-01", "decision_number": "12/QĐ-UBND"},
    )
    assert response.status_code == 302
    board = Board.objects.get(unit=world.units["ward1"], organisation=None)
    assert (board.status, board.decision_number) == ("established", "12/QĐ-UBND")
    assert AuditEvent.objects.filter(object_id=str(board.pk)).exists()
    assert selectors.board_rate_for_user(district, world.units["d12"]).with_board == 1


def test_the_board_form_names_its_errors(world):
    client = _client(world.users["district"])
    page = client.post(
        "/learning/boards/", {"unit": "26734", "established_on": "2023-09-01"}
    ).content.decode()
    assert "An established board needs the decision that set it up." in page
    page = client.post("/learning/boards/", {"unit": "522723100000"}).content.decode()
    assert "No such unit among those you see." in page
    foreign = OrganisationFactory(unit=world.units["ward2"], code="ORG-W2")
    page = client.post(
        "/learning/boards/", {"unit": "26734", "organisation": foreign.code}
    ).content.decode()
    assert "is not an organisation of" in page
    assert not Board.objects.exists()


def test_a_ward_officer_cannot_establish_another_wards_board(world):
    ward01 = _client(world.users["ward01"])
    response = ward01.post("/learning/boards/", {"unit": "26737"})
    assert response.status_code == 200 and "No such unit among those you see." in (
        response.content.decode()
    )
    school = _client(world.users["school01"])
    assert 'id="board-form"' not in school.get("/learning/boards/").content.decode()
    assert school.post("/learning/boards/", {"unit": "26734"}).status_code in (403, 200)
    assert not Board.objects.exists()


def test_an_event_with_its_participants_products_and_funds_enters_the_report(world):
    client = _client(world.users["ward01"])
    response = client.post(
        "/learning/month/",
        {
            "unit": "26734", "on": "2024-09-20", "period": "month", "kind": "gift",
            "name": "Quà cho học sinh", "participants": "45",
            "products": "1 băng rôn\n2 bài viết", "funds_raised": "1500000", "currency": "VND",
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert response.url == "/learning/month/?unit=26734&year=2024"
    event = Event.objects.get()
    assert (event.participants, event.funds_raised_minor, event.currency) == (45, 1500000, "VND")
    assert AuditEvent.objects.filter(object_id=str(event.pk)).exists()
    report = selectors.month_report_for_user(world.users["ward01"], world.units["ward1"], 2024)
    assert report.participants == 45 and report.reported == [("VND", 1, 1500000)]
    page = client.get(response.url).content.decode()
    assert "Quà cho học sinh" in page and "1,500,000" in page


def test_the_event_form_names_its_errors(world):
    client = _client(world.users["ward01"])
    base = {"unit": "26734", "on": "2024-09-20", "period": "month", "kind": "gift", "name": "x"}
    page = client.post("/learning/month/", {**base, "funds_raised": "100"}).content.decode()
    assert "Give the currency of the funds raised." in page
    page = client.post(
        "/learning/month/", {**base, "funds_raised": "4.555", "currency": "CNY"}
    ).content.decode()
    assert "Not a whole number of the currency&#x27;s units." in page
    page = client.post("/learning/month/", {**base, "participants": "-3"}).content.decode()
    assert "errorlist" in page
    assert not Event.objects.exists()


def test_a_commendation_is_recorded_for_a_person_of_the_unit(world):
    client = _client(world.users["district"])
    data = {
        "unit": "26734", "year": "2024", "period": "month", "person": world.persons["ward1"].pk,
        "achievement": "Học sinh giỏi", "level": "ward", "award": "Giấy khen",
        "decision_number": "7/QĐ-UBND", "decided_on": "2024-10-20",
    }  # fmt: skip
    response = client.post("/learning/commendations/", data)
    assert response.status_code == 302
    commendation = Commendation.objects.get()
    assert commendation.person == world.persons["ward1"]
    assert AuditEvent.objects.filter(object_id=str(commendation.pk)).exists()
    # A person of another ward is not of the unit's list.
    page = client.post(
        "/learning/commendations/", {**data, "person": world.persons["ward2"].pk}
    ).content.decode()
    assert "does not live in" in page
    page = client.post(
        "/learning/commendations/", {**data, "organisation": "ORG-x"}
    ).content.decode()
    assert "not both" in page
    assert Commendation.objects.count() == 1
    listed = client.get("/learning/commendations/", {"unit": "26734", "year": 2024})
    assert "Học sinh giỏi" in listed.content.decode()
    assert dt.date(2024, 10, 20) == commendation.decided_on
