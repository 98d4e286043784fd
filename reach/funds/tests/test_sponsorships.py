"""Sponsorships: schedule, receipts attached off schedule, paying once, the fallback when the
student leaves, the sponsor's statement (masked) and who may do what."""

import datetime as dt

import pytest

from reach.accounts.models import AuditEvent
from reach.common.errors import NotAllowed, OutOfScope
from reach.funds.models import Instalment, InstalmentPayment, SponsorNotice, Transaction
from reach.funds.services import (
    DonationInput,
    InsufficientBalance,
    record_donation,
    spend_to_student,
)
from reach.funds.services.sponsorships import (
    AlreadyAttached,
    AlreadyPaid,
    VoucherUsed,
    apply_fallbacks,
    attach_receipt,
    create_sponsorship,
    generate_schedule,
    pay_instalment,
    propose_student,
    schedule_dates,
    unattached_receipts,
)
from reach.funds.sponsorship_selectors import instalment_rows, sponsorships_for_user, statement
from reach.funds.tests.factories import DonorFactory, FundFactory
from reach.registry.models import Enrolment
from reach.registry.tests.factories import EnrolmentFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db
D = dt.date
SEPT_20 = D(2024, 9, 20)


@pytest.fixture
def sponsored(world):
    fund = FundFactory(unit=world.units["ward1"])
    donor = DonorFactory(unit=world.units["ward1"], name="Công ty An Phát", language="vi")
    sponsorship = create_sponsorship(
        actor=world.users["ward01"],
        fund=fund,
        donor_id=donor.pk,
        person_id=world.persons["ward1"].pk,
        amount_minor=500_000,
        rhythm="monthly",
        starts_on=D(2024, 9, 15),
        ends_on=D(2024, 12, 31),
        fallback="next_candidate",
    )
    return sponsorship


def _receive(world, sponsorship, amount, day=SEPT_20):
    return record_donation(
        actor=world.users["ward01"],
        fund=sponsorship.fund,
        gift=DonationInput(
            kind="receipt",
            form="cash",
            received_on=day,
            donor_id=sponsorship.donor_id,
            amount_minor=amount,
        ),
    )


def test_schedule_dates_per_rhythm():
    assert schedule_dates(
        starts_on=D(2024, 9, 15), ends_on=D(2024, 12, 31), rhythm="monthly", country="VN"
    ) == [D(2024, 9, 15), D(2024, 10, 1), D(2024, 11, 1), D(2024, 12, 1)]
    assert schedule_dates(
        starts_on=D(2024, 9, 5), ends_on=D(2026, 6, 30), rhythm="term", country="VN"
    ) == [D(2024, 9, 5), D(2025, 1, 1), D(2025, 9, 1), D(2026, 1, 1)]
    assert schedule_dates(
        starts_on=D(2024, 9, 5), ends_on=D(2025, 6, 30), rhythm="term", country="CN"
    ) == [D(2024, 9, 5), D(2025, 3, 1)]
    assert schedule_dates(
        starts_on=D(2024, 10, 1), ends_on=D(2026, 9, 1), rhythm="year", country="VN"
    ) == [D(2024, 10, 1), D(2025, 9, 1), D(2026, 9, 1)]


def test_the_schedule_is_written_once(sponsored):
    assert list(sponsored.instalments.values_list("number", "due_on", "amount_minor")) == [
        (1, D(2024, 9, 15), 500_000),
        (2, D(2024, 10, 1), 500_000),
        (3, D(2024, 11, 1), 500_000),
        (4, D(2024, 12, 1), 500_000),
    ]
    assert generate_schedule(sponsored) == 0
    sponsored.ends_on = D(2025, 1, 31)
    assert generate_schedule(sponsored) == 1
    assert sponsored.instalments.count() == 5
    assert AuditEvent.objects.filter(object_type="funds.sponsorship").count() == 1


def test_an_instalment_is_paid_once_and_debits_the_fund(world, sponsored):
    _receive(world, sponsored, 2_000_000)
    first = sponsored.instalments.get(number=1)
    payment = pay_instalment(
        actor=world.users["ward01"], instalment=first, voucher="PC-1", paid_on=D(2024, 9, 20)
    )
    # a double click: the same voucher returns the first payment, nothing moves again
    again = pay_instalment(
        actor=world.users["ward01"], instalment=first, voucher="PC-1", paid_on=D(2024, 9, 20)
    )
    assert again.pk == payment.pk
    assert Transaction.objects.filter(kind="spend").count() == 1
    txn = payment.transaction
    assert (txn.recipient_id, txn.reference_type, txn.reference_id) == (
        world.persons["ward1"].pk,
        "funds.instalment",
        first.pk,
    )
    assert txn.idempotency_key == f"sponsorship-instalment-{first.pk}"
    with pytest.raises(AlreadyPaid):
        pay_instalment(
            actor=world.users["ward01"], instalment=first, voucher="PC-2", paid_on=D(2024, 9, 21)
        )
    with pytest.raises(VoucherUsed):
        pay_instalment(
            actor=world.users["ward01"],
            instalment=sponsored.instalments.get(number=2),
            voucher="PC-1",
            paid_on=D(2024, 10, 2),
        )
    assert InstalmentPayment.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="funds.instalmentpayment").count() == 1


def test_paying_more_than_the_fund_holds_is_refused(world, sponsored):
    _receive(world, sponsored, 300_000)
    with pytest.raises(InsufficientBalance):
        pay_instalment(
            actor=world.users["ward01"],
            instalment=sponsored.instalments.get(number=1),
            voucher="PC-1",
            paid_on=D(2024, 9, 20),
        )
    assert not InstalmentPayment.objects.exists()


def test_an_off_schedule_receipt_is_attached_and_its_difference_shown(world, sponsored):
    big = _receive(world, sponsored, 800_000, day=D(2024, 10, 20))
    other_donor = DonorFactory(unit=world.units["ward1"])
    stranger = record_donation(
        actor=world.users["ward01"],
        fund=sponsored.fund,
        gift=DonationInput(
            kind="receipt",
            form="cash",
            received_on=D(2024, 10, 1),
            donor_id=other_donor.pk,
            amount_minor=100,
        ),
    )
    assert list(unattached_receipts(sponsored)) == [big]
    second = sponsored.instalments.get(number=2)
    attach_receipt(
        actor=world.users["ward01"],
        sponsorship=sponsored,
        donation_id=big.pk,
        instalment_id=second.pk,
    )
    rows = {row.instalment.number: row for row in instalment_rows(sponsored)}
    assert rows[2].received_minor == 800_000 and rows[2].difference_minor == 300_000
    assert rows[1].difference_minor == -500_000
    assert not unattached_receipts(sponsored).exists()
    with pytest.raises(AlreadyAttached):
        attach_receipt(
            actor=world.users["ward01"],
            sponsorship=sponsored,
            donation_id=big.pk,
            instalment_id=second.pk,
        )
    from reach.funds.services import FundError

    with pytest.raises(FundError):  # another donor's gift is not the sponsor's
        attach_receipt(
            actor=world.users["ward01"],
            sponsorship=sponsored,
            donation_id=stranger.pk,
            instalment_id=second.pk,
        )
    assert AuditEvent.objects.filter(object_type="funds.sponsorreceipt").count() == 1


def test_the_next_candidate_takes_over_when_the_student_leaves(world, sponsored):
    Enrolment.objects.filter(person=world.persons["ward1"]).update(status="dropped_out")
    # the ward's officer may not see the commuter (who lives in the other ward): no candidate
    # for them; the district's office may
    results = apply_fallbacks(actor=world.users["district"], on=D(2024, 11, 1)).applied
    assert [(r.reason, r.outcome) for r in results] == [("left", "transferred")]
    sponsored.refresh_from_db()
    # the commuter studies at the same school (and lives in the other ward)
    assert sponsored.person == world.persons["commuter"]
    notice = SponsorNotice.objects.get()
    assert (notice.kind, notice.former_person, notice.new_person, notice.language) == (
        "transferred",
        world.persons["ward1"],
        world.persons["commuter"],
        "vi",
    )
    assert apply_fallbacks(actor=world.users["district"], on=D(2024, 11, 1)).applied == []
    assert SponsorNotice.objects.count() == 1


def test_the_office_proposes_when_no_candidate_is_left(world, sponsored):
    Enrolment.objects.filter(school=world.schools["ward1"]).update(status="transferred")
    (result,) = apply_fallbacks(actor=world.users["ward01"], on=D(2024, 11, 1)).applied
    assert (result.reason, result.outcome) == ("moved", "awaiting_proposal")
    sponsored.refresh_from_db()
    assert sponsored.status == "awaiting_proposal"
    home = HouseholdFactory(unit=world.units["ward1"])
    newcomer = PersonFactory(household=home, full_name="Pupil newcomer")
    EnrolmentFactory(person=newcomer, school=world.schools["ward1"])
    propose_student(
        actor=world.users["ward01"],
        sponsorship=sponsored,
        person_id=newcomer.pk,
        on=D(2024, 11, 5),
    )
    sponsored.refresh_from_db()
    assert (sponsored.person, sponsored.status) == (newcomer, "active")
    assert list(SponsorNotice.objects.order_by("id").values_list("kind", flat=True)) == [
        "awaiting_proposal",
        "proposed",
    ]


def test_a_refund_returns_what_was_received_and_not_paid(world, sponsored):
    sponsored.fallback = "refund"
    sponsored.save()
    receipt = _receive(world, sponsored, 1_200_000)
    first = sponsored.instalments.get(number=1)
    attach_receipt(
        actor=world.users["ward01"],
        sponsorship=sponsored,
        donation_id=receipt.pk,
        instalment_id=first.pk,
    )
    pay_instalment(
        actor=world.users["ward01"], instalment=first, voucher="PC-1", paid_on=D(2024, 9, 20)
    )
    Enrolment.objects.filter(person=world.persons["ward1"]).update(status="graduated")
    (result,) = apply_fallbacks(actor=world.users["ward01"], on=D(2024, 11, 1)).applied
    assert (result.reason, result.outcome) == ("finished", "refunded")
    refund = Transaction.objects.get(kind="refund")
    assert sorted(e.amount for e in refund.entries.all()) == [-700_000, 700_000]
    assert SponsorNotice.objects.get().refund_minor == 700_000
    assert Instalment.objects.filter(sponsorship=sponsored, cancelled_at__isnull=True).count() == 1
    assert apply_fallbacks(actor=world.users["ward01"], on=D(2024, 11, 1)).applied == []
    assert Transaction.objects.filter(kind="refund").count() == 1


def test_a_student_who_still_studies_keeps_the_sponsorship(world, sponsored):
    run = apply_fallbacks(actor=world.users["ward01"], on=D(2025, 3, 1))
    assert run.applied == [] and run.refused == []


def test_a_refund_the_fund_cannot_pay_is_reported_and_tried_again(world, sponsored):
    sponsored.fallback = "refund"
    sponsored.save()
    receipt = _receive(world, sponsored, 600_000)
    attach_receipt(
        actor=world.users["ward01"],
        sponsorship=sponsored,
        donation_id=receipt.pk,
        instalment_id=sponsored.instalments.get(number=1).pk,
    )
    spend_to_student(  # the free cash is spent on another pupil meanwhile
        actor=world.users["ward01"],
        fund=sponsored.fund,
        recipient_id=world.persons["ward1"].pk,
        amount_minor=600_000,
        idempotency_key="other",
        occurred_on=D(2024, 10, 1),
    )
    Enrolment.objects.filter(person=world.persons["ward1"]).update(status="dropped_out")
    run = apply_fallbacks(actor=world.users["ward01"], on=D(2024, 11, 1))
    assert run.applied == [] and [pk for pk, _why in run.refused] == [sponsored.pk]
    sponsored.refresh_from_db()
    assert sponsored.status == "active" and not SponsorNotice.objects.exists()


def test_the_command_applies_the_fallbacks_once(world, sponsored):
    from io import StringIO

    from django.core.management import call_command

    Enrolment.objects.filter(person=world.persons["ward1"]).update(status="transferred")
    Enrolment.objects.filter(person=world.persons["commuter"]).update(status="transferred")
    out = StringIO()
    call_command("sponsorship_fallbacks", "--today", "2024-11-01", stdout=out)
    assert "1 fallbacks applied, 0 refused" in out.getvalue()
    call_command("sponsorship_fallbacks", "--today", "2024-11-01", stdout=(out := StringIO()))
    assert "0 fallbacks applied" in out.getvalue()
    assert SponsorNotice.objects.get().kind == "awaiting_proposal"


def test_the_statement_shows_no_full_name_id_or_address(world, sponsored):
    Enrolment.objects.filter(person=world.persons["ward1"]).update(attendance_rate=93, grade=7)
    world.persons["ward1"].full_name = "Nguyễn Văn An"
    world.persons["ward1"].save()
    _receive(world, sponsored, 1_000_000)
    pay_instalment(
        actor=world.users["ward01"],
        instalment=sponsored.instalments.get(number=1),
        voucher="PC-1",
        paid_on=D(2024, 9, 20),
    )
    (item,) = statement(sponsored.donor.sponsorships.all(), year=2024)
    assert item.student.name == "Nguyễn V. A."
    assert (item.student.grade, item.student.attendance) == (7, "regular (at least 90%)")
    assert (item.due_minor, item.paid_minor) == (2_000_000, 500_000)
    from reach.funds.sponsorship_letters import render_statement_html

    html = render_statement_html(sponsored.donor, year=2024)
    assert "Nguyễn V. A." in html and "Nguyễn Văn An" not in html
    person = world.persons["ward1"]
    for private in (person.national_id, person.household.address):
        assert not private or private not in html


def test_who_may_set_up_and_see_a_sponsorship(world, sponsored):
    for username in ("school01", "county", "nobody"):
        with pytest.raises((NotAllowed, OutOfScope)):
            create_sponsorship(
                actor=world.users[username],
                fund=sponsored.fund,
                donor_id=sponsored.donor_id,
                person_id=world.persons["ward1"].pk,
                amount_minor=1,
                rhythm="year",
                starts_on=D(2024, 9, 1),
                ends_on=D(2025, 5, 31),
                fallback="refund",
            )
    with pytest.raises(NotAllowed):
        pay_instalment(
            actor=world.users["school01"],
            instalment=sponsored.instalments.first(),
            voucher="X",
            paid_on=D(2024, 9, 1),
        )
    seen = {
        name: sponsorships_for_user(world.users[name]).exists()
        for name in ("admin", "district", "ward01", "school01", "county", "nobody")
    }
    assert seen == {
        "admin": True,
        "district": True,
        "ward01": True,
        "school01": True,
        "county": False,
        "nobody": False,
    }
