"""Outreach activities: recorded for a plan task or a campaign the officer sees, over the
activity's unit; the task's page counts what was produced; reads are scoped."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from reach.accounts.models import AuditEvent
from reach.casework.models import Campaign
from reach.common.errors import NotAllowed, OutOfScope
from reach.learning import selectors, services
from reach.learning.models import OutreachActivity
from reach.learning.services import LearningError
from reach.plans.tests.factories import PlanFactory, PlanTaskFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def district_task(world):
    """A task of the district's plan (its wards do the outreach) and a campaign of ward 2."""
    task = PlanTaskFactory(plan=PlanFactory(unit=world.units["d12"]), content="Tuyên truyền")
    campaign = Campaign.objects.create(
        name="Back to school", kind="after_summer", unit=world.units["ward2"], school_year=2024,
        starts_on=dt.date(2024, 8, 1), ends_on=dt.date(2024, 9, 30),
    )  # fmt: skip
    return task, campaign


def _record(world, user, unit, **kwargs):
    return services.record_outreach(
        actor=world.users[user], unit=world.units[unit], on=dt.date(2024, 9, 10),
        channel="loudspeaker", audience="Parents", name="Loa phường", **kwargs,
    )  # fmt: skip


def test_the_task_page_counts_what_its_activities_produced(world, district_task):
    task, _campaign = district_task
    _record(world, "district", "ward1", task=task, articles=2, clips=1)
    _record(world, "district", "ward2", task=task, publications=3)
    totals = selectors.outreach_products_for_task(world.users["district"], task.pk)
    assert (totals.activities, totals.articles, totals.clips, totals.publications) == (2, 2, 1, 3)
    assert totals.total == 6
    page = _client(world.users["district"]).get(f"/plans/tasks/{task.pk}/").content.decode()
    assert "2 outreach activities: 2 articles, 1 clips, 3 publications" in page
    # The ward's officer counts its own ward's activity only.
    assert selectors.outreach_products_for_task(world.users["ward01"], task.pk).activities == 1
    # ... and cannot tie one to the district's task, which it does not see.
    with pytest.raises(OutOfScope):
        _record(world, "ward01", "ward1", task=task)
    assert AuditEvent.objects.filter(object_type="learning.outreachactivity").count() == 2


def test_an_activity_needs_a_task_or_a_campaign_over_its_unit(world, district_task):
    task, campaign = district_task
    with pytest.raises(LearningError):
        _record(world, "district", "ward1")
    with pytest.raises(LearningError):  # ward 2's campaign does not cover ward 1
        _record(world, "district", "ward1", campaign=campaign)
    ward_task = PlanTaskFactory(plan=PlanFactory(unit=world.units["ward2"]))
    with pytest.raises(LearningError):  # a task of ward 2's plan is not ward 1's
        _record(world, "district", "ward1", task=ward_task)
    with pytest.raises(OutOfScope):  # a task the officer cannot see
        _record(world, "ward01", "ward1", task=ward_task)
    with pytest.raises(NotAllowed):
        _record(world, "ward01", "ward2", campaign=campaign)
    with pytest.raises(NotAllowed):
        _record(world, "school01", "ward1", task=task)
    assert not OutreachActivity.objects.exists()
    assert _record(world, "district", "ward2", campaign=campaign).campaign == campaign


def test_the_page_records_an_activity_and_names_what_is_wrong(world):
    task = PlanTaskFactory(plan=PlanFactory(unit=world.units["ward1"]))
    client = _client(world.users["ward01"])
    data = {
        "unit": "26734", "on": "2024-09-10", "channel": "press", "audience": "Parents",
        "name": "Bài báo", "articles": "2", "clips": "0", "publications": "0",
    }  # fmt: skip
    page = client.post("/learning/outreach/", data).content.decode()
    assert "An outreach activity is done for a plan task or a campaign." in page
    page = client.post("/learning/outreach/", {**data, "task": "999999"}).content.decode()
    assert "No such task among those you see." in page
    response = client.post("/learning/outreach/", {**data, "task": task.pk})
    assert response.status_code == 302
    listed = client.get(response.url).content.decode()
    assert "Bài báo" in listed and "1 activities produced 2 articles" in listed


def test_the_api_lists_and_records_within_scope(world, district_task):
    _district, campaign = district_task
    task = PlanTaskFactory(plan=PlanFactory(unit=world.units["ward1"]))
    _record(world, "district", "ward2", campaign=campaign, clips=4)
    ward01 = _client(world.users["ward01"])
    created = ward01.post(
        "/api/v1/learning/outreach",
        {"unit": "26734", "on": "2024-09-12", "channel": "online", "audience": "Youth",
         "name": "Clip", "task": task.pk, "clips": 1},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201 and created.json()["task"] == task.pk
    assert [a["name"] for a in ward01.get("/api/v1/learning/outreach").json()] == ["Clip"]
    district = _client(world.users["district"])
    by_task = district.get("/api/v1/learning/outreach", {"task": task.pk}).json()
    assert [a["clips"] for a in by_task] == [1]
    assert len(district.get("/api/v1/learning/outreach", {"year": 2024}).json()) == 2
    assert _client(world.users["county"]).get("/api/v1/learning/outreach").json() == []
