"""Reads behind the matching page: a fund's goods by item (received from donations in kind,
handed over, in stock: sums of the ledger's entries, never typed) and what the state already
pays the suggested pupils in a school year (their entitlement lines, drafted or in force, by
benefit). Each is one GROUP BY, whatever the number of pupils or entries."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from reach.entitlements.choices import LineStatus
from reach.entitlements.models import EntitlementLine
from reach.funds.choices import AccountKind
from reach.funds.models import Entry, Fund


@dataclass(frozen=True)
class ItemStock:
    item: str
    item_unit: str
    received: int  # in the item's unit, net of reversed gifts
    handed_over: int  # net of reversed hand-overs
    in_stock: int  # the stock accounts' balance (free and restricted)


def item_stock(fund: Fund) -> list[ItemStock]:
    """The fund's goods by item: received, handed over and in stock (received minus handed
    over), from the entries of its goods accounts."""
    rows = (
        Entry.objects.filter(
            account__fund=fund,
            account__kind__in=(AccountKind.GOODS_IN, AccountKind.HANDED_OVER, AccountKind.STOCK),
        )
        .values("account__item", "account__item_unit")
        .annotate(
            received=Coalesce(Sum("amount", filter=Q(account__kind=AccountKind.GOODS_IN)), 0),
            handed=Coalesce(Sum("amount", filter=Q(account__kind=AccountKind.HANDED_OVER)), 0),
            stock=Coalesce(Sum("amount", filter=Q(account__kind=AccountKind.STOCK)), 0),
        )
        .order_by("account__item", "account__item_unit")
    )
    return [
        ItemStock(
            item=row["account__item"],
            item_unit=row["account__item_unit"],
            received=-int(row["received"]),
            handed_over=int(row["handed"]),
            in_stock=int(row["stock"]),
        )
        for row in rows
    ]


@dataclass
class StateSupport:
    """What the state pays a pupil in a school year: per currency, and the benefits."""

    total_minor: dict[str, int] = field(default_factory=dict)  # currency -> amount
    benefits: list[str] = field(default_factory=list)  # "policy/benefit"


def state_support(person_ids: list[int], school_year: int) -> dict[int, StateSupport]:
    """Per pupil of `person_ids`: the entitlement lines of `school_year` drafted or in force,
    summed per currency, with their benefits."""
    support: dict[int, StateSupport] = defaultdict(StateSupport)
    rows = (
        EntitlementLine.objects.filter(
            person_id__in=person_ids,
            school_year=school_year,
            status__in=[LineStatus.DRAFT, LineStatus.IN_FORCE],
        )
        .values("person_id", "currency", "policy_code", "benefit_code")
        .annotate(total=Sum("amount_minor"))
        .order_by("person_id", "policy_code", "benefit_code")
    )
    for row in rows:
        entry = support[row["person_id"]]
        currency = row["currency"]
        entry.total_minor[currency] = entry.total_minor.get(currency, 0) + int(row["total"] or 0)
        entry.benefits.append(f"{row['policy_code']}/{row['benefit_code']}")
    return dict(support)
