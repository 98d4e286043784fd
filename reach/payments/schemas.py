import datetime as dt

from ninja import Schema

from reach.common.schemas import Invalid


class DisbursementIn(Schema):
    line: int
    amount_minor: int
    method: str  # cash, bank_transfer, fee_waiver
    voucher: str
    paid_on: dt.date
    note: str = ""


class DisbursementOut(Schema):
    id: int
    line: int
    person: int
    school_year: int
    purpose: str
    amount_minor: int
    currency: str
    method: str
    voucher: str
    paid_on: dt.date
    recorded_by: str | None


class PaymentImportRowError(Schema):
    line: int  # as the spreadsheet numbers it (0: the file as a whole)
    column: str
    reason: str


class PaymentImportOut(Schema):
    """A payment-result file recorded in the request: how many payments."""

    recorded: int


class PaymentImportRejectedOut(Invalid):
    """422: nothing was recorded; `errors` lists every bad row (empty when the file itself was
    refused or the request did not parse: `detail` then says why)."""

    errors: list[PaymentImportRowError] = []


class GapLine(Schema):
    person: int
    unit: str
    line: int | None
    purpose: str
    entitled_minor: int | None
    paid_minor: int
    currency: str


class ReconciliationOut(Schema):
    school_year: int
    unit: str | None
    counts: dict[str, int]
    amounts: dict[str, dict[str, int]]
    by_unit: list[dict]


class GapPage(Schema):
    gap: str
    count: int
    page: int
    items: list[GapLine]


class CoverageUnit(Schema):
    unit: str | None
    name: str | None
    pupils: int
    entitled: int
    served: int
    percent: float | None


class CoverageOut(CoverageUnit):
    school_year: int
    target: int
    below: list[CoverageUnit]


class BudgetFigures(Schema):
    source: str  # "" for all sources together
    currency: str
    estimate_minor: int
    approved_minor: int
    paid_minor: int


class BudgetUnit(Schema):
    unit: str | None
    name: str | None
    sources: list[BudgetFigures]
    totals: list[BudgetFigures]  # all sources, one per currency


class BudgetOut(BudgetUnit):
    school_year: int
    below: list[BudgetUnit]


class PaymentListTotal(Schema):
    policy: str  # "" in the grand totals
    benefit: str
    currency: str
    lines: int
    amount_minor: int
    paid_minor: int
    remaining_minor: int


class PaymentListRow(Schema):
    number: int
    line: int
    person: int
    full_name: str
    national_id_masked: str
    unit: str
    school: str | None
    policy: str
    benefit: str
    sources: list[str]
    currency: str
    amount_minor: int
    paid_minor: int
    remaining_minor: int


class PaymentListOut(Schema):
    school_year: int
    unit: str | None
    school: str | None
    source: str
    sources: list[str]
    totals: list[PaymentListTotal]
    by_benefit: list[PaymentListTotal]
    count: int
    page: int
    items: list[PaymentListRow]
