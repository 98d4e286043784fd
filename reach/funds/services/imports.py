"""A donation list from .xlsx or .csv, recorded all or nothing into one fund.

Columns (Vietnamese, Chinese or English headings): receipt number, date, donor (blank: an
anonymous gift), donor kind (person, enterprise, organisation, group), amount (major units,
cash) or item + quantity + unit (in kind), purpose and school code (the donor's wishes),
campaign, pledge (a promise, moving nothing), note. Every row is checked; any bad row means
nothing is recorded, and every bad row is named with its line and reason. A receipt number
already recorded in the fund with the same gift is skipped (sending the list twice records it
once); with another gift it is an error. The file passes `reach/common/uploads.py` first.
"""

import datetime as dt
from dataclasses import dataclass, replace
from typing import IO

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.scoping import restrict, under_paths
from reach.common.errors import RowError, report_database_error
from reach.common.money import to_minor
from reach.funds.choices import Campaign, DonationForm, DonationKind, DonorKind, FundPurpose
from reach.funds.models import Donation, Donor, Fund
from reach.funds.permissions import can_import_donations
from reach.funds.services.donations import DonationInput, apply_donation, check_donation
from reach.funds.services.ledger import FundError, lock_fund
from reach.funds.services.restrictions import RestrictionInput
from reach.geo.models import School
from reach.registry.imports import values
from reach.registry.imports.reader import UnreadableFile, open_table

HEADINGS = {
    "receipt": ("receipt", "receipt number", "số biên nhận", "số phiếu thu", "收据号", "收据编号"),
    "date": ("date", "received on", "ngày", "ngày nhận", "日期", "捐赠日期"),
    "donor": ("donor", "nhà hảo tâm", "người ủng hộ", "捐赠人", "捐赠者"),
    "donor_kind": ("donor kind", "loại", "loại nhà hảo tâm", "捐赠人类型"),
    "amount": ("amount", "số tiền", "金额"),
    "item": ("item", "hiện vật", "物品"),
    "quantity": ("quantity", "số lượng", "数量"),
    "item_unit": ("unit", "đơn vị tính", "单位"),
    "purpose": ("purpose", "mục đích", "用途"),
    "school": ("school", "school code", "mã trường", "trường", "学校", "学校代码"),
    "campaign": ("campaign", "đợt vận động", "活动"),
    "pledge": ("pledge", "cam kết", "认捐"),
    "note": ("note", "ghi chú", "备注"),
}
REQUIRED = ("receipt", "date")
YES = {"1", "x", "yes", "có", "是"}


class DonationImportRejected(FundError):
    """Nothing of the list was recorded; `errors` names every bad row."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        message = ngettext(
            "%(count)s error: no donation was recorded",
            "%(count)s errors: no donation was recorded",
            len(errors),
        )
        super().__init__(
            message % {"count": len(errors)} + "\n" + "\n".join(str(e) for e in errors[:50])
        )


@dataclass(frozen=True)
class ImportResult:
    recorded: int
    already: int


@dataclass(frozen=True)
class Row:
    line: int
    gift: DonationInput
    donor_name: str
    donor_kind: str


def _columns(headings: list) -> tuple[dict[str, int], list[str]]:
    known = {word: key for key, words in HEADINGS.items() for word in words}
    columns: dict[str, int] = {}
    for index, heading in enumerate(headings):
        key = known.get(values.key(values.text(heading)))
        if key is not None and key not in columns:
            columns[key] = index
    return columns, [key for key in REQUIRED if key not in columns]


def _read(
    line: int, cells: list, columns: dict[str, int], fund: Fund, schools: dict
) -> tuple[Row | None, list[RowError]]:
    def cell(key: str) -> str:
        index = columns.get(key)
        return values.text(cells[index]) if index is not None and index < len(cells) else ""

    errors: list[RowError] = []
    number = cell("receipt")
    if not number:
        errors.append(RowError(line, "receipt", _("the receipt number is missing")))
    try:
        received_on = values.date(cell("date"))
    except values.BadValue as error:
        errors.append(RowError(line, "date", str(error)))
        received_on = dt.date.min
    amount_text, item = cell("amount"), cell("item")
    amount = to_minor(amount_text, fund.currency) if amount_text else None
    if amount_text and amount is None:
        errors.append(
            RowError(line, "amount", _("%(value)r is not an amount") % {"value": amount_text})
        )
    quantity_text = cell("quantity")
    quantity = int(quantity_text) if quantity_text.isdigit() else None
    if item and quantity is None:
        errors.append(
            RowError(
                line, "quantity", _("%(value)r is not a whole quantity") % {"value": quantity_text}
            )
        )
    if bool(amount_text) == bool(item):
        errors.append(RowError(line, "", _("give either an amount (cash) or an item (in kind)")))
    purpose = cell("purpose")
    if purpose and purpose not in FundPurpose.values:
        errors.append(
            RowError(line, "purpose", _("unknown purpose %(value)r") % {"value": purpose})
        )
    school_code = cell("school")
    school = schools.get(school_code) if school_code else None
    if school_code and school is None:
        errors.append(
            RowError(
                line, "school", _("no school %(code)s in the fund's area") % {"code": school_code}
            )
        )
    campaign = cell("campaign")
    if campaign not in Campaign.values:
        errors.append(
            RowError(line, "campaign", _("unknown campaign %(value)r") % {"value": campaign})
        )
    donor_kind = cell("donor_kind") or DonorKind.PERSON
    if donor_kind not in DonorKind.values:
        errors.append(
            RowError(line, "donor_kind", _("unknown donor kind %(value)r") % {"value": donor_kind})
        )
    donor_name = cell("donor")
    gift = DonationInput(
        kind=DonationKind.PLEDGE if values.key(cell("pledge")) in YES else DonationKind.RECEIPT,
        form=DonationForm.IN_KIND if item else DonationForm.CASH,
        received_on=received_on,
        donor_id=None,
        anonymous=not donor_name,
        amount_minor=amount,
        item=item,
        quantity=quantity,
        item_unit=cell("item_unit"),
        wishes=RestrictionInput(purpose=purpose, school_id=school.pk if school else None),
        campaign=campaign,
        receipt_number=number,
        note=cell("note")[:300],
    )
    if not errors:
        errors += [RowError(line, "", problem) for problem in check_donation(gift)]
    return (None if errors else Row(line, gift, donor_name, donor_kind)), errors


def _same(donation: Donation, gift: DonationInput) -> bool:
    return (
        donation.form,
        donation.amount_minor,
        donation.item,
        donation.quantity,
        donation.received_on,
    ) == (
        gift.form,
        gift.amount_minor if gift.form == DonationForm.CASH else None,
        gift.item if gift.form == DonationForm.IN_KIND else "",
        gift.quantity if gift.form == DonationForm.IN_KIND else None,
        gift.received_on,
    )


def import_donations(*, actor: User, fund: Fund, file: IO[bytes], filename: str) -> ImportResult:
    """Record every gift of the list into `fund`, or none. Raises NotAllowed before reading,
    UploadRefused for a file refused by the upload checks, DonationImportRejected naming every
    bad row."""
    require(can_import_donations(actor, fund), _("Your role cannot record donations to this fund."))
    try:
        table = open_table(file, filename)
        rows = list(table.rows)
    except UnreadableFile as error:
        raise DonationImportRejected([RowError(0, "", str(error))]) from error
    columns, missing = _columns(table.headings)
    if missing:
        raise DonationImportRejected(
            [RowError(table.heading_line, key, _("missing column")) for key in missing]
        )
    schools = {
        school.code: school
        for school in restrict(
            School.objects.filter(under_paths("unit__path", (fund.unit.path,))), actor
        )
    }
    existing = {
        d.receipt_number: d for d in Donation.objects.filter(fund=fund).exclude(receipt_number="")
    }
    errors: list[RowError] = []
    todo: list[Row] = []
    seen: set[str] = set()
    already = 0
    for line, cells in rows:
        row, row_errors = _read(line, cells, columns, fund, schools)
        errors += row_errors
        if row is None:
            continue
        number = row.gift.receipt_number
        if number in seen:
            errors.append(
                RowError(
                    line, "receipt", _("receipt %(number)s twice in the list") % {"number": number}
                )
            )
        seen.add(number)
        if number in existing:
            if _same(existing[number], row.gift):
                already += 1
            else:
                errors.append(
                    RowError(
                        line,
                        "receipt",
                        _("receipt %(number)s is already recorded with another gift")
                        % {"number": number},
                    )
                )
            continue
        todo.append(row)
    if errors:
        raise DonationImportRejected(errors)
    try:
        with transaction.atomic():
            locked = lock_fund(fund.pk)
            donors = {(d.name, d.kind): d for d in Donor.objects.filter(unit=fund.unit)}
            language = _language_of(fund)
            for row in todo:
                donor_id = None
                if row.donor_name:
                    key = (row.donor_name, row.donor_kind)
                    if key not in donors:
                        donors[key] = Donor.objects.create(
                            unit=fund.unit,
                            kind=row.donor_kind,
                            name=row.donor_name,
                            language=language,
                        )
                    donor_id = donors[key].pk
                try:
                    apply_donation(
                        fund=locked,
                        gift=replace(row.gift, donor_id=donor_id),
                        actor=actor,
                    )
                except FundError as error:
                    raise DonationImportRejected([RowError(row.line, "", str(error))]) from error
    except DatabaseError as error:
        message = report_database_error(error, during="a donation import")
        raise DonationImportRejected([RowError(0, "", message)]) from error
    return ImportResult(recorded=len(todo), already=already)


def _language_of(fund: Fund) -> str:
    return settings.REACH_COUNTRY_LANGUAGES.get(fund.unit.path.split(".")[0], "en")
