import pytest

from reach.funds.permissions import can_import_donations, can_record_donation, can_spend_from
from reach.funds.tests.factories import FundFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("admin", True),
        ("district", True),  # the office above the ward
        ("ward01", True),  # the ward's own officer
        ("school01", False),  # sees the fund, does not move its money
        ("county", False),  # another country's office
        ("nobody", False),
    ],
)
def test_who_may_move_a_wards_fund(world, username, allowed):
    fund = FundFactory(unit=world.units["ward1"])
    user = world.users[username]
    assert can_record_donation(user, fund) is allowed
    assert can_spend_from(user, fund) is allowed
    assert can_import_donations(user, fund) is allowed
