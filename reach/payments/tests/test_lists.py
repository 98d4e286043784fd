"""Payment lists per unit, school and funding source: rows of the lines in force, what was
paid and what remains, totals that are the sums of the rows, scoped to the user's units; the
spreadsheet and the printed list carry the same rows and totals."""

import io

import pytest
from django.template.loader import render_to_string
from django.test import Client
from python_calamine import CalamineWorkbook

from reach.entitlements.models import EntitlementLine
from reach.payments.funding import split_like
from reach.payments.lists import payment_list
from reach.payments.tests.factories import approved_run, pay, split_policy
from reach.policy.services import load_policy_file
from reach.policy.tests.factories import write_yaml
from reach.registry.tests.test_api import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(world, tmp_path):
    """District 12 approved: the pupils of wards 1 and 2 get support and fee, the commuter
    (near-poor, lives in ward 2, goes to school in ward 1) the fee: 5 lines. Ward 1's pupil is
    paid 500,000 of the support and the whole fee."""
    load_policy_file(path=write_yaml(tmp_path / "split.yaml", split_policy()))
    run = approved_run(world, policy="split-policy")
    office = world.users["district"]
    pay(line_of(world, run, "ward1", "support"), office, amount=500_000)
    pay(line_of(world, run, "ward1", "fee"), office)
    return run


def line_of(world, run, pupil: str, benefit_code: str) -> EntitlementLine:
    return EntitlementLine.objects.get(
        run=run, person=world.persons[pupil], benefit_code=benefit_code
    )


def logged_in(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def test_split_like_keeps_the_sum_and_gives_the_odd_unit_to_the_first_source():
    assert split_like(333_333, [("province", 1), ("county", 1)]) == [
        ("province", 166_667),
        ("county", 166_666),
    ]
    assert split_like(500_000, [("central", 700_000), ("province", 300_000)]) == [
        ("central", 350_000),
        ("province", 150_000),
    ]
    assert sum(part for _s, part in split_like(10, [("a", 1), ("b", 1), ("c", 1)])) == 10


def test_the_district_list_has_a_row_per_line_and_totals_that_sum_the_rows(world, run):
    """Amount 2 × 1,000,000 + 3 × 333,333 = 2,999,999; paid 500,000 + 333,333 = 833,333;
    remaining 2,166,666."""
    plist = payment_list(user=world.users["district"], school_year=2024, unit=world.units["d12"])

    assert len(plist.rows) == run.lines.count() == 5
    (total,) = plist.totals
    assert (total.currency, total.lines) == ("VND", 5)
    assert (total.amount, total.paid, total.remaining) == (2_999_999, 833_333, 2_166_666)
    assert total.amount == sum(row.amount for row in plist.rows)
    assert total.remaining == sum(row.remaining for row in plist.rows)
    by_benefit = {
        t.benefit_code: (t.lines, t.amount, t.paid, t.remaining) for t in plist.by_benefit
    }
    assert by_benefit == {
        "support": (2, 2_000_000, 500_000, 1_500_000),
        "fee": (3, 999_999, 333_333, 666_666),
    }
    assert plist.sources == ["central", "county", "province"]


def test_a_funding_source_list_holds_that_sources_part_of_each_line_and_of_what_was_paid(
    world, run
):
    """Province: support 2 × 300,000 + fee 3 × 166,667 = 1,100,001; of ward 1's payments
    30% of 500,000 = 150,000 and 166,667 of the fee: 316,667. Central: 1,400,000, paid 350,000.
    County: 3 × 166,666 = 499,998, paid 166,666. The three add up to the whole list."""
    user, unit = world.users["district"], world.units["d12"]

    def totals(source):
        (total,) = payment_list(user=user, school_year=2024, unit=unit, source=source).totals
        return total.lines, total.amount, total.paid

    assert totals("province") == (5, 1_100_001, 316_667)
    assert totals("central") == (2, 1_400_000, 350_000)
    assert totals("county") == (3, 499_998, 166_666)
    assert totals("") == (5, 2_999_999, 833_333)


def test_a_school_list_holds_its_pupils_wherever_they_live(world, run):
    plist = payment_list(
        user=world.users["district"], school_year=2024, school=world.schools["ward1"]
    )
    assert {row.line.person_id for row in plist.rows} == {
        world.persons["ward1"].pk,
        world.persons["commuter"].pk,
    }


def test_lines_not_in_force_are_not_on_the_list(world, run, tmp_path):
    EntitlementLine.objects.filter(run=run, person=world.persons["ward2"]).update(
        status="superseded"
    )
    plist = payment_list(user=world.users["district"], school_year=2024, unit=world.units["d12"])
    assert world.persons["ward2"].pk not in {row.line.person_id for row in plist.rows}


def test_a_ward_officer_gets_only_their_wards_list(world, run):
    client = logged_in(world, "ward01")

    own = client.get("/payments/lists/?year=2024&unit=26734")
    other_ward = client.get("/payments/lists/?year=2024&unit=26737")
    other_school = client.get("/payments/lists/?year=2024&school=SCH-ward2&format=xlsx")

    assert own.status_code == 200
    assert {row.line.person_id for row in own.context["plist"].rows} == {world.persons["ward1"].pk}
    assert other_ward.status_code == 404
    assert other_school.status_code == 404


def test_the_spreadsheet_reads_back_with_the_rows_the_totals_and_masked_ids(world, run):
    person = world.persons["ward1"]
    person.national_id = "079204001234"
    person.save()
    client = logged_in(world, "district")

    response = client.get("/payments/lists/?year=2024&unit=761&source=province&format=xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('payment-list-2024-761-province.xlsx"')
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    table = sheet.to_python()
    rows = [row for row in table[4:] if isinstance(row[0], float | int) and row[0]]
    assert len(rows) == 5
    assert sum(row[9] for row in rows) == 1_100_001
    grand = table[-1]  # the grand total (one currency) closes the sheet
    assert grand[8:12] == ["VND", 1_100_001, 316_667, 783_334]
    cells = [str(cell) for row in table for cell in row]
    assert "********1234" in cells and "079204001234" not in cells
    assert "Pupil ward1" in cells


def test_the_printed_list_is_a_pdf_whose_html_carries_the_rows_and_totals(world, run):
    plist = payment_list(user=world.users["district"], school_year=2024, unit=world.units["d12"])
    html = render_to_string("payments/print/payment_list.html", {"plist": plist})

    response = logged_in(world, "district").get("/payments/lists/?year=2024&unit=761&format=pdf")

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    for name in ("Pupil ward1", "Pupil ward2", "Pupil commuter"):
        assert name in html
    assert html.count('<tr><td class="num">') == 5
    assert "2,999,999" in html and "2,166,666" in html


def test_the_page_shows_the_totals_and_offers_the_sources(world, run):
    response = logged_in(world, "district").get("/payments/lists/?year=2024&unit=761")
    assert response.status_code == 200
    assert [code for code, _name in response.context["plist"].source_choices] == [
        "central",
        "county",
        "province",
    ]
    page = response.content.decode()
    assert "2.999.999" in page  # Vietnamese groups thousands with dots
    assert "Danh sách chi trả" in page and "Dự toán kinh phí" in page  # the menu links


def test_the_api_gives_the_list_its_totals_and_refuses_other_wards(world, run):
    """Province's list: 5 rows, 1,100,001 in all, 316,667 paid."""
    district = token_client("district")
    listing = district.get("/api/v1/payment-lists?year=2024&unit=761&source=province").json()
    ward = token_client("ward01")

    assert listing["count"] == len(listing["items"]) == 5
    (total,) = listing["totals"]
    assert (total["amount_minor"], total["paid_minor"]) == (1_100_001, 316_667)
    assert sum(item["amount_minor"] for item in listing["items"]) == total["amount_minor"]
    assert district.get("/api/v1/payment-lists?year=2024").status_code == 422
    assert ward.get("/api/v1/payment-lists?year=2024&unit=26737").status_code == 404
    assert ward.get("/api/v1/payment-lists?year=2024&school=SCH-ward2").status_code == 404
    own = ward.get("/api/v1/payment-lists?year=2024&unit=26734").json()
    assert {item["person"] for item in own["items"]} == {world.persons["ward1"].pk}


def test_the_list_is_read_in_one_query_after_the_users_scope(world, run, django_assert_num_queries):
    user = type(world.users["district"]).objects.get(pk=world.users["district"].pk)
    with django_assert_num_queries(2):  # the user's scope (one), then the rows
        plist = payment_list(user=user, school_year=2024, unit=world.units["d12"])
        assert [row.line.benefit.names for row in plist.rows]


def test_a_list_too_long_to_print_sends_the_user_back_with_the_reason(world, run, monkeypatch):
    monkeypatch.setattr("reach.payments.lists.PDF_MAX_ROWS", 4)
    client = logged_in(world, "district")

    response = client.get("/payments/lists/?year=2024&unit=761&format=pdf")

    assert response.status_code == 302 and "format" not in response.url
    shown = client.get(response.url)
    (message,) = [str(m) for m in shown.context["messages"]]
    assert "5" in message and "4" in message  # the rows of the list, the most a print holds
