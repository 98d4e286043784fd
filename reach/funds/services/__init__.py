"""Writes of the funds domain: funds, donors and donations (`donations`), paying pupils,
handing over goods and reversals (`spending`), all through the one posting path of the ledger
(`ledger`), and donation lists from xlsx (`imports`). Each checks `permissions` itself, locks
the fund and audits every movement."""

from reach.funds.services.donations import (
    DonationInput,
    DuplicateReceipt,
    create_donor,
    create_fund,
    record_donation,
)
from reach.funds.services.ledger import FundError, InsufficientBalance, UnbalancedTransaction
from reach.funds.services.restrictions import RestrictionInput, RestrictionNotMet
from reach.funds.services.spending import (
    KeyReused,
    NotReversible,
    hand_over_items,
    reverse_transaction,
    spend_to_student,
)

__all__ = [
    "DonationInput",
    "DuplicateReceipt",
    "FundError",
    "InsufficientBalance",
    "KeyReused",
    "NotReversible",
    "RestrictionInput",
    "RestrictionNotMet",
    "UnbalancedTransaction",
    "create_donor",
    "create_fund",
    "hand_over_items",
    "record_donation",
    "reverse_transaction",
    "spend_to_student",
]
