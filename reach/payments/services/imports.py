"""Import of a payment-result file (.xlsx or .csv, one payment per row), all or nothing.

Columns (Vietnamese, Chinese or English headings): line (the entitlement line's number, as in
the payment list), amount (major units), method (cash, bank_transfer, fee_waiver, or their
names), voucher, paid_on (YYYY-MM-DD or DD/MM/YYYY), note (optional). Every row is checked as a
payment recorded alone would be, and against the rows above it (a voucher twice in the file,
two rows taking a line above its amount); any bad row means nothing is recorded, and every bad
row is reported with its line number and reason. Only a user who may pay some pupil may send a
file (`permissions.can_import_payments`); a row naming a line the user may not see reads as no
such line.
"""

import datetime as dt
from collections.abc import Callable
from typing import IO

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.scoping import restrict
from reach.common.errors import RowError, report_database_error
from reach.common.money import to_minor
from reach.entitlements.models import EntitlementLine
from reach.payments.choices import DisbursementMethod
from reach.payments.models import PaymentClaim
from reach.payments.permissions import can_import_payments, can_pay
from reach.payments.services.disbursements import (
    PaymentError,
    PaymentInput,
    apply_payment,
    check_payment,
    claim_key,
    share_months,
)
from reach.plans.tasks import request_figure_refresh
from reach.registry.imports.reader import UnreadableFile, open_table

HEADINGS = {
    "line": ("line", "dòng", "mã dòng", "条目", "条目编号"),
    "amount": ("amount", "số tiền", "金额"),
    "method": ("method", "hình thức", "hình thức chi", "支付方式", "方式"),
    "voucher": ("voucher", "số chứng từ", "chứng từ", "凭证号", "凭证"),
    "paid_on": ("paid_on", "paid on", "ngày chi", "ngày", "支付日期", "日期"),
    "note": ("note", "ghi chú", "备注"),
}
REQUIRED = ("line", "amount", "method", "voucher", "paid_on")
PROGRESS_EVERY = 500  # rows checked between two reports of the progress
METHOD_WORDS = {
    "cash": DisbursementMethod.CASH,
    "tiền mặt": DisbursementMethod.CASH,
    "现金": DisbursementMethod.CASH,
    "bank_transfer": DisbursementMethod.BANK_TRANSFER,
    "bank transfer": DisbursementMethod.BANK_TRANSFER,
    "chuyển khoản": DisbursementMethod.BANK_TRANSFER,
    "银行转账": DisbursementMethod.BANK_TRANSFER,
    "fee_waiver": DisbursementMethod.FEE_WAIVER,
    "fee waiver": DisbursementMethod.FEE_WAIVER,
    "trừ vào học phí": DisbursementMethod.FEE_WAIVER,
    "减免学费": DisbursementMethod.FEE_WAIVER,
}


class PaymentImportRejected(PaymentError):
    """The file was not applied; `errors` lists every bad row."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        message = ngettext(
            "%(count)s error: no payment was recorded",
            "%(count)s errors: no payment was recorded",
            len(errors),
        )
        super().__init__(message % {"count": len(errors)})


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _date(cell: object) -> dt.date | None:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = _text(cell)
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def _columns(headings: list) -> tuple[dict[str, int], list[str]]:
    known = {word: key for key, words in HEADINGS.items() for word in words}
    columns: dict[str, int] = {}
    for index, heading in enumerate(headings):
        key = known.get(_text(heading).lower())
        if key is not None and key not in columns:
            columns[key] = index
    missing = [key for key in REQUIRED if key not in columns]
    return columns, missing


def _read_row(
    cells: list, columns: dict[str, int], line_no: int, lines: dict[int, EntitlementLine]
) -> tuple[PaymentInput, list[RowError]]:
    """The payment of one row and its reading errors."""

    def cell(key: str) -> object:
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    errors: list[RowError] = []
    line_text = _text(cell("line"))
    line_id = int(line_text) if line_text.isdigit() else None
    if line_id is None:
        errors.append(
            RowError(line_no, "line", _("%(value)r is not a line number") % {"value": line_text})
        )
    line = lines.get(line_id) if line_id is not None else None
    amount_text = _text(cell("amount"))
    amount = to_minor(amount_text, line.currency) if line is not None else None
    if line is not None and amount is None:
        errors.append(
            RowError(line_no, "amount", _("%(value)r is not an amount") % {"value": amount_text})
        )
    method_text = _text(cell("method"))
    method = METHOD_WORDS.get(method_text.lower())
    if method is None:
        errors.append(
            RowError(
                line_no,
                "method",
                _("unknown method %(method)r; one of %(methods)s")
                % {"method": method_text, "methods": ", ".join(DisbursementMethod.values)},
            )
        )
    paid_on = _date(cell("paid_on"))
    if paid_on is None:
        errors.append(
            RowError(
                line_no,
                "paid_on",
                _("%(value)r is not a date (YYYY-MM-DD or DD/MM/YYYY)")
                % {"value": _text(cell("paid_on"))},
            )
        )
    payment = PaymentInput(
        line_id=line_id or 0,
        amount_minor=amount or 0,
        method=method or "",
        voucher=_text(cell("voucher")),
        paid_on=paid_on or dt.date.min,
        note=_text(cell("note"))[:300],
    )
    return payment, errors


def import_payment_results(
    *,
    file: IO[bytes],
    filename: str,
    actor: User | None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Record every payment of the file, or none; returns how many were recorded. Raises
    NotAllowed before reading the file, or PaymentImportRejected listing every bad row.
    `progress(rows checked, rows)` is called as the rows are checked (a file recorded in the
    background shows it); the payments are then recorded in one transaction."""
    require(can_import_payments(actor), _("you may not record payments"))
    try:
        table = open_table(file, filename)
        rows = list(table.rows)
    except UnreadableFile as error:
        raise PaymentImportRejected([RowError(0, "", str(error))]) from error
    columns, missing = _columns(table.headings)
    if missing:
        raise PaymentImportRejected(
            [RowError(table.heading_line, key, _("missing column")) for key in missing]
        )
    ids = set()
    for _line_no, cells in rows:
        text = _text(cells[columns["line"]]) if columns["line"] < len(cells) else ""
        if text.isdigit():
            ids.add(int(text))
    lines = {
        line.pk: line
        for line in restrict(EntitlementLine.objects.filter(pk__in=ids), actor).select_related(
            "benefit", "unit", "enrolment", "run"
        )
    }
    claims = {
        (claim.person_id, claim.school_year, claim.purpose, claim.first_month): claim
        for claim in PaymentClaim.objects.filter(
            person__in={line.person_id for line in lines.values()}
        ).select_related("line")
    }
    of_purpose: dict[tuple, list[PaymentClaim]] = {}  # the claims of a purpose, of all months
    for (person, year, purpose, _first_month), claim in claims.items():
        of_purpose.setdefault((person, year, purpose), []).append(claim)
    errors: list[RowError] = []
    payments: list[tuple[int, PaymentInput, EntitlementLine]] = []
    vouchers: set[str] = set()
    added: dict[tuple, int] = {}
    in_file: dict[tuple, list[EntitlementLine]] = {}  # the lines paid by the file, by purpose
    for checked, (line_no, cells) in enumerate(rows, start=1):
        if progress and (checked % PROGRESS_EVERY == 0 or checked == len(rows)):
            progress(checked, len(rows))
        payment, row_errors = _read_row(cells, columns, line_no, lines)
        line = lines.get(payment.line_id)
        if line is not None and not can_pay(actor, line):
            reason = _("you may not record payments for this pupil")
            row_errors.append(RowError(line_no, "line", reason))
        if line is None and not row_errors:  # not on record, or outside the actor's area
            unknown = check_payment(payment, line=None, claim=None)
            row_errors += [RowError(line_no, "line", str(problem)) for problem in unknown]
        if line is not None and not row_errors:
            key = claim_key(line)
            problems = check_payment(
                payment,
                line=line,
                claim=claims.get(key),
                already=added.get(key, 0),
                used_vouchers=vouchers,
                others=of_purpose.get(key[:3], []),
            )
            twice = [
                other
                for other in in_file.get(key[:3], [])
                if other.pk != line.pk and (claim_key(other) == key or share_months(line, other))
            ]
            if twice:
                problems.append(
                    PaymentError(
                        _("the file pays this pupil's %(purpose)s twice (lines %(a)s and %(b)s)")
                        % {"purpose": key[2], "a": twice[0].pk, "b": line.pk}
                    )
                )
            row_errors += [RowError(line_no, "", str(problem)) for problem in problems]
            if not problems:
                added[key] = added.get(key, 0) + payment.amount_minor
                in_file.setdefault(key[:3], []).append(line)
                payments.append((line_no, payment, line))
        vouchers.add(payment.voucher.strip())
        errors += row_errors
    if errors:
        raise PaymentImportRejected(errors)
    try:
        with transaction.atomic():
            request_figure_refresh()  # claims paid in full count in the tuition figure
            for line_no, payment, line in payments:
                try:
                    apply_payment(payment=payment, line=line, actor=actor)
                except PaymentError as error:  # changed since the check: nothing is kept
                    raise PaymentImportRejected([RowError(line_no, "", str(error))]) from error
    except DatabaseError as error:  # nothing is kept; the user gets a reference, not the text
        message = report_database_error(error, during="a payment import")
        raise PaymentImportRejected([RowError(0, "", message)]) from error
    return len(payments)
