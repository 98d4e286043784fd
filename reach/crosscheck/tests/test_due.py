"""The monthly reminder: the units the rhythm (`rules.yaml`: Chinese counties and Vietnamese
wards, monthly) has compare a register and that no compared cross-check of the month covers."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.crosscheck.selectors import list_units_due_for_user
from reach.crosscheck.tests.factories import CrosscheckRunFactory
from reach.geo.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

MONTH = dt.date(2024, 10, 1)
LAST_MONTH = dt.date(2024, 9, 1)


@pytest.fixture
def units():
    vn = UnitFactory(code="VN", level="country")
    province = UnitFactory(code="79", level="province", parent=vn)
    d12 = UnitFactory(code="761", level="district", parent=province)
    d13 = UnitFactory(code="762", level="district", parent=province)
    cn = UnitFactory(code="CN", level="country")
    guizhou = UnitFactory(code="520000000000", level="province", parent=cn)
    u = {
        "d12": d12,
        "compared": UnitFactory(code="26734", parent=d12),
        "last_month_only": UnitFactory(code="26737", parent=d12),
        "never": UnitFactory(code="26740", parent=d12),
        "closed": UnitFactory(code="26743", parent=d12, valid_to=dt.date(2024, 6, 30)),
        "covered_by_district": UnitFactory(code="26800", parent=d13),
        "county_compared": UnitFactory(code="522723000000", level="district", parent=guizhou),
        "county_due": UnitFactory(code="522701000000", level="district", parent=guizhou),
    }
    u["township"] = UnitFactory(code="522723100000", parent=u["county_compared"])
    CrosscheckRunFactory(unit=u["compared"], month=MONTH)
    CrosscheckRunFactory(unit=u["last_month_only"], month=LAST_MONTH)
    CrosscheckRunFactory(unit=u["last_month_only"], month=MONTH, status="staged")
    CrosscheckRunFactory(unit=d13, month=MONTH)
    CrosscheckRunFactory(unit=u["county_compared"], month=MONTH)
    CrosscheckRunFactory(unit=u["county_due"], month=dt.date(2024, 11, 1))  # after the month
    return u


def _due(user, month=MONTH, unit=None) -> dict[str, object]:
    return {u.code: u.last_compared for u, _rhythm in list_units_due_for_user(user, month, unit)}


def test_due_lists_the_units_of_the_rhythm_no_compared_check_covers_this_month(units):
    admin = UserFactory(is_superuser=True)

    assert _due(admin) == {
        "26737": LAST_MONTH,  # compared in September; October's register only staged
        "26740": None,
        "522701000000": None,  # its November run is after October
    }
    # Not due: compared this month (26734), covered by its district's run (26800), closed
    # before the month (26743), a Chinese township (the county compares), districts of Vietnam.


def test_due_of_the_next_month_lists_every_unit_again_with_its_last_month(units):
    admin = UserFactory(is_superuser=True)

    due = _due(admin, month=dt.date(2024, 11, 1), unit=units["d12"])

    assert due == {"26734": MONTH, "26737": LAST_MONTH, "26740": None}


def test_due_shows_only_the_units_the_user_may_see(units):
    officer = MembershipFactory(
        user=UserFactory(), role="ward_officer", unit=units["last_month_only"]
    ).user
    office = MembershipFactory(user=UserFactory(), role="office", unit=units["d12"]).user

    assert _due(officer) == {"26737": LAST_MONTH}
    assert set(_due(office)) == {"26737", "26740"}


def test_the_command_prints_the_units_due_in_a_month(units):
    out = io.StringIO()

    call_command("crosscheck_due", month="2024-10", stdout=out)

    text = out.getvalue()
    assert "2024-10: 3 units" in text
    assert "26737" in text and "last compared 2024-09" in text
    assert "26740" in text and "522701000000" in text
    assert "26734" not in text and "26800" not in text
    assert "to confirm" in text  # Vietnam's rhythm is not in the sources


def test_the_api_lists_the_units_due_in_a_fixed_number_of_queries(
    client, units, django_assert_max_num_queries
):
    client.force_login(UserFactory(is_superuser=True))

    # The session, the user and its memberships, then one query per country of the rhythm.
    with django_assert_max_num_queries(5):
        due = client.get("/api/v1/crosschecks/due", {"month": "2024-10"}).json()

    assert {(u["unit"], u["last_compared"]) for u in due} == {
        ("26737", "2024-09-01"),
        ("26740", None),
        ("522701000000", None),
    }
    vietnam = next(u for u in due if u["unit"] == "26740")
    assert (vietnam["level"], vietnam["every_months"], vietnam["confidence"]) == (
        "commune",
        1,
        "to confirm",
    )


def test_the_api_shows_a_ward_user_only_its_own_unit_due(client, units):
    officer = MembershipFactory(
        user=UserFactory(), role="ward_officer", unit=units["last_month_only"]
    ).user
    client.force_login(officer)

    due = client.get("/api/v1/crosschecks/due", {"month": "2024-10"}).json()
    beyond = client.get("/api/v1/crosschecks/due", {"month": "2024-10", "unit": "761"})

    assert [u["unit"] for u in due] == ["26737"]
    assert beyond.status_code == 404


def test_the_api_refuses_a_month_that_is_not_yyyy_mm(client, units):
    client.force_login(UserFactory(is_superuser=True))

    assert client.get("/api/v1/crosschecks/due", {"month": "October"}).status_code == 422


def test_the_history_page_lists_the_units_due(client, units):
    office = MembershipFactory(user=UserFactory(), role="office", unit=units["d12"]).user
    client.force_login(office)

    page = client.get(reverse("crosscheck:history") + "?month=2024-10").content.decode()

    due = page.split('id="due"')[1].split("</table>")[0]
    assert "(26737)" in due and "2024-09" in due and "(26740)" in due
    assert "(26734)" not in due
