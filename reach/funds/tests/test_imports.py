"""A donation list is recorded all or nothing, naming every bad row, and idempotent on the
receipt number."""

import io

import pytest
import xlsxwriter

from reach.funds.models import Donation
from reach.funds.services.imports import DonationImportRejected, import_donations
from reach.funds.tests.factories import FundFactory

pytestmark = pytest.mark.django_db
HEADINGS = [
    "Số phiếu thu",
    "Ngày",
    "Nhà hảo tâm",
    "Số tiền",
    "Hiện vật",
    "Số lượng",
    "Đơn vị tính",
    "Mục đích",
    "Mã trường",
    "Đợt vận động",
]


def workbook(rows) -> io.BytesIO:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate([HEADINGS, *rows]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    out.seek(0)
    return out


@pytest.fixture
def fund(world):
    return FundFactory(code="KH-26734", unit=world.units["ward1"])


GOOD = [
    ["KA-001", "15/09/2024", "Công ty An Phát", 5_000_000, "", "", "", "", "", "learning_month"],
    ["KA-002", "2024-09-20", "", 200_000, "", "", "", "scholarships", "", ""],
    ["KA-003", "2024-09-21", "Bà Lan", "", "xe đạp", 10, "chiếc", "bicycles", "SCH-ward1", ""],
]


def test_a_list_of_three_gifts_records_three_and_sent_again_records_none(world, fund):
    officer = world.users["ward01"]
    first = import_donations(actor=officer, fund=fund, file=workbook(GOOD), filename="list.xlsx")
    assert (first.recorded, first.already) == (3, 0)
    again = import_donations(actor=officer, fund=fund, file=workbook(GOOD), filename="list.xlsx")
    assert (again.recorded, again.already) == (0, 3)
    assert Donation.objects.filter(fund=fund).count() == 3
    bicycles = Donation.objects.get(receipt_number="KA-003")
    assert (bicycles.quantity, bicycles.restriction.school.code) == (10, "SCH-ward1")


def test_a_list_with_two_bad_rows_records_nothing_and_names_both(world, fund):
    rows = [
        *GOOD,
        ["KA-004", "31/02/2024", "Ông Minh", 100_000, "", "", "", "", "", ""],
        ["KA-005", "2024-09-22", "Ông Tâm", "", "", "", "", "", "SCH-town", ""],
    ]
    with pytest.raises(DonationImportRejected) as refused:
        import_donations(
            actor=world.users["ward01"], fund=fund, file=workbook(rows), filename="list.xlsx"
        )
    lines = sorted({error.line for error in refused.value.errors})
    assert lines == [5, 6]
    assert not Donation.objects.exists()


def test_a_receipt_number_recorded_with_another_gift_is_an_error(world, fund):
    officer = world.users["ward01"]
    import_donations(actor=officer, fund=fund, file=workbook(GOOD[:1]), filename="a.xlsx")
    changed = [["KA-001", "15/09/2024", "Công ty An Phát", 6_000_000, "", "", "", "", "", ""]]
    with pytest.raises(DonationImportRejected, match="1 error"):
        import_donations(actor=officer, fund=fund, file=workbook(changed), filename="b.xlsx")
