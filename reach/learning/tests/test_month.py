"""Boards, the Month's events and commendations: the board rate equals its list, the Month's
report counts equal the events, reads are scoped and writes need the role."""

import datetime as dt
import re

import pytest
from django.test import Client

from reach.accounts.models import AuditEvent
from reach.common.errors import NotAllowed
from reach.funds.models import Donation
from reach.funds.tests.factories import FundFactory, OrganisationFactory
from reach.geo.tests.factories import UnitFactory
from reach.learning import selectors, services
from reach.learning.models import Board, Event
from reach.learning.services import LearningError

pytestmark = pytest.mark.django_db


def test_board_rate_equals_its_list(world):
    district = world.users["district"]
    d12 = world.units["d12"]
    ward3 = UnitFactory(code="26740", parent=d12, name="Tân Chánh Hiệp")
    services.record_board(
        actor=district, unit=world.units["ward1"], established_on=dt.date(2022, 9, 1),
        decision_number="12/QĐ-UBND",
    )  # fmt: skip
    # Recorded as not established: still a ward without a board.
    services.record_board(actor=district, unit=world.units["ward2"], established_on=None)
    # An organisation's board is not the ward's own.
    org = OrganisationFactory(unit=ward3)
    services.record_board(
        actor=district, unit=ward3, organisation=org, established_on=dt.date(2022, 9, 2)
    )
    rate = selectors.board_rate_for_user(district, d12)
    assert [u.code for u in rate.units] == ["26734", "26737", "26740"]
    assert rate.with_board == 1 and rate.total == 3
    assert [u.code for u in rate.without] == ["26737", "26740"]
    assert rate.rate == pytest.approx(33.3)
    assert rate.meets_target is False
    assert rate.with_board + len(rate.without) == rate.total
    # The ward's officer sees only its ward (as the top unit).
    own = selectors.board_rate_for_user(world.users["ward01"], None)
    assert [u.code for u in own.units] == ["26734"] and own.rate == 100.0


def test_board_is_corrected_not_duplicated_and_audited(world):
    ward = world.units["ward1"]
    actor = world.users["ward01"]
    services.record_board(actor=actor, unit=ward, established_on=None)
    board = services.record_board(
        actor=actor, unit=ward, established_on=dt.date(2023, 1, 5), decision_number="5/QĐ"
    )
    assert Board.objects.filter(unit=ward).count() == 1
    assert board.status == "established"
    assert AuditEvent.objects.filter(object_id=str(board.pk)).count() == 2


def test_writes_need_the_role_over_the_unit(world):
    ward2 = world.units["ward2"]
    for user in ("ward01", "school01", "county", "nobody"):
        with pytest.raises(NotAllowed):
            services.record_board(
                actor=world.users[user], unit=ward2, established_on=dt.date(2022, 1, 1)
            )
        with pytest.raises(NotAllowed):
            services.record_event(
                actor=world.users[user], unit=ward2, on=dt.date(2024, 9, 20), kind="gift",
                name="Gifts",
            )  # fmt: skip
        with pytest.raises(NotAllowed):
            services.record_commendation(
                actor=world.users[user], unit=ward2, year=2024, period="month",
                achievement="x", level="ward", award="Giấy khen", decision_number="1",
                decided_on=dt.date(2024, 10, 20),
            )  # fmt: skip
    assert not Board.objects.exists() and not Event.objects.exists()


def test_event_refuses_unknown_kind_and_foreign_organisation(world):

    actor = world.users["district"]
    with pytest.raises(LearningError):
        services.record_event(
            actor=actor, unit=world.units["ward1"], on=dt.date(2024, 9, 20), kind="party",
            name="x",
        )  # fmt: skip
    with pytest.raises(LearningError):
        services.record_event(
            actor=actor, unit=world.units["ward1"], on=dt.date(2024, 9, 20), kind="gift",
            name="x", organisation=OrganisationFactory(unit=world.units["ward2"]),
        )  # fmt: skip


def _donation(fund, n, amount, *, campaign="learning_month", kind="receipt", year=2024):
    return Donation.objects.create(
        fund=fund, kind=kind, form="cash", amount_minor=amount, campaign=campaign,
        receipt_number=f"R{n}" if kind == "receipt" else "", received_on=dt.date(year, 9, 30),
    )  # fmt: skip


def test_month_report_counts_equal_the_events(world):
    actor = world.users["district"]
    ward1, ward2 = world.units["ward1"], world.units["ward2"]
    rows = [
        (ward1, dt.date(2024, 9, 15), "propaganda", 120, "month"),
        (ward1, dt.date(2024, 9, 20), "gift", 40, "month"),
        (ward1, dt.date(2024, 10, 1), "gift", 25, "month"),
        (ward1, dt.date(2024, 11, 2), "gathering", 300, "week"),  # the week, not the Month
        (ward1, dt.date(2023, 9, 20), "award", 50, "month"),  # another year
        (ward2, dt.date(2024, 9, 20), "visit", 9, "month"),  # another ward
    ]
    for unit, on, kind, participants, period in rows:
        services.record_event(
            actor=actor, unit=unit, on=on, kind=kind, name=f"{kind} {on}",
            participants=participants, period=period,
        )  # fmt: skip
    fund = FundFactory(unit=ward1)
    _donation(fund, 1, 5_000_000)
    _donation(fund, 2, 2_000_000)
    _donation(fund, 3, 9_000_000, campaign="")  # not the Month's
    _donation(fund, 4, 7_000_000, kind="pledge")  # promised, not raised
    _donation(fund, 5, 1_000_000, year=2023)
    _donation(FundFactory(unit=ward2), 6, 3_000_000)

    report = selectors.month_report_for_user(actor, ward1, 2024)
    expected = [r for r in rows if r[0] == ward1 and r[1].year == 2024 and r[4] == "month"]
    assert report.event_count == len(expected) == 3
    assert report.participants == sum(r[3] for r in expected) == 185
    by_kind = {kind: (n, p) for kind, _label, n, p in report.by_kind}
    assert by_kind["gift"] == (2, 65) and by_kind["propaganda"] == (1, 120)
    assert by_kind["gathering"] == (0, 0)
    assert sum(n for n, _p in by_kind.values()) == report.event_count
    assert report.funds == [("VND", 2, 7_000_000)]
    # A user outside the ward sees nothing of it.
    outside = selectors.month_report_for_user(world.users["county"], ward1, 2024)
    assert outside.event_count == 0 and outside.funds == []


def test_commendations_are_scoped(world):
    actor = world.users["district"]
    for key in ("ward1", "ward2"):
        services.record_commendation(
            actor=actor, unit=world.units[key], year=2024, period="month",
            achievement="Nhiều đóng góp", level="ward", award="Giấy khen",
            decision_number=f"QĐ-{key}", decided_on=dt.date(2024, 10, 20),
            person=world.persons[key],
        )  # fmt: skip
    seen = {c.decision_number for c in selectors.list_commendations_for_user(actor)}
    assert seen == {"QĐ-ward1", "QĐ-ward2"}
    own = selectors.list_commendations_for_user(world.users["ward01"], year=2024)
    assert [c.decision_number for c in own] == ["QĐ-ward1"]
    assert not selectors.list_commendations_for_user(world.users["county"]).exists()
    with pytest.raises(LearningError):  # a person of another ward
        services.record_commendation(
            actor=actor, unit=world.units["ward1"], year=2024, period="month",
            achievement="x", level="ward", award="Giấy khen", decision_number="Q",
            decided_on=dt.date(2024, 10, 20), person=world.persons["ward2"],
        )  # fmt: skip


@pytest.fixture
def month_2024(world):
    actor = world.users["district"]
    services.record_board(
        actor=actor, unit=world.units["ward1"], established_on=dt.date(2022, 9, 1),
        decision_number="12/QĐ-UBND",
    )  # fmt: skip
    for key, kind, participants in [("ward1", "gift", 40), ("ward1", "award", 60),
                                    ("ward2", "visit", 7)]:  # fmt: skip
        services.record_event(
            actor=actor, unit=world.units[key], on=dt.date(2024, 9, 25), kind=kind,
            name=f"{kind} {key}", participants=participants,
        )  # fmt: skip
    services.record_commendation(
        actor=actor, unit=world.units["ward2"], year=2024, period="month",
        achievement="Nhiều đóng góp", level="ward", award="Giấy khen",
        decision_number="QĐ-ward2", decided_on=dt.date(2024, 10, 20), person=world.persons["ward2"],
    )  # fmt: skip


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_show_the_rate_its_list_and_the_month(world, month_2024):
    district = _client(world.users["district"])
    page = district.get("/learning/boards/", {"unit": "761"}).content.decode()
    assert re.search(r"<strong>50[.,]0%</strong>", page)
    assert "Thạnh Lộc" in page.split('id="without-board"')[1]
    month = district.get("/learning/month/", {"unit": "26734", "year": 2024}).content.decode()
    assert "gift ward1" in month and "visit ward2" not in month
    ward01 = _client(world.users["ward01"])
    assert ward01.get("/learning/month/", {"unit": "26737", "year": 2024}).status_code == 404
    listed = ward01.get("/learning/commendations/", {"year": 2024}).content.decode()
    assert "Pupil ward2" not in listed
    listed = district.get("/learning/commendations/", {"year": 2024}).content.decode()
    assert "Pupil ward2" in listed


def test_api_reads_equal_the_selectors_and_are_scoped(world, month_2024):
    district = _client(world.users["district"])
    boards = district.get("/api/v1/learning/boards", {"unit": "761"}).json()
    assert boards["with_board"] == 1 and boards["total"] == 2 and boards["without"] == ["26737"]
    report = district.get("/api/v1/learning/month-report", {"unit": "26734", "year": 2024}).json()
    assert report["events"] == 2 and report["participants"] == 100
    events = district.get("/api/v1/learning/events", {"year": 2024}).json()
    assert sorted(e["name"] for e in events) == ["award ward1", "gift ward1", "visit ward2"]
    ward01 = _client(world.users["ward01"])
    assert [e["unit"] for e in ward01.get("/api/v1/learning/events").json()] == ["26734"] * 2
    assert ward01.get("/api/v1/learning/commendations").json() == []
    assert ward01.get("/api/v1/learning/month-report", {"unit": "26737"}).status_code == 404
    county = _client(world.users["county"])
    assert county.get("/api/v1/learning/boards").json()["total"] == 1  # its county's town


def test_month_and_commendations_print_as_pdf(world, month_2024):
    district = _client(world.users["district"])
    for url, query in [
        ("/learning/month/", {"unit": "26734", "year": 2024, "format": "pdf"}),
        ("/learning/commendations/", {"unit": "26737", "year": 2024, "format": "pdf"}),
    ]:
        response = district.get(url, query)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
