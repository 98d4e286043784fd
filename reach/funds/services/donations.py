"""Funds, donors and donations. A received gift enters the ledger in the same transaction:
cash into the fund's free cash or the restricted cash of the donor's wishes, goods into the
stock of their item. A pledge is a promise and moves nothing. A receipt is numbered once in
its fund (the number given, or the next of its year)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import holds_role, require
from reach.accounts.scoping import restrict
from reach.accounts.services import record_audit_event, snapshot
from reach.common.errors import Conflict, OutOfScope
from reach.funds.choices import (
    AccountKind,
    Campaign,
    Currency,
    DonationForm,
    DonationKind,
    DonorKind,
    FundPurpose,
    TransactionKind,
)
from reach.funds.models import Donation, Donor, Fund
from reach.funds.permissions import FUND_ROLES, can_create_fund, can_record_donation
from reach.funds.services.ledger import FundError, Line, account_for, lock_fund, post
from reach.funds.services.restrictions import RestrictionInput, restriction_for
from reach.geo.models import Organisation, Unit, is_under


class DuplicateReceipt(FundError, Conflict):
    """The receipt number is already used in the fund."""


@transaction.atomic
def create_fund(
    *,
    actor: User,
    organisation: Organisation,
    unit: Unit,
    code: str,
    names: dict[str, str],
    currency: str,
    purpose: str,
) -> Fund:
    """Set up a fund of `organisation` in `unit` (its own unit or one under it)."""
    require(
        can_create_fund(actor, organisation, unit),
        _("Your role cannot set up funds of this organisation in this unit."),
    )
    if not is_under(unit.path, organisation.unit.path):
        raise FundError(_("the fund's unit lies outside its organisation's"))
    if currency not in Currency.values or purpose not in FundPurpose.values:
        raise FundError(_("unknown currency or purpose"))
    fund = Fund.objects.create(
        code=code,
        names=names,
        organisation=organisation,
        unit=unit,
        currency=currency,
        purpose=purpose,
    )
    record_audit_event(actor=actor, action=AuditAction.CREATE, obj=fund, after=snapshot(fund))
    return fund


@transaction.atomic
def create_donor(
    *, actor: User, unit: Unit, kind: str, name: str, language: str, contact: str = ""
) -> Donor:
    """Record a donor kept by `unit`."""
    require(
        holds_role(actor, FUND_ROLES, over=unit.path),
        _("Your role cannot record donors in this unit."),
    )
    if kind not in DonorKind.values or not name.strip():
        raise FundError(_("a donor needs a kind and a name"))
    donor = Donor.objects.create(
        unit=unit, kind=kind, name=name.strip(), language=language, contact=contact
    )
    record_audit_event(actor=actor, action=AuditAction.CREATE, obj=donor, after=snapshot(donor))
    return donor


@dataclass(frozen=True)
class DonationInput:
    """One gift as read from a form, the API or a row of a donation list."""

    kind: str
    form: str
    received_on: dt.date
    donor_id: int | None = None
    anonymous: bool = False
    amount_minor: int | None = None
    item: str = ""
    quantity: int | None = None
    item_unit: str = ""
    unit_value_minor: int | None = None
    wishes: RestrictionInput = field(default_factory=RestrictionInput)
    campaign: str = ""
    campaign_note: str = ""
    receipt_number: str = ""
    note: str = ""


def check_donation(gift: DonationInput) -> list[str]:
    """Every reason `gift` cannot be recorded, apart from its donor and receipt number (which
    `apply_donation` checks against the database)."""
    errors = []
    if gift.kind not in DonationKind.values:
        errors.append(_("unknown kind %(value)r") % {"value": gift.kind})
    if gift.form == DonationForm.CASH:
        if gift.amount_minor is None or gift.amount_minor <= 0:
            errors.append(_("a gift in cash needs an amount above 0"))
    elif gift.form == DonationForm.IN_KIND:
        if not gift.item.strip():
            errors.append(_("a gift in kind needs an item"))
        if gift.quantity is None or gift.quantity <= 0:
            errors.append(_("a gift in kind needs a quantity above 0"))
        if gift.unit_value_minor is not None and gift.unit_value_minor < 0:
            errors.append(_("the value per unit cannot be below 0"))
    else:
        errors.append(_("unknown form %(value)r") % {"value": gift.form})
    if gift.campaign not in Campaign.values:
        errors.append(_("unknown campaign %(value)r") % {"value": gift.campaign})
    return errors


def _next_receipt_number(fund: Fund, year: int) -> str:
    taken = set(
        Donation.objects.filter(fund=fund, receipt_number__startswith=f"{year}-").values_list(
            "receipt_number", flat=True
        )
    )
    number = len(taken) + 1
    while f"{year}-{number:05d}" in taken:
        number += 1
    return f"{year}-{number:05d}"


def apply_donation(*, fund: Fund, gift: DonationInput, actor: User | None) -> Donation:
    """Inside the caller's transaction, with `fund` locked: check, record, post, audit."""
    errors = check_donation(gift)
    if gift.donor_id is None and not gift.anonymous:
        errors.append(_("name a donor, or mark the gift anonymous"))
    if errors:
        raise FundError("; ".join(errors))
    donor = None
    if gift.donor_id is not None:
        donor = restrict(Donor.objects.all(), actor).filter(pk=gift.donor_id).first()
        if donor is None:
            raise OutOfScope(_("no donor %(id)s") % {"id": gift.donor_id})
    restriction = (
        None if gift.wishes.empty else restriction_for(fund=fund, wishes=gift.wishes, actor=actor)
    )
    number = gift.receipt_number.strip()
    if gift.kind == DonationKind.RECEIPT and not number:
        number = _next_receipt_number(fund, gift.received_on.year)
    if number and Donation.objects.filter(fund=fund, receipt_number=number).exists():
        raise DuplicateReceipt(
            _("receipt %(number)s is already recorded in this fund") % {"number": number}
        )
    txn = None
    if gift.kind == DonationKind.RECEIPT:
        if gift.form == DonationForm.CASH:
            held = account_for(
                fund,
                AccountKind.RESTRICTED_CASH if restriction else AccountKind.FREE_CASH,
                restriction=restriction,
            )
            source = account_for(fund, AccountKind.DONATIONS_IN)
            amount = int(gift.amount_minor or 0)
        else:
            item, item_unit = gift.item.strip(), gift.item_unit.strip()
            held = account_for(
                fund, AccountKind.STOCK, restriction=restriction, item=item, item_unit=item_unit
            )
            source = account_for(fund, AccountKind.GOODS_IN, item=item, item_unit=item_unit)
            amount = int(gift.quantity or 0)
        txn = post(
            fund=fund,
            kind=TransactionKind.DONATION,
            lines=[Line(held, amount), Line(source, -amount)],
            actor=actor,
            occurred_on=gift.received_on,
            purpose=restriction.purpose if restriction else "",
            reason=_("receipt %(number)s") % {"number": number},
        )
    donation = Donation.objects.create(
        fund=fund,
        donor=donor,
        anonymous=gift.anonymous,
        kind=gift.kind,
        form=gift.form,
        amount_minor=gift.amount_minor if gift.form == DonationForm.CASH else None,
        item=gift.item.strip() if gift.form == DonationForm.IN_KIND else "",
        quantity=gift.quantity if gift.form == DonationForm.IN_KIND else None,
        item_unit=gift.item_unit.strip() if gift.form == DonationForm.IN_KIND else "",
        unit_value_minor=gift.unit_value_minor if gift.form == DonationForm.IN_KIND else None,
        restriction=restriction,
        campaign=gift.campaign,
        campaign_note=gift.campaign_note,
        receipt_number=number,
        received_on=gift.received_on,
        note=gift.note,
        transaction=txn,
        recorded_by=actor if actor is not None and actor.pk else None,
    )
    record_audit_event(
        actor=actor, action=AuditAction.CREATE, obj=donation, after=snapshot(donation)
    )
    return donation


def record_donation(*, actor: User, fund: Fund, gift: DonationInput) -> Donation:
    """Record one gift into `fund`; raises NotAllowed, OutOfScope (a donor the actor may not
    see), DuplicateReceipt or FundError."""
    require(can_record_donation(actor, fund), _("Your role cannot record donations to this fund."))
    try:
        with transaction.atomic():
            locked = lock_fund(fund.pk)
            return apply_donation(fund=locked, gift=gift, actor=actor)
    except IntegrityError as error:  # a receipt number taken at the same moment
        raise DuplicateReceipt(
            _("receipt %(number)s is already recorded in this fund")
            % {"number": gift.receipt_number}
        ) from error
