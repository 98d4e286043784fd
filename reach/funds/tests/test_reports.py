"""The fund report: its totals equal sums worked out by hand on a small ledger, reversals
count against what they reverse, other years stay out; the page, workbook, PDF and API
answer only whoever may open the fund."""

import datetime as dt
import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from reach.accounts.models import AuditEvent
from reach.funds.handovers import hand_over_list, render_hand_over_html
from reach.funds.reports import fund_report
from reach.funds.services import (
    DonationInput,
    RestrictionInput,
    hand_over_items,
    record_donation,
    reverse_transaction,
    spend_to_student,
)
from reach.funds.tests.factories import DonorFactory, FundFactory

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def ledger(world):
    """2023: 500,000 from an enterprise. 2024: 300,000 (enterprise, learning month), 200,000
    (a person), 100,000 (anonymous, no donor, 17 October), 150,000 for scholarships (an
    organisation), 50,000 (a person) reversed; 10 bicycles in. Paid: 100,000 scholarships to
    the ward's pupil, 70,000 school supplies to the commuter (lives in the other ward), 30,000
    reversed; 2 bicycles handed over. 2025: 40,000 paid."""
    admin = world.users["admin"]
    fund = FundFactory(code="KH-REPORT", unit=world.units["ward1"])
    unit = world.units["ward1"]
    enterprise = DonorFactory(unit=unit, kind="enterprise", name="An Phát")
    person = DonorFactory(unit=unit, kind="person", name="Bà Lan")
    organisation = DonorFactory(unit=unit, kind="organisation", name="Hội Khuyến học")

    def give(on, amount, donor=None, **extra):
        return record_donation(
            actor=admin,
            fund=fund,
            gift=DonationInput(
                kind="receipt",
                form="cash",
                received_on=on,
                donor_id=donor.pk if donor else None,
                anonymous=donor is None,
                amount_minor=amount,
                **extra,
            ),
        )

    def pay(on, amount, who, key, purpose=""):
        return spend_to_student(
            actor=admin,
            fund=fund,
            recipient_id=world.persons[who].pk,
            amount_minor=amount,
            idempotency_key=key,
            occurred_on=on,
            purpose=purpose,
        )

    give(D(2023, 11, 1), 500_000, enterprise)
    give(D(2024, 9, 20), 300_000, enterprise, campaign="learning_month")
    give(D(2024, 3, 1), 200_000, person)
    give(D(2024, 10, 17), 100_000, None, campaign="poverty_relief_day")
    give(D(2024, 5, 1), 150_000, organisation, wishes=RestrictionInput(purpose="scholarships"))
    mistaken = give(D(2024, 5, 2), 50_000, person)
    reverse_transaction(
        actor=admin,
        fund=fund,
        transaction_id=mistaken.transaction_id,
        reason="typed twice",
        occurred_on=D(2024, 5, 3),
    )
    record_donation(
        actor=admin,
        fund=fund,
        gift=DonationInput(
            kind="receipt",
            form="in_kind",
            received_on=D(2024, 8, 1),
            donor_id=enterprise.pk,
            item="bicycle",
            quantity=10,
            item_unit="piece",
        ),
    )
    pay(D(2024, 10, 2), 100_000, "ward1", "r-1", "scholarships")
    pay(D(2024, 10, 3), 70_000, "commuter", "r-2", "school_supplies")
    wrong = pay(D(2024, 10, 4), 30_000, "ward1", "r-3")
    reverse_transaction(
        actor=admin, fund=fund, transaction_id=wrong.pk, reason="wrong pupil",
        occurred_on=D(2024, 10, 5),
    )  # fmt: skip
    hand_over_items(
        actor=admin,
        fund=fund,
        recipient_id=world.persons["ward1"].pk,
        item="bicycle",
        quantity=2,
        idempotency_key="h-1",
        occurred_on=D(2024, 9, 5),
        purpose="bicycles",
    )
    pay(D(2025, 1, 10), 40_000, "ward1", "r-4")
    return fund


def _lines(rows):
    return {line.key: line.amount for line in rows}


def test_the_totals_equal_the_sums_worked_out_by_hand(world, ledger):
    report = fund_report(ledger, 2024)
    assert (report.raised, report.spent, report.refunded) == (750_000, 170_000, 0)
    assert (report.opening_free, report.opening_restricted) == (500_000, 0)
    assert (report.closing_free, report.closing_restricted) == (930_000, 150_000)
    assert report.closing == report.opening + report.raised - report.spent
    assert _lines(report.by_donor_kind) == {
        "enterprise": 300_000,
        "person": 200_000,
        "organisation": 150_000,
        "": 100_000,
    }
    assert _lines(report.by_campaign) == {
        "learning_month": 300_000,
        "poverty_relief_day": 100_000,
        "": 350_000,
    }
    assert _lines(report.by_purpose) == {"scholarships": 100_000, "school_supplies": 70_000}
    units = {line.label: line.amount for line in report.by_unit}
    assert units == {"Thạnh Xuân": 100_000, "Thạnh Lộc": 70_000}
    assert [(g.item, g.received, g.handed_over) for g in report.goods] == [("bicycle", 10, 2)]


def test_another_year_counts_only_its_own_movements(world, ledger):
    report = fund_report(ledger, 2025)
    assert (report.raised, report.spent, report.opening, report.closing) == (
        0,
        40_000,
        1_080_000,
        1_040_000,
    )
    assert fund_report(ledger, 2023).raised == 500_000


def test_the_report_is_a_fixed_number_of_statements(world, ledger, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        fund_report(ledger, 2024)


def _client(user) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def test_the_page_the_workbook_and_the_pdf(world, ledger):
    record_donation(
        actor=world.users["admin"],
        fund=ledger,
        gift=DonationInput(
            kind="receipt",
            form="in_kind",
            received_on=D(2024, 8, 2),
            anonymous=True,
            item="=SUM(A1)",
            quantity=1,
            item_unit="box",
        ),
    )
    client = _client(world.users["ward01"])
    page = client.get(reverse("funds:report", args=[ledger.pk]), {"year": 2024})
    assert page.status_code == 200
    text = page.content.decode()
    assert "750,000 VND" in text and "Enterprise" in text and "Thạnh Lộc" in text
    sheet = client.get(reverse("funds:report-xlsx", args=[ledger.pk]), {"year": 2024})
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(sheet.content))
    summary = workbook.get_sheet_by_name("Summary").to_python()
    assert ["Raised", 750000.0] in summary
    goods = workbook.get_sheet_by_name("Goods").to_python()
    assert ["=SUM(A1)", "box", 1.0, 0.0] in goods  # a typed formula stays text
    with zipfile.ZipFile(io.BytesIO(sheet.content)) as archive:
        assert not any(
            b"<f>" in archive.read(name)
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        )
    pdf = client.get(reverse("funds:report-pdf", args=[ledger.pk]), {"year": 2024})
    assert pdf.content.startswith(b"%PDF")
    for download in (sheet, pdf):
        assert "no-store" in download["Cache-Control"]
        assert "attachment" in download["Content-Disposition"]
    exports = AuditEvent.objects.filter(action="export", object_id__startswith="funds.report")
    assert exports.count() == 2


def test_a_ward_officer_cannot_open_another_wards_fund_report(world):
    other = FundFactory(unit=world.units["ward2"])
    client = _client(world.users["ward01"])
    for name in ("funds:report", "funds:report-xlsx", "funds:report-pdf"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
    assert client.get(f"/api/v1/funds/{other.pk}/report").status_code == 404


def test_the_api_answers_the_same_figures(world, ledger):
    client = _client(world.users["district"])
    body = client.get(f"/api/v1/funds/{ledger.pk}/report", {"year": 2024}).json()
    assert (body["raised_minor"], body["spent_minor"]) == (750_000, 170_000)
    assert body["closing_restricted_minor"] == 150_000
    assert {r["key"]: r["amount_minor"] for r in body["by_purpose"]} == {
        "scholarships": 100_000,
        "school_supplies": 70_000,
    }
    assert client.get(f"/api/v1/funds/{ledger.pk}/report", {"year": 1900}).status_code == 422


def test_the_page_reads_in_vietnamese_and_chinese(world, ledger):
    user = world.users["ward01"]
    client = Client()
    client.force_login(user)
    for language, words in (("vi", "báo cáo năm 2024"), ("zh-hans", "2024年度报告")):
        user.language = language
        user.save(update_fields=["language"])
        page = client.get(
            reverse("funds:report", args=[ledger.pk]),
            {"year": 2024},
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert words in page.content.decode()


def test_the_hand_over_list_names_pupils_as_the_reader_may_see_them(world, ledger):
    hand_over_items(
        actor=world.users["admin"],
        fund=ledger,
        recipient_id=world.persons["commuter"].pk,
        item="bicycle",
        quantity=3,
        idempotency_key="h-2",
        occurred_on=D(2024, 9, 6),
    )
    start, end = D(2024, 1, 1), D(2024, 12, 31)
    full = hand_over_list(ledger, world.users["district"], start, end)
    school_name = world.schools["ward1"].name
    assert school_name
    assert [(r.item, r.quantity, r.recipient, r.school) for r in full.rows] == [
        ("bicycle", 2, "Pupil ward1", school_name),
        ("bicycle", 3, "Pupil commuter", school_name),
    ]
    assert not full.masked
    school = hand_over_list(ledger, world.users["school01"], start, end)
    assert school.masked
    assert [r.recipient for r in school.rows] == ["Pupil w.", "Pupil c."]
    ward = hand_over_list(ledger, world.users["ward01"], start, end)
    assert [r.recipient for r in ward.rows] == ["Pupil ward1", ""]  # the commuter lives in ward2
    assert (
        hand_over_list(ledger, world.users["district"], D(2025, 1, 1), D(2025, 12, 31)).rows == []
    )
    html = render_hand_over_html(ward, "en")
    assert "Pupil commuter" not in html and "outside your area" in html


def test_the_hand_over_pdf_is_audited_with_its_masking(world, ledger):
    client = _client(world.users["school01"])
    pdf = client.get(reverse("funds:hand-over-list-pdf", args=[ledger.pk]), {"year": 2024})
    assert pdf.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(action="export", object_id="funds.hand_over_list")
    assert event.after["masked"] is True and event.after["rows"] == 1
