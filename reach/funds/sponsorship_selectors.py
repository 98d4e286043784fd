"""Reads of sponsorships. A sponsorship is seen by whoever may see its student and its fund
(`restrict` over both); a sponsor's statement is what the donor may read: per sponsorship what
was received and paid, and how the student is doing (enrolled, grade, attendance band) under a
shortened name, with no national ID, birth date or address."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from reach.accounts.models import User
from reach.accounts.scoping import restrict
from reach.common.masking import mask_name
from reach.common.schoolyear import school_year_of
from reach.funds.models import (
    Donor,
    Fund,
    Instalment,
    SponsorNotice,
    SponsorReceipt,
    Sponsorship,
)
from reach.registry.choices import EducationLevel, EnrolmentStatus
from reach.registry.models import Enrolment, Person


def sponsorships_for_user(user: User | None) -> QuerySet[Sponsorship]:
    """The sponsorships whose student and fund `user` may see."""
    return restrict(Sponsorship.objects.all(), user).filter(
        fund__in=restrict(Fund.objects.all(), user).values("pk")
    )


def get_sponsorship_for_user(user: User | None, sponsorship_id: int) -> Sponsorship | None:
    return (
        sponsorships_for_user(user)
        .select_related("fund__unit", "fund__organisation", "donor", "person__household", "school")
        .filter(pk=sponsorship_id)
        .first()
    )


def list_sponsorships_for_user(user: User | None) -> QuerySet[Sponsorship]:
    return sponsorships_for_user(user).select_related("fund", "donor", "person", "school")


def get_donor_for_user(user: User | None, donor_id: int) -> Donor | None:
    return restrict(Donor.objects.all(), user).filter(pk=donor_id).first()


@dataclass
class InstalmentRow:
    instalment: Instalment
    received_minor: int  # the sponsor's receipts attached to it
    paid_minor: int  # paid to the student
    voucher: str
    receipts: list[str] = field(default_factory=list)

    @property
    def difference_minor(self) -> int:
        """Received minus due: above 0 an over-payment, below an under-payment."""
        return self.received_minor - self.instalment.amount_minor

    @property
    def cancelled(self) -> bool:
        return self.instalment.cancelled_at is not None


def instalment_rows(sponsorship: Sponsorship, *, year: int | None = None) -> list[InstalmentRow]:
    """The schedule of `sponsorship` (of the calendar `year` if given), each instalment with
    what the sponsor's attached receipts brought and what was paid to the student."""
    instalments = sponsorship.instalments.select_related("payment").prefetch_related(
        Prefetch("receipts", queryset=SponsorReceipt.objects.select_related("donation"))
    )
    if year is not None:
        instalments = instalments.filter(due_on__year=year)
    rows = []
    for instalment in instalments.order_by("number"):
        payment = getattr(instalment, "payment", None)
        receipts = list(instalment.receipts.all())
        rows.append(
            InstalmentRow(
                instalment=instalment,
                received_minor=sum(r.donation.amount_minor or 0 for r in receipts),
                paid_minor=payment.amount_minor if payment else 0,
                voucher=payment.voucher if payment else "",
                receipts=[r.donation.receipt_number for r in receipts],
            )
        )
    return rows


def attendance_band(rate: int | None) -> str:
    """An attendance rate as a band a donor may read (not the figure)."""
    if rate is None:
        return _("not recorded")
    if rate >= 90:
        return _("regular (at least 90%)")
    if rate >= 75:
        return _("fair (75-89%)")
    return _("irregular (below 75%)")


@dataclass(frozen=True)
class StudentProgress:
    """How a sponsored student is doing, as their sponsor may read it."""

    name: str  # shortened by `mask_name`
    school_year: int | None
    school: str
    level: str
    grade: int | None
    status: str
    attendance: str


def student_progress(person: Person, *, on: dt.date | None = None) -> StudentProgress:
    """The student's latest enrolment (up to `on`'s year): no ID, birth date or address."""
    enrolments = Enrolment.objects.filter(person=person).select_related("school")
    if on is not None:
        enrolments = enrolments.filter(school_year__lte=school_year_of(on))
    latest = enrolments.order_by("-school_year").first()
    if latest is None:
        return StudentProgress(mask_name(person.full_name), None, "", "", None, "", "")
    return StudentProgress(
        name=mask_name(person.full_name),
        school_year=latest.school_year,
        school=latest.school.name if latest.school else "",
        level=str(EducationLevel(latest.level).label),
        grade=latest.grade,
        status=str(EnrolmentStatus(latest.status).label),
        attendance=attendance_band(latest.attendance_rate),
    )


@dataclass
class StatementItem:
    sponsorship: Sponsorship
    student: StudentProgress
    rows: list[InstalmentRow]

    @property
    def due_minor(self) -> int:
        return sum(r.instalment.amount_minor for r in self.rows if not r.cancelled)

    @property
    def received_minor(self) -> int:
        return sum(r.received_minor for r in self.rows)

    @property
    def paid_minor(self) -> int:
        return sum(r.paid_minor for r in self.rows)


def statement(
    sponsorships: QuerySet[Sponsorship], *, year: int | None = None, on: dt.date | None = None
) -> list[StatementItem]:
    """The statement of `sponsorships` (of the calendar `year` if given): per sponsorship the
    student as the donor may see them and the instalments received and paid."""
    return [
        StatementItem(
            sponsorship=sponsorship,
            student=student_progress(sponsorship.person, on=on),
            rows=instalment_rows(sponsorship, year=year),
        )
        for sponsorship in sponsorships.select_related("fund", "donor", "person").order_by("pk")
    ]


def notices_of(sponsorship: Sponsorship) -> QuerySet[SponsorNotice]:
    return sponsorship.notices.select_related("former_person", "new_person")
