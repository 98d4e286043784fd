import datetime as dt

from ninja import Schema
from pydantic import Field


class FundOut(Schema):
    id: int
    code: str
    name: str
    organisation: str
    unit: str
    currency: str
    purpose: str
    free_minor: int
    restricted_minor: int


class AccountOut(Schema):
    id: int
    kind: str
    restriction: int | None
    restriction_text: str
    item: str
    item_unit: str
    balance: int


class RestrictionOut(Schema):
    id: int
    text: str


class FundDetail(FundOut):
    accounts: list[AccountOut]
    restrictions: list[RestrictionOut]


class EntryOut(Schema):
    transaction: int
    kind: str
    occurred_on: dt.date
    account: int
    account_kind: str
    item: str
    amount: int
    recipient: int | None = Field(
        description="The pupil paid; null when the caller may not see them"
    )
    reverses: int | None
    reason: str


class WishesIn(Schema):
    purpose: str = ""
    level: str = ""
    school: int | None = None
    unit: int | None = None
    person: int | None = None
    household: int | None = None


class DonationIn(Schema):
    kind: str = Field(description="pledge or receipt")
    form: str = Field(description="cash or in_kind")
    received_on: dt.date
    donor: int | None = None
    anonymous: bool = False
    amount_minor: int | None = None
    item: str = ""
    quantity: int | None = None
    item_unit: str = ""
    unit_value_minor: int | None = None
    wishes: WishesIn | None = None
    campaign: str = ""
    campaign_note: str = ""
    receipt_number: str = ""
    note: str = ""


class DonationOut(Schema):
    id: int
    fund: int
    donor: int | None
    donor_name: str | None
    anonymous: bool
    kind: str
    form: str
    amount_minor: int | None
    item: str
    quantity: int | None
    item_unit: str
    restriction: int | None
    campaign: str
    receipt_number: str
    received_on: dt.date
    transaction: int | None


class SpendIn(Schema):
    recipient: int
    amount_minor: int
    idempotency_key: str = Field(description="Unique per spend: the same key again returns it")
    occurred_on: dt.date
    purpose: str = ""
    restriction: int | None = None
    reason: str = ""


class HandOverIn(Schema):
    recipient: int
    item: str
    quantity: int
    idempotency_key: str
    occurred_on: dt.date
    purpose: str = ""
    restriction: int | None = None
    reason: str = ""


class ReversalIn(Schema):
    transaction: int
    reason: str
    occurred_on: dt.date


class TransactionOut(Schema):
    id: int
    fund: int
    kind: str
    occurred_on: dt.date
    recipient: int | None
    idempotency_key: str | None
    reverses: int | None
    entries: list[dict]


class ImportResult(Schema):
    recorded: int
    already: int


# --- reports ---


class ReportLineOut(Schema):
    key: str = Field(description="The donor kind, campaign, purpose or unit id; '' for none")
    label: str
    amount_minor: int


class ReportGoodsOut(Schema):
    item: str
    item_unit: str
    received: int
    handed_over: int


class FundReportOut(Schema):
    fund: int
    year: int
    currency: str
    raised_minor: int
    spent_minor: int
    refunded_minor: int
    opening_free_minor: int
    opening_restricted_minor: int
    closing_free_minor: int
    closing_restricted_minor: int
    by_donor_kind: list[ReportLineOut]
    by_campaign: list[ReportLineOut]
    by_purpose: list[ReportLineOut]
    by_unit: list[ReportLineOut]
    goods: list[ReportGoodsOut]
