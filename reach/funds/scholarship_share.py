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
from django.db.models import Count, Exists, OuterRef, Q

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


def scholarship_received(school_year: int, *, fund: Fund | None = None) -> Q:
    """Over persons (`OuterRef("pk")`): awarded in a round of the school year, or paid with a
    scholarship purpose between September and August and not reversed; by `fund`, or by any
    fund (a plan's scholarship-coverage figure, `reach/plans/data/figures.yaml`)."""
    by_fund = {"fund": fund} if fund is not None else {}
    awarded = RoundAward.objects.filter(
        person=OuterRef("pk"),
        school_year=school_year,
        **({"round__fund": fund} if fund is not None else {}),
    )
    paid = Transaction.objects.filter(
        recipient=OuterRef("pk"),
        kind=TransactionKind.SPEND,
        purpose__in=scholarship_aim().spend_purposes,
        occurred_on__gte=dt.date(school_year, FIRST_MONTH, 1),
        occurred_on__lt=dt.date(school_year + 1, FIRST_MONTH, 1),
        reversal__isnull=True,
        **by_fund,
    )
    return Q(Exists(awarded)) | Q(Exists(paid))


def scholarship_share(fund: Fund, school_year: int, user: User | None) -> ScholarshipShare:
    aim = scholarship_aim()
    status = HouseholdYearStatus.objects.filter(
        household=OuterRef("household"), year=school_year, status__in=aim.household_statuses
    )
    enrolled = Enrolment.objects.filter(
        person=OuterRef("pk"), school_year=school_year, status="enrolled"
    )
    pupils = (
        Person.objects.filter(under_paths("household__unit__path", (fund.unit.path,)))
        .filter(Exists(enrolled), Exists(status))
        .annotate(received=scholarship_received(school_year, fund=fund))
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
