"""A plan's targets on its page, the target page with its charts and the list behind, its PDF
and the API: computed actuals, scoped to the reader."""

import pytest
from django.conf import settings
from django.test import Client

from reach.plans.models import Target
from reach.plans.tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def client_for(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def targets(world):
    plan = PlanFactory(code="351/KH-GDĐT", unit=world.units["d12"])
    made = {
        key: Target.objects.create(
            plan=plan,
            unit=world.units[key],
            indicator="right_age_attendance",
            value=90,
            school_year=2024,
            position=i,
        )  # fmt: skip
        for i, key in enumerate(("d12", "ward1", "ward2"))
    }
    made["training"] = Target.objects.create(
        plan=plan, unit=world.units["d12"], indicator="training_rate", value=50,
        school_year=2024, position=3,
    )  # fmt: skip
    return plan, made


def test_plan_page_lists_its_targets_with_actual_light_and_chart(world, targets):
    plan, _ = targets
    html = client_for(world, "district").get(f"/plans/{plan.pk}/").content.decode()
    block = html[html.index('id="targets"') :]
    assert "75.0%" in block and "(3 / 4" in block and "66.7%" in block
    assert "light-behind" in block and "light-met" in block
    assert "Not available yet" in block
    # Each chart follows the page, in its own request, with its table.
    assert block.count('hx-get="/plans/targets/') == plan.targets.count() == 4
    assert "<svg" not in block
    chart = client_for(world, "district").get(f"/plans/targets/{plan.targets.first().pk}/chart/")
    assert "<svg" in chart.content.decode() and "chart-table" in chart.content.decode()


def test_target_page_has_the_trend_the_sub_units_and_links_to_the_list_behind(world, targets):
    _, made = targets
    html = client_for(world, "district").get(f"/plans/targets/{made['d12'].pk}/").content.decode()
    assert html.count("<svg") == 2 and 'id="sub-units"' in html
    assert "Thạnh Xuân" in html and "Thạnh Lộc" in html
    assert "part=numerator&amp;year=2024" in html


def test_the_list_behind_names_the_persons_of_the_number(world, targets):
    _, made = targets
    client = client_for(world, "district")
    url = f"/plans/targets/{made['ward2'].pk}/persons/"
    counted = client.get(url, {"part": "numerator"}).content.decode()
    out_of = client.get(url, {"part": "denominator"}).content.decode()
    assert "Pupil ward2" in counted and "Pupil commuter" in counted
    assert "Sibling at home" not in counted and "Sibling at home" in out_of
    assert "Pupil ward1" not in out_of  # another ward
    assert client.get(url, {"unit": "26734"}).status_code == 404  # not under ward 2


def test_a_ward_reads_its_own_target_only(world, targets):
    _, made = targets
    ward = client_for(world, "ward01")
    assert ward.get(f"/plans/targets/{made['ward1'].pk}/").status_code == 200
    assert ward.get(f"/plans/targets/{made['ward2'].pk}/").status_code == 404
    assert ward.get(f"/plans/targets/{made['d12'].pk}/").status_code == 404


def test_target_pdf_carries_the_same_chart(world, targets):
    _, made = targets
    response = client_for(world, "district").get(f"/plans/targets/{made['d12'].pk}/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


def test_api_lists_targets_with_actual_numerator_denominator_and_light(world, targets):
    plan, _ = targets
    body = client_for(world, "district").get(f"/api/v1/plans/{plan.pk}/targets").json()
    assert [
        (t["unit"], t["numerator"], t["denominator"], t["actual"], t["light"]) for t in body
    ] == [
        ("761", 3, 4, 75.0, "behind"),
        ("26734", 1, 1, 100.0, "met"),
        ("26737", 2, 3, 66.7, "behind"),
        ("761", None, None, None, "not_available"),
    ]
    assert body[3]["available"] is False and body[3]["reason"]
    ward = client_for(world, "ward01").get(f"/api/v1/plans/{plan.pk}/targets").json()
    assert [t["unit"] for t in ward] == ["26734"]


def test_a_district_officer_sets_a_target_from_the_plan_page(world, targets):
    plan, _ = targets
    client = client_for(world, "district")
    assert "Set the target" in client.get(f"/plans/{plan.pk}/").content.decode()
    response = client.post(
        f"/plans/{plan.pk}/targets/new/",
        {"indicator": "dropout_rate", "direction": "at_most", "value": "2", "unit": "26737",
         "school_year": "2024", "wording": "Giảm tỉ lệ bỏ học"},
    )  # fmt: skip
    target = Target.objects.get(indicator="dropout_rate")
    assert response.status_code == 302 and response["Location"] == f"/plans/targets/{target.pk}/"
    assert target.unit == world.units["ward2"] and target.direction == "at_most"
    refused = client_for(world, "ward01").post(
        f"/plans/{plan.pk}/targets/new/",
        {"indicator": "dropout_rate", "direction": "at_most", "value": "2", "school_year": "2024"},
    )
    assert refused.status_code == 403


def test_a_target_changes_by_a_decision_whose_reason_is_kept(world, targets):
    from reach.accounts.models import AuditEvent

    _plan, made = targets
    target = made["ward2"]
    client = client_for(world, "district")
    assert 'id="change-target"' in client.get(f"/plans/targets/{target.pk}/").content.decode()
    change = {"indicator": "right_age_attendance", "direction": "at_least", "value": "95",
              "unit": "26737", "school_year": "2024"}  # fmt: skip

    without_reason = client.post(f"/plans/targets/{target.pk}/change/", change)
    target.refresh_from_db()
    assert without_reason.status_code == 302 and target.value == 90

    client.post(f"/plans/targets/{target.pk}/change/", change | {"reason": "QĐ 12/2025"})
    target.refresh_from_db()
    assert target.value == 95
    event = AuditEvent.objects.get(object_type="plans.target", object_id=str(target.pk))
    assert event.reason == "QĐ 12/2025"
    assert (event.before["value"], event.after["value"]) == ("90.0", "95.0")


def test_a_ward_cannot_change_the_districts_target(world, targets):
    _plan, made = targets
    ward = client_for(world, "ward01")
    page = ward.get(f"/plans/targets/{made['ward1'].pk}/").content.decode()
    assert 'id="change-target"' not in page
    refused = ward.post(
        f"/plans/targets/{made['ward1'].pk}/change/",
        {"indicator": "right_age_attendance", "direction": "at_least", "value": "10",
         "school_year": "2024", "reason": "x"},
    )  # fmt: skip
    assert refused.status_code == 403


def test_api_counts_each_target_in_four_statements(world, targets):
    """Each target adds four statements (whether the reader sees everyone under its unit,
    whether its figure's counts are kept for its years, the years it has records of, its trend
    over them all), whatever its records."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan, made = targets
    client = client_for(world, "district")
    client.get(f"/api/v1/plans/{plan.pk}/targets")  # the session and grants, read once
    with CaptureQueriesContext(connection) as four:
        client.get(f"/api/v1/plans/{plan.pk}/targets")
    made["ward1"].delete()
    made["ward2"].delete()
    with CaptureQueriesContext(connection) as two:
        client.get(f"/api/v1/plans/{plan.pk}/targets")
    assert len(four) - len(two) == 8  # four a target; the unavailable figure counts nothing


def test_a_dropout_target_shows_the_reasons_found_on_visits(world, targets):
    from reach.casework.models import CaseVisitReason
    from reach.casework.tests.factories import CaseVisitFactory, DropoutCaseFactory
    from reach.registry.models import Enrolment

    plan, _ = targets
    Enrolment.objects.filter(person=world.persons["ward2"]).update(status="dropped_out")
    visit = CaseVisitFactory(case=DropoutCaseFactory(person=world.persons["ward2"]))
    for reason in ("economic_hardship", "distance"):
        CaseVisitReason.objects.create(visit=visit, reason=reason)
    target = Target.objects.create(
        plan=plan, unit=world.units["ward2"], indicator="dropout_rate", value=1,
        direction="at_most", school_year=2024,
    )  # fmt: skip
    html = client_for(world, "district").get(f"/plans/targets/{target.pk}/").content.decode()
    reasons = html[html.index('id="reasons"') :]
    assert "Economic hardship" in reasons and "Distance to school" in reasons
    assert "50.0%" in html  # one of ward 2's two pupils at the dropout levels
