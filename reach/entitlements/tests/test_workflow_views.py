"""The approval steps on a run's page and in the API: each shown only to who may take it."""

import pytest
from django.test import Client
from django.utils import translation

from reach.entitlements.choices import RunStage
from reach.entitlements.models import EntitlementRun
from reach.registry.tests.test_api import token_client

pytestmark = pytest.mark.django_db
VN_POLICY = "vn-poverty-education"


def logged_in(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def steps(world, username, run) -> set:
    return logged_in(world, username).get(f"/runs/{run.pk}/").context["steps"]


def test_the_page_offers_each_step_to_who_may_take_it(world, ward_run):
    assert steps(world, "ward01", ward_run) == {"submit"}
    assert steps(world, "school01", ward_run) == {"submit"}
    logged_in(world, "ward01").post(f"/runs/{ward_run.pk}/submit/")
    assert steps(world, "ward01", ward_run) == set()
    assert steps(world, "district", ward_run) == {"approve", "return"}

    logged_in(world, "district").post(f"/runs/{ward_run.pk}/approve/")
    assert steps(world, "district", ward_run) == {"publish", "correct"}
    logged_in(world, "district").post(f"/runs/{ward_run.pk}/publish/", {"objection_days": "3"})
    ward_run.refresh_from_db()
    assert ward_run.stage == RunStage.PUBLISHED
    assert steps(world, "district", ward_run) == {"close", "correct"}


def test_a_refused_step_shows_its_reason(world, ward_run):
    client = logged_in(world, "district")
    client.post(f"/runs/{ward_run.pk}/submit/")
    response = client.post(f"/runs/{ward_run.pk}/approve/", follow=True)
    ward_run.refresh_from_db()
    assert ward_run.stage == RunStage.SUBMITTED
    [message] = list(response.context["messages"])
    assert message.level_tag == "error"
    with translation.override("vi"):
        expected = translation.gettext("the user who submitted a run may not approve or return it")
    assert str(message) == expected and message.message in response.content.decode()


def test_a_correction_starts_from_the_page_and_says_what_it_corrects(world, ward_run):
    logged_in(world, "ward01").post(f"/runs/{ward_run.pk}/submit/")
    logged_in(world, "district").post(f"/runs/{ward_run.pk}/approve/")

    response = logged_in(world, "ward01").post(
        f"/runs/{ward_run.pk}/correct/", {"reason": "objection of household HH-ward1 upheld"}
    )

    correction = EntitlementRun.objects.exclude(pk=ward_run.pk).get()
    assert response.url == f"/runs/{correction.pk}/"
    assert (correction.corrects, correction.correction_reason) == (
        ward_run,
        "objection of household HH-ward1 upheld",
    )


def test_the_api_walks_a_run_through_approval(world, ward_run):
    ward, office = token_client("ward01"), token_client("district")
    url = f"/api/v1/runs/{ward_run.pk}"

    assert ward.post(f"{url}/submit").json()["stage"] == "submitted"
    assert ward.post(f"{url}/approve").status_code == 403
    assert office.post(f"{url}/close").status_code == 409
    assert office.post(f"{url}/approve").json()["stage"] == "approved"
    published = office.post(
        f"{url}/publish", {"objection_days": 5}, content_type="application/json"
    )
    assert published.json()["stage"] == "published"
    correction = ward.post(f"{url}/corrections", {"reason": "fix"}, content_type="application/json")
    assert correction.status_code == 202 and correction.json()["corrects"] == ward_run.pk
