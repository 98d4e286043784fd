"""Writes of the payments domain: `disbursements` records one payment (web UI, API),
`imports` a whole payment-result file, all or nothing. Both check `permissions.can_pay`
themselves and audit every payment on the pupil's household."""

from reach.payments.services.disbursements import (
    DuplicateVoucher,
    LineNotPayable,
    OverPaid,
    PaidTwice,
    PaymentError,
    PaymentInput,
    apply_payment,
    check_payment,
    purpose_of,
    record_disbursement,
)
from reach.payments.services.imports import PaymentImportRejected, import_payment_results

__all__ = [
    "DuplicateVoucher",
    "LineNotPayable",
    "OverPaid",
    "PaidTwice",
    "PaymentError",
    "PaymentImportRejected",
    "PaymentInput",
    "apply_payment",
    "check_payment",
    "import_payment_results",
    "purpose_of",
    "record_disbursement",
]
