import io

import pytest
from django.core.management import call_command

from reach.accounts.models import AuditEvent, User
from reach.funds.models import (
    Donation,
    InstalmentPayment,
    RoundAward,
    ScholarshipRound,
    SponsorReceipt,
    Sponsorship,
    Transaction,
)
from reach.funds.selectors import account_balances, list_funds_for_user

pytestmark = pytest.mark.django_db


def test_the_demo_fills_three_funds_with_gifts_payments_and_a_reversal_each():
    out = io.StringIO()
    call_command("demo", "--scale", "0.05", stdout=out)
    admin = User.objects.get(username="admin")
    funds = list_funds_for_user(admin)
    assert {fund.code for fund in funds} == {"VND12TA-QKH", "VN79-TSDT", "CN522723-ZXJJ"}
    assert Donation.objects.exclude(note="sponsorship").count() == 3 * 120
    assert Sponsorship.objects.count() == 9
    assert InstalmentPayment.objects.exists() and SponsorReceipt.objects.count() == 9
    assert Donation.objects.filter(form="in_kind").exists()
    assert Transaction.objects.filter(kind="spend").count() > 3
    assert Transaction.objects.filter(kind="reversal").count() == 3
    for fund in funds:
        assert all(row.balance >= 0 for row in account_balances(fund))
    assert AuditEvent.objects.filter(object_type="funds.transaction").count() == (
        Transaction.objects.count()
    )
    ward = [f.code for f in list_funds_for_user(User.objects.get(username="ward01"))]
    assert ward == ["VND12TA-QKH"]  # 26734's fund is now its successor's
    assert "Funds: 3 funds, 360 donations" in out.getvalue()
    # --- rounds --- one round of each jurisdiction taken through approval and payment
    rounds = {r.code: r for r in ScholarshipRound.objects.select_related("fund")}
    assert set(rounds) == {"VND12TA-HB", "CN522723-ZXJ"}
    for round_ in rounds.values():
        assert (round_.status, round_.published_at is not None) == ("approved", True)
        assert round_.approved_by_id != round_.created_by_id
        awards = RoundAward.objects.filter(round=round_)
        assert awards.exists()
        assert sum(a.amount_minor for a in awards) <= round_.budget_minor
        assert all(a.transaction.fund_id == round_.fund_id for a in awards)
        # its notice's objection period was over, and its one objection dismissed, before pay
        assert round_.objections_until < min(a.transaction.occurred_on for a in awards)
        assert [o.status for o in round_.objections.all()] == ["dismissed"]
    assert {r.fund.currency for r in rounds.values()} == {"VND", "CNY"}
    assert "Scholarship rounds approved, published and paid: 2 rounds" in out.getvalue()
    assert "9 sponsorships" in out.getvalue()
