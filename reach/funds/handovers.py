"""A fund's list of goods handed over in a period, printed for signing: each hand-over (date,
item, quantity, the pupil, their school that school year) and an empty signature column.

The pupil is named as the reader may see them: in full for a reader who may see them and may
read unmasked lists of the fund's area, shortened (`mask_name`) for one who may see them only
masked, and not at all for a pupil outside the reader's area. A reversed hand-over is left out."""

import datetime as dt
from dataclasses import dataclass

from django.template.loader import render_to_string

from reach.accounts.models import User
from reach.accounts.permissions import may_see_unmasked
from reach.accounts.scoping import restrict
from reach.common.languages import in_language
from reach.common.masking import mask_name
from reach.common.pdf import render_pdf
from reach.common.schoolyear import school_year_of
from reach.funds.choices import AccountKind, TransactionKind
from reach.funds.models import Entry, Fund
from reach.registry.models import Enrolment, Person

HAND_OVER_TEMPLATE = "funds/print/hand_over_list.html"


@dataclass(frozen=True)
class HandOverRow:
    occurred_on: dt.date
    item: str
    quantity: int
    item_unit: str
    recipient: str  # "" when the reader may not see the pupil
    school: str


@dataclass(frozen=True)
class HandOverList:
    fund: Fund
    start: dt.date
    end: dt.date
    rows: list[HandOverRow]
    masked: bool


def hand_over_list(fund: Fund, user: User | None, start: dt.date, end: dt.date) -> HandOverList:
    """The hand-overs of `fund` dated from `start` to `end`, oldest first (three statements)."""
    entries = list(
        Entry.objects.filter(
            account__fund=fund,
            account__kind=AccountKind.HANDED_OVER,
            transaction__kind=TransactionKind.HAND_OVER,
            transaction__reversal__isnull=True,
            transaction__occurred_on__gte=start,
            transaction__occurred_on__lte=end,
        )
        .select_related("transaction__recipient", "account")
        .order_by("transaction__occurred_on", "transaction_id")
    )
    people = {e.transaction.recipient_id for e in entries if e.transaction.recipient_id}
    visible = set(restrict(Person.objects.filter(pk__in=people), user).values_list("pk", flat=True))
    years = {school_year_of(e.transaction.occurred_on) for e in entries}
    schools = {
        (person, year): name or ""
        for person, year, name in Enrolment.objects.filter(
            person__in=people, school_year__in=years
        ).values_list("person_id", "school_year", "school__name")
    }
    masked = not may_see_unmasked(user, fund.unit)

    def name(person: Person | None) -> str:
        if person is None or person.pk not in visible:
            return ""
        return mask_name(person.full_name) if masked else person.full_name

    rows = [
        HandOverRow(
            occurred_on=e.transaction.occurred_on,
            item=e.account.item,
            quantity=e.amount,
            item_unit=e.account.item_unit,
            recipient=name(e.transaction.recipient),
            school=schools.get(
                (e.transaction.recipient_id, school_year_of(e.transaction.occurred_on)), ""
            ),
        )
        for e in entries
    ]
    return HandOverList(fund=fund, start=start, end=end, rows=rows, masked=masked)


def hand_over_context(listing: HandOverList, language: str) -> dict:
    return {
        "listing": listing,
        "fund": listing.fund,
        "fund_name": in_language(listing.fund.names, language),
    }


def render_hand_over_html(listing: HandOverList, language: str) -> str:
    return render_to_string(HAND_OVER_TEMPLATE, hand_over_context(listing, language))


def render_hand_over_pdf(listing: HandOverList, language: str) -> bytes:
    return render_pdf(HAND_OVER_TEMPLATE, hand_over_context(listing, language))


def hand_over_filename(listing: HandOverList) -> str:
    return f"hand-over-{listing.fund.code}-{listing.start:%Y%m%d}-{listing.end:%Y%m%d}.pdf"
