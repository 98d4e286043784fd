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


@pytest.mark.parametrize(
    ("member_of", "role", "allowed"),
    [
        ("owner", "ward_officer", True),  # an officer of the fund's own organisation
        ("owner", "office", True),
        ("owner", "viewer", False),  # a member of the owner, but not one who moves money
        ("other", "ward_officer", False),  # another organisation of the same ward
        ("other", "office", False),
        ("other_above", "office", False),  # another organisation of the district above
    ],
)
def test_only_the_owning_organisation_among_organisations(world, member_of, role, allowed):
    from reach.accounts.tests.factories import MembershipFactory, UserFactory
    from reach.funds.tests.factories import OrganisationFactory

    fund = FundFactory(unit=world.units["ward1"])
    organisations = {
        "owner": fund.organisation,
        "other": OrganisationFactory(unit=world.units["ward1"], kind="youth_union"),
        "other_above": OrganisationFactory(unit=world.units["d12"], kind="youth_union"),
    }
    user = MembershipFactory(
        user=UserFactory(), role=role, organisation=organisations[member_of]
    ).user
    assert can_record_donation(user, fund) is allowed
    assert can_spend_from(user, fund) is allowed
    assert can_import_donations(user, fund) is allowed


def test_a_fund_is_set_up_only_by_its_organisation_or_the_units_staff(world):
    from reach.accounts.tests.factories import MembershipFactory, UserFactory
    from reach.funds.permissions import can_create_fund
    from reach.funds.tests.factories import OrganisationFactory

    owner = OrganisationFactory(unit=world.units["ward1"])
    other = OrganisationFactory(unit=world.units["ward1"])
    member = MembershipFactory(user=UserFactory(), role="ward_officer", organisation=other).user
    assert can_create_fund(member, other, world.units["ward1"])
    assert not can_create_fund(member, owner, world.units["ward1"])
    assert can_create_fund(world.users["ward01"], owner, world.units["ward1"])
    assert not can_create_fund(world.users["ward01"], owner, world.units["ward2"])
    assert not can_create_fund(world.users["school01"], owner, world.units["ward1"])
