"""A round's public notice and its objection period: the list of proposed awards as a page,
an xlsx and a PDF, masked and audited; objections recorded within the period and resolved
once (upheld: the award withdrawn); the awards paid only after the period with none open."""

import datetime as dt
import io

import pytest
from python_calamine import CalamineWorkbook

from reach.accounts.models import AuditEvent
from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.common.errors import NotAllowed, OutOfScope
from reach.funds.models import RoundAward, RoundCandidate, RoundObjection
from reach.funds.services.round_objections import (
    dismiss_round_objection,
    record_round_objection,
    uphold_round_objection,
)
from reach.funds.services.rounds import (
    RoundError,
    RoundFrozen,
    approve_round,
    award_round,
    draw_candidates,
    publish_round,
    submit_round,
)
from reach.funds.tests.factories import FundFactory
from reach.funds.tests.test_api import client_for
from reach.funds.tests.test_rounds import DAY, free_cash, give, make_round

pytestmark = pytest.mark.django_db
POSTED = DAY - dt.timedelta(days=10)
UNTIL = POSTED + dt.timedelta(days=7)


@pytest.fixture
def fund(world):
    fund = FundFactory(code="KH-761", unit=world.units["d12"])
    give(fund, world.users["district"], 10_000_000)
    return fund


@pytest.fixture
def checker(world):
    return MembershipFactory(
        user=UserFactory(username="district2"), role="office", unit=world.units["d12"]
    ).user


@pytest.fixture
def round_(world, fund, checker):
    """Drawn (three pupils of the district selected: ward1, ward2 and the commuter) and
    approved, not yet published."""
    made = make_round(world, fund)
    draw_candidates(actor=world.users["district"], round_=made)
    submit_round(actor=world.users["district"], round_=made)
    return approve_round(actor=checker, round_=made)


def line_of(round_, key, world) -> RoundCandidate:
    return round_.candidates.get(person=world.persons[key])


def test_publishing_sets_the_objection_period_and_the_awards_wait_for_its_end(world, round_):
    district = world.users["district"]
    with pytest.raises(RoundFrozen, match="published"):
        award_round(actor=district, round_=round_, on=DAY, today=DAY)
    publish_round(actor=district, round_=round_, today=POSTED)
    round_.refresh_from_db()
    assert round_.objections_until == UNTIL
    with pytest.raises(RoundFrozen, match="objections are taken until"):
        award_round(actor=district, round_=round_, on=DAY, today=UNTIL)
    assert not RoundAward.objects.exists()
    result = award_round(actor=district, round_=round_, on=DAY, today=UNTIL + dt.timedelta(1))
    assert len(result.paid) == 3


def test_an_upheld_objection_withdraws_the_award_and_an_open_one_holds_every_payment(
    world, fund, round_
):
    district = world.users["district"]
    publish_round(actor=district, round_=round_, today=POSTED)
    ward2 = line_of(round_, "ward2", world)
    upheld = record_round_objection(
        actor=district, round_=round_, candidate_id=ward2.pk,
        raised_by="Neighbour", reason="the family's shop earns well", today=POSTED,
    )  # fmt: skip
    other = record_round_objection(
        actor=district, round_=round_, candidate_id=line_of(round_, "ward1", world).pk,
        raised_by="Teacher", reason="moved away", today=UNTIL,
    )  # fmt: skip
    with pytest.raises(RoundFrozen, match="ended"):
        record_round_objection(
            actor=district, round_=round_, candidate_id=ward2.pk,
            raised_by="X", reason="late", today=UNTIL + dt.timedelta(1),
        )  # fmt: skip
    after = UNTIL + dt.timedelta(days=1)
    with pytest.raises(RoundFrozen, match="2 objections"):
        award_round(actor=district, round_=round_, on=DAY, today=after)

    uphold_round_objection(actor=district, objection=upheld, resolution="income checked: above")
    with pytest.raises(RoundError):
        dismiss_round_objection(actor=district, objection=other, reason="  ")
    dismiss_round_objection(actor=district, objection=other, reason="still enrolled here")
    with pytest.raises(RoundFrozen, match="already"):
        uphold_round_objection(actor=district, objection=other, resolution="changed mind")
    ward2.refresh_from_db()
    assert ward2.outcome == "objection_upheld"

    result = award_round(actor=district, round_=round_, on=DAY, today=after)
    assert {a.person_id for a in result.paid} == {
        world.persons["ward1"].pk,
        world.persons["commuter"].pk,
    }
    assert free_cash(fund) == 10_000_000 - 1_000_000 - 500_000
    assert AuditEvent.objects.filter(object_type="funds.roundobjection").count() == 4


def test_who_may_record_objections_and_which_lines(world, round_):
    district = world.users["district"]
    publish_round(actor=district, round_=round_, today=POSTED)
    line = line_of(round_, "ward1", world)
    with pytest.raises(NotAllowed):
        record_round_objection(
            actor=world.users["school01"], round_=round_, candidate_id=line.pk,
            raised_by="X", reason="Y", today=POSTED,
        )  # fmt: skip
    with pytest.raises(OutOfScope):  # not a line of this notice
        record_round_objection(
            actor=district, round_=round_, candidate_id=10**9,
            raised_by="X", reason="Y", today=POSTED,
        )  # fmt: skip
    assert not RoundObjection.objects.exists()


def test_the_notice_downloads_are_masked_and_audited(world, round_):
    district = world.users["district"]
    client = client_for(district)
    assert client.get(f"/funds/rounds/{round_.pk}/notice.xlsx").status_code == 200  # no pupil
    publish_round(actor=district, round_=round_, today=POSTED)
    xlsx = client.get(f"/funds/rounds/{round_.pk}/notice.xlsx")
    assert xlsx.status_code == 200 and "no-store" in xlsx["Cache-Control"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
    text = " ".join(
        str(cell) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()
        for cell in row
    )  # fmt: skip
    assert "Pupil w." in text and "Pupil ward1" not in text
    assert UNTIL.isoformat() in text
    pdf = client.get(f"/funds/rounds/{round_.pk}/notice.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    exports = AuditEvent.objects.filter(
        object_type="export", object_id__startswith="funds.round_notice"
    ).order_by("pk")
    assert [(e.object_id, e.after["rows"], e.after["masked"]) for e in exports] == [
        ("funds.round_notice.xlsx", 0, True),
        ("funds.round_notice.xlsx", 3, True),
        ("funds.round_notice.pdf", 3, True),
    ]
    assert (
        client_for(world.users["county"]).get(f"/funds/rounds/{round_.pk}/notice.pdf").status_code
        == 404
    )


def test_the_notice_page_and_api_take_and_resolve_objections(world, round_):
    district = client_for(world.users["district"])
    published = district.post(f"/api/v1/funds/rounds/{round_.pk}/publish?objection_days=5")
    assert (
        published.json()["objections_until"] == (dt.date.today() + dt.timedelta(days=5)).isoformat()
    )
    notice = district.get(f"/api/v1/funds/rounds/{round_.pk}/notice").json()
    assert {line["name"] for line in notice["lines"]} == {"Pupil w.", "Pupil c."}
    line = line_of(round_, "ward1", world).pk
    page = district.post(
        f"/funds/rounds/{round_.pk}/objections/",
        {"line": line, "raised_by": "Neighbour", "reason": "moved away"},
    )
    assert page.status_code == 302
    listed = district.get(f"/api/v1/funds/rounds/{round_.pk}/objections").json()
    assert [(o["line"], o["status"], o["name"]) for o in listed] == [(line, "open", "Pupil w.")]
    html = district.get(f"/funds/rounds/{round_.pk}/notice/").content.decode()
    assert "moved away" in html and "Uphold" in html
    resolved = district.post(
        f"/api/v1/funds/rounds/{round_.pk}/objections/resolve",
        {"objection": listed[0]["id"], "decision": "dismiss", "resolution": "still here"},
        content_type="application/json",
    )
    assert resolved.status_code == 200 and resolved.json()["status"] == "dismissed"
    again = district.post(
        f"/api/v1/funds/rounds/{round_.pk}/objections/resolve",
        {"objection": listed[0]["id"], "decision": "uphold", "resolution": "no"},
        content_type="application/json",
    )
    assert again.status_code == 409
    ward = client_for(world.users["ward01"])
    assert ward.get(f"/api/v1/funds/rounds/{round_.pk}/objections").status_code == 404
