import pytest

from reach.funds.selectors import funds_for_user
from reach.funds.tests.factories import FundFactory

pytestmark = pytest.mark.django_db

VISIBLE = {
    "admin": {"ward1", "ward2", "district", "town"},
    "district": {"ward1", "ward2", "district"},
    "ward01": {"ward1"},
    "school01": {"ward1"},  # the funds of its school's ward
    "county": {"town"},
    "nobody": set(),
}


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_each_role_sees_the_funds_of_its_units_only(world, username):
    codes = {"ward1": "ward1", "ward2": "ward2", "d12": "district", "town": "town"}
    for unit, code in codes.items():
        FundFactory(code=code, unit=world.units[unit])
    seen = set(funds_for_user(world.users[username]).values_list("code", flat=True))
    assert seen == VISIBLE[username]
