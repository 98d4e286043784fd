"""The student file lists all support beside the entitlements: the state budget's payments,
fund spends (a scholarship, whatever caused it), sponsorship instalments and goods, with a
total per school year and per source; a reversed movement does not count."""

import datetime as dt

import pytest

from reach.funds.services import (
    DonationInput,
    hand_over_items,
    record_donation,
    reverse_transaction,
    spend_to_student,
)
from reach.funds.services.sponsorships import create_sponsorship, pay_instalment
from reach.funds.tests.factories import DonorFactory, FundFactory
from reach.studentfile.selectors import FUND, SPONSOR, STATE, student_file_for_user

pytestmark = pytest.mark.django_db
D = dt.date


def _gift(world, fund, donor, **values):
    return record_donation(
        actor=world.users["district"],
        fund=fund,
        gift=DonationInput(kind="receipt", received_on=D(2024, 9, 10), donor_id=donor.pk, **values),
    )


def test_every_support_with_totals_per_year_and_source(world, history):
    district, pupil = world.users["district"], world.persons["ward1"]
    fund = FundFactory(unit=world.units["ward1"], names={"en": "Ward fund", "vi": "Quỹ phường"})
    donor = DonorFactory(unit=world.units["ward1"], name="An Phát")
    _gift(world, fund, donor, form="cash", amount_minor=5_000_000)
    _gift(world, fund, donor, form="in_kind", item="bicycle", quantity=3, item_unit="pcs")
    # a scholarship paid by another app (an award of a round): only the ledger spend is read
    spend_to_student(
        actor=district,
        fund=fund,
        recipient_id=pupil.pk,
        amount_minor=1_000_000,
        idempotency_key="award-1",
        occurred_on=D(2024, 10, 1),
        purpose="scholarships",
        reference_type="rounds.award",
        reference_id=7,
    )
    wrong = spend_to_student(
        actor=district,
        fund=fund,
        recipient_id=pupil.pk,
        amount_minor=400_000,
        idempotency_key="oops",
        occurred_on=D(2024, 10, 2),
    )
    reverse_transaction(
        actor=district,
        fund=fund,
        transaction_id=wrong.pk,
        reason="wrong",
        occurred_on=D(2024, 10, 3),
    )
    hand_over_items(
        actor=district,
        fund=fund,
        recipient_id=pupil.pk,
        item="bicycle",
        quantity=1,
        idempotency_key="bike-1",
        occurred_on=D(2024, 10, 5),
    )
    sponsorship = create_sponsorship(
        actor=district,
        fund=fund,
        donor_id=donor.pk,
        person_id=pupil.pk,
        amount_minor=300_000,
        rhythm="monthly",
        starts_on=D(2024, 11, 1),
        ends_on=D(2025, 1, 31),
        fallback="refund",
    )
    for instalment in sponsorship.instalments.all():  # Nov, Dec 2024 and Jan 2025
        pay_instalment(
            actor=district,
            instalment=instalment,
            voucher=f"PC-{instalment.number}",
            paid_on=instalment.due_on,
        )
    (year,) = student_file_for_user(district, pupil)
    kinds = [line.source_kind for line in year.support]
    assert kinds.count(STATE) == 1 and kinds.count(FUND) == 2 and kinds.count(SPONSOR) == 3
    totals = [(t.source_kind, t.source, t.shown) for t in year.support_totals]
    line = history[1]
    state = [t for t in totals if t[0] == STATE]
    assert len(state) == 1 and state[0][2].endswith("VND")
    assert str(line.amount_minor)[:3] in state[0][2].replace(".", "").replace(",", "")
    assert (FUND, "Ward fund", "1,000,000 VND") in totals  # the reversed 400,000 left out
    assert (FUND, "Ward fund", "1 pcs bicycle") in totals
    assert (SPONSOR, "An Phát (through Ward fund)", "900,000 VND") in totals


def test_a_user_who_cannot_see_the_pupil_gets_no_file(world, history):
    from reach.common.errors import OutOfScope
    from reach.studentfile.selectors import person_for_user_or_404

    with pytest.raises(OutOfScope):
        person_for_user_or_404(world.users["county"], world.persons["ward1"].pk)
