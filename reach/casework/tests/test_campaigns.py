"""Campaigns: targets per unit, the cases handled and the returns achieved in the period."""

import datetime as dt

import pytest
from django.conf import settings

from reach.accounts.permissions import command_line_actor
from reach.accounts.scoping import scope_of
from reach.casework import selectors, services
from reach.casework.services import CaseError
from reach.casework.tests.factories import CaseVisitFactory, DropoutCaseFactory
from reach.indicators.tests.factories import household_in, person_aged

pytestmark = pytest.mark.django_db
SYSTEM = command_line_actor()
SEPT, OCT = dt.date(2024, 9, 1), dt.date(2024, 10, 31)


@pytest.fixture
def campaign(world):
    campaign = services.create_campaign(
        actor=world.users["district"],
        name="Sau kỳ nghỉ hè 2024",
        kind="after_summer",
        unit=world.units["d12"],
        school_year=2024,
        starts_on=SEPT,
        ends_on=OCT,
    )
    services.set_campaign_target(
        actor=SYSTEM, campaign=campaign, unit=world.units["ward1"], target_returns=4
    )
    services.set_campaign_target(
        actor=SYSTEM, campaign=campaign, unit=world.units["ward2"], target_returns=2
    )
    return campaign


def child_case(world, ward, **kw):
    person = person_aged(9, household=household_in(world.units[ward]))
    return DropoutCaseFactory(person=person, **kw)


def test_campaign_counts_cases_handled_and_returns_in_its_period(world, campaign):
    returned = child_case(world, "ward1", opened_on=dt.date(2024, 8, 20))
    CaseVisitFactory(case=returned, visited_on=dt.date(2024, 9, 10))
    returned.status, returned.outcome, returned.closed_on = (
        "closed",
        "returned_to_school",
        dt.date(2024, 9, 20),
    )
    returned.save()
    late_return = child_case(world, "ward1", opened_on=dt.date(2024, 8, 1))
    late_return.status, late_return.outcome, late_return.closed_on = (
        "closed",
        "returned_to_school",
        dt.date(2024, 11, 5),
    )
    late_return.save()  # returned after the campaign, and nothing done during it
    visited = child_case(world, "ward2", opened_on=dt.date(2024, 8, 1))
    CaseVisitFactory(case=visited, visited_on=dt.date(2024, 10, 2))
    child_case(world, "ward2", opened_on=dt.date(2024, 11, 2))  # after the campaign
    child_case(world, "ward2", opened_on=dt.date(2024, 9, 5), school_year=2023)  # another year

    total, rows = selectors.campaign_report_for_user(world.users["district"], campaign)

    assert [(r.unit.code, r.handled, r.returned, r.target_returns) for r in rows] == [
        ("26734", 1, 1, 4),
        ("26737", 1, 0, 2),
    ]
    assert (total.handled, total.returned, total.target_returns) == (2, 1, 6)
    assert rows[0].progress == 25.0


def test_campaign_report_is_scoped_to_the_user(world, campaign):
    child_case(world, "ward2", opened_on=dt.date(2024, 9, 5))
    total, _rows = selectors.campaign_report_for_user(world.users["ward01"], campaign)
    assert total.handled == 0


def test_campaign_report_takes_one_statement(world, campaign, django_assert_num_queries):
    user = world.users["district"]
    scope_of(user)
    with django_assert_num_queries(2):  # the targets, then every count in one statement
        selectors.campaign_report_for_user(user, campaign)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": " "}, "needs a name"),
        ({"kind": "after_christmas"}, "Unknown period"),
        ({"ends_on": dt.date(2024, 8, 1)}, "cannot end before it starts"),
    ],
)
def test_campaign_creation_is_validated(world, change, message):
    values = {
        "name": "After Tet",
        "kind": "after_tet",
        "unit": world.units["d12"],
        "school_year": 2024,
        "starts_on": dt.date(2025, 2, 3),
        "ends_on": dt.date(2025, 2, 28),
    }
    with pytest.raises(CaseError, match=message):
        services.create_campaign(actor=SYSTEM, **(values | change))


def test_targets_stay_under_the_campaigns_unit_and_update_in_place(world, campaign):
    with pytest.raises(CaseError, match="not under the campaign's unit"):
        services.set_campaign_target(
            actor=SYSTEM, campaign=campaign, unit=world.units["town"], target_returns=1
        )
    services.set_campaign_target(
        actor=SYSTEM, campaign=campaign, unit=world.units["ward1"], target_returns=9
    )
    assert campaign.targets.get(unit=world.units["ward1"]).target_returns == 9
    assert campaign.targets.count() == 2


def test_campaign_pages(client, world, campaign):
    client.force_login(world.users["district"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Sau kỳ nghỉ hè 2024" in client.get("/cases/campaigns/").content.decode()
    response = client.post(
        "/cases/campaigns/",
        {
            "name": "Sau Tết 2025",
            "kind": "after_tet",
            "unit": world.units["d12"].pk,
            "school_year": 2024,
            "starts_on": "2025-02-03",
            "ends_on": "2025-02-28",
        },
    )
    assert response.status_code == 302
    client.post(response.url, {"unit": world.units["ward2"].pk, "target_returns": 3})
    page = client.get(response.url).content.decode()
    assert "Sau Tết 2025" in page and "Thạnh Lộc" in page


@pytest.fixture
def care_campaign(world):
    return services.create_campaign(
        actor=world.users["district"],
        name="2月留守儿童关爱行动",
        kind="care_february",
        unit=world.units["d12"],
        school_year=2024,
        starts_on=dt.date(2025, 2, 1),
        ends_on=dt.date(2025, 2, 28),
    )


def test_a_care_campaign_counts_the_visible_children_of_each_key_group(world, care_campaign):
    ward1, ward2 = household_in(world.units["ward1"]), household_in(world.units["ward2"])
    person_aged(9, household=ward1, left_behind=True, caregiver_name="Bà Lan")
    person_aged(12, household=ward1, left_behind=True, migrant=True)
    person_aged(7, household=ward1, unsupported=True)
    person_aged(10, household=ward2, orphan=True)
    person_aged(19, household=ward2, left_behind=True)  # an adult when the campaign starts

    district = selectors.care_children_for_user(world.users["district"], care_campaign)
    ward01 = selectors.care_children_for_user(world.users["ward01"], care_campaign)

    assert district == {
        "children": 4,
        "left_behind": 2,
        "migrant": 1,
        "unsupported": 1,
        "orphan": 1,
        "disabled": 0,
    }
    assert (ward01["children"], ward01["orphan"]) == (3, 0)


def test_a_care_campaign_page_shows_the_children_to_visit(client, world, care_campaign):
    person_aged(9, household=household_in(world.units["ward1"]), left_behind=True)
    client.force_login(world.users["district"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(f"/cases/campaigns/{care_campaign.pk}/").content.decode()

    assert 'id="campaign-care"' in page
    assert "February care for left-behind children" in page
    assert "1 children under 18 in a key group" in page


def test_a_return_campaign_page_has_no_care_counts(client, world, campaign):
    client.force_login(world.users["district"])
    assert (
        'id="campaign-care"' not in client.get(f"/cases/campaigns/{campaign.pk}/").content.decode()
    )
