"""The share of poor and near-poor pupils who received a scholarship from a fund, against the
aim of `data/scholarship_aim.yaml` (seed 000 names the aim without a number: "to confirm").

The pupils counted: enrolled in the school year, living in the fund's area, in a household of
one of the aim's statuses that year. A pupil received a scholarship when the fund awarded them
in a round of that school year, or paid them with a scholarship purpose between September and
August (a reversed payment does not count). Counted in SQL (EXISTS per pupil); the list behind
the share names a pupil only to a reader who may see them, shortened for a masked reader."""

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.db.models import Count, Exists, OuterRef

from reach.accounts.models import User
from reach.accounts.permissions import may_see_unmasked
from reach.accounts.scoping import restrict, under_paths
from reach.common.masking import mask_name
from reach.common.schoolyear import FIRST_MONTH
from reach.funds.choices import TransactionKind
from reach.funds.models import Fund, RoundAward, Transaction
from reach.registry.models import Enrolment, HouseholdYearStatus, Person

DATA = Path(__file__).resolve().parent / "data" / "scholarship_aim.yaml"


@dataclass(frozen=True)
class Aim:
    percent: float | None  # None: the source gives no number ("to confirm")
    source: str
    confidence: str
    household_statuses: tuple[str, ...]
    spend_purposes: tuple[str, ...]


@cache
def scholarship_aim() -> Aim:
    with open(DATA, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)["scholarship_aim"]
    return Aim(
        percent=raw["percent"],
        source=raw["source"],
        confidence=raw["confidence"],
        household_statuses=tuple(raw["household_statuses"]),
        spend_purposes=tuple(raw["spend_purposes"]),
    )


@dataclass(frozen=True)
class SharePupil:
    person_id: int
    name: str  # "" when the reader may not see the pupil
    school: str
    status: str
    received: bool


@dataclass(frozen=True)
class ScholarshipShare:
    fund: Fund
    school_year: int
    aim: Aim
    pupils: int
    received: int
    listing: list[SharePupil]  # the pupils the reader may see

    @property
    def percent(self) -> float | None:
        return round(100 * self.received / self.pupils, 1) if self.pupils else None

    @property
    def meets_aim(self) -> bool | None:
        if self.aim.percent is None or self.percent is None:
            return None
        return self.percent >= self.aim.percent


def scholarship_share(fund: Fund, school_year: int, user: User | None) -> ScholarshipShare:
    aim = scholarship_aim()
    start = dt.date(school_year, FIRST_MONTH, 1)
    end = dt.date(school_year + 1, FIRST_MONTH, 1)
    status = HouseholdYearStatus.objects.filter(
        household=OuterRef("household"), year=school_year, status__in=aim.household_statuses
    )
    awarded = RoundAward.objects.filter(
        person=OuterRef("pk"), round__fund=fund, school_year=school_year
    )
    paid = Transaction.objects.filter(
        fund=fund,
        recipient=OuterRef("pk"),
        kind=TransactionKind.SPEND,
        purpose__in=aim.spend_purposes,
        occurred_on__gte=start,
        occurred_on__lt=end,
        reversal__isnull=True,
    )
    enrolled = Enrolment.objects.filter(
        person=OuterRef("pk"), school_year=school_year, status="enrolled"
    )
    pupils = (
        Person.objects.filter(under_paths("household__unit__path", (fund.unit.path,)))
        .filter(Exists(enrolled), Exists(status))
        .annotate(received=Exists(awarded) | Exists(paid))
    )
    totals = dict(
        pupils.order_by().values("received").annotate(n=Count("pk")).values_list("received", "n")
    )
    visible = restrict(pupils, user).select_related("household").order_by("full_name", "pk")
    masked = not may_see_unmasked(user, fund.unit)
    statuses = dict(
        HouseholdYearStatus.objects.filter(
            year=school_year, household__members__in=visible.values("pk")
        ).values_list("household_id", "status")
    )
    schools = dict(
        Enrolment.objects.filter(
            school_year=school_year, status="enrolled", person__in=visible.values("pk")
        ).values_list("person_id", "school__name")
    )
    listing = [
        SharePupil(
            person_id=p.pk,
            name=mask_name(p.full_name) if masked else p.full_name,
            school=schools.get(p.pk) or "",
            status=statuses.get(p.household_id, ""),
            received=p.received,  # type: ignore[attr-defined]  # annotated above
        )
        for p in visible
    ]
    return ScholarshipShare(
        fund=fund,
        school_year=school_year,
        aim=aim,
        pupils=sum(totals.values()),
        received=totals.get(True, 0),
        listing=listing,
    )
