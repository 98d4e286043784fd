"""Importing a payment-result file: every row checked like a single payment and against the
rows above it; one bad row and nothing is recorded, every bad row reported with its line."""

import io

import pytest
import xlsxwriter

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.common.errors import NotAllowed
from reach.payments.models import Disbursement, PaymentClaim
from reach.payments.services.imports import PaymentImportRejected, import_payment_results
from reach.payments.tests.factories import pay

pytestmark = pytest.mark.django_db


def csv_file(*rows: str, heading: str = "line,amount,method,voucher,paid_on,note") -> io.BytesIO:
    return io.BytesIO(("\n".join([heading, *rows]) + "\n").encode())


def test_a_good_file_records_every_payment(world, lines):
    first, second = lines[:2]
    text = csv_file(
        f"{first.pk},{first.amount_minor},bank_transfer,UNC-1,2024-10-01,",
        f"{second.pk},100000,cash,PC-7,15/10/2024,first part",
    )

    count = import_payment_results(file=text, filename="results.csv", actor=world.users["district"])

    assert count == 2
    assert PaymentClaim.objects.get(line=first).paid_minor == first.amount_minor
    partial = Disbursement.objects.get(voucher="PC-7")
    assert (partial.amount_minor, partial.paid_on.isoformat(), partial.note) == (
        100000,
        "2024-10-15",
        "first part",
    )


def test_a_file_with_any_bad_row_records_nothing_and_names_every_bad_row(world, lines):
    first, second, third = lines[:3]
    pay(third, world.users["district"], voucher="OLD-1")
    text = csv_file(
        f"{first.pk},{first.amount_minor},bank_transfer,UNC-1,2024-10-01,",  # good
        f"{second.pk},{second.amount_minor + 1},cash,UNC-2,2024-10-01,",  # above the line
        f"{first.pk},1,cash,UNC-1,2024-10-01,",  # voucher twice in the file, and above
        f"{third.pk},1,cheque,OLD-1,31/02/2024,",  # method, date, voucher already recorded
        "999999,5,cash,UNC-9,2024-10-01,",  # no such line
        "abc,5,cash,UNC-10,2024-10-01,",
    )

    with pytest.raises(PaymentImportRejected) as rejected:
        import_payment_results(file=text, filename="results.csv", actor=world.users["district"])

    by_line = {}
    for error in rejected.value.errors:
        by_line.setdefault(error.line, []).append(f"{error.column}: {error.reason}")
    assert sorted(by_line) == [3, 4, 5, 6, 7]
    assert any("above its" in reason for reason in by_line[3])
    assert any("UNC-1 is already recorded" in reason for reason in by_line[4])
    assert any(reason.startswith("method:") for reason in by_line[5])
    assert any(reason.startswith("paid_on:") for reason in by_line[5])
    assert any("no entitlement line 999999" in reason for reason in by_line[6])
    assert any(reason.startswith("line:") for reason in by_line[7])
    assert Disbursement.objects.count() == 1  # only the payment recorded before the import


def test_two_rows_together_may_not_pay_a_line_above_its_amount(world, lines):
    line = lines[0]
    half = line.amount_minor // 2 + 1
    text = csv_file(
        f"{line.pk},{half},cash,A-1,2024-10-01,", f"{line.pk},{half},cash,A-2,2024-10-02,"
    )
    with pytest.raises(PaymentImportRejected) as rejected:
        import_payment_results(file=text, filename="r.csv", actor=world.users["district"])
    assert [error.line for error in rejected.value.errors] == [3]
    assert not Disbursement.objects.exists()


def test_vietnamese_headings_in_an_xlsx_file_are_read(world, lines):
    line = lines[0]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Mã dòng", "Số tiền", "Hình thức", "Số chứng từ", "Ngày chi"])
    sheet.write_row(1, 0, [line.pk, line.amount_minor, "chuyển khoản", "UNC-88", "2024-11-02"])
    book.close()
    out.seek(0)

    assert (
        import_payment_results(file=out, filename="ket-qua.xlsx", actor=world.users["district"])
        == 1
    )
    assert Disbursement.objects.get().method == "bank_transfer"


def test_a_file_without_the_needed_columns_is_refused(world, lines):
    with pytest.raises(PaymentImportRejected) as rejected:
        import_payment_results(
            file=csv_file("1,2", heading="line,amount"),
            filename="r.csv",
            actor=world.users["district"],
        )
    assert {error.column for error in rejected.value.errors} == {"method", "voucher", "paid_on"}


def test_rows_about_pupils_outside_the_users_scope_are_refused(world, lines):
    line = next(line for line in lines if line.unit_id == world.units["ward2"].pk)
    text = csv_file(f"{line.pk},1,cash,W-1,2024-10-01,")
    with pytest.raises(PaymentImportRejected, match="1 error"):
        import_payment_results(file=text, filename="r.csv", actor=world.users["ward01"])


def test_a_viewers_file_is_refused_before_it_is_read(world, lines):
    viewer = MembershipFactory(
        user=UserFactory(username="viewer"), role="viewer", unit=world.units["d12"]
    ).user
    text = csv_file(f"{lines[0].pk},{lines[0].amount_minor},cash,UNC-1,2024-10-01,")

    with pytest.raises(NotAllowed):
        import_payment_results(file=text, filename="results.csv", actor=viewer)

    assert not Disbursement.objects.exists()


def test_a_row_naming_a_line_the_importer_may_not_see_reads_as_no_such_line(world, lines):
    hidden = next(line for line in lines if line.unit != world.units["ward1"])
    text = csv_file(f"{hidden.pk},1,cash,UNC-1,2024-10-01,")

    with pytest.raises(PaymentImportRejected) as rejected:
        import_payment_results(file=text, filename="results.csv", actor=world.users["ward01"])

    [error] = rejected.value.errors
    assert error.reason == f"no entitlement line {hidden.pk}"
    assert not Disbursement.objects.exists()
