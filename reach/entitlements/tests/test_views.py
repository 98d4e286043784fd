"""The runs' pages: who sees which run and which part of it, starting, joining and retrying a
run, the progress bar, and a person's entitlements with the "why" panel."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from reach.entitlements.choices import RunStatus
from reach.entitlements.models import EntitlementLine, EntitlementRun
from reach.entitlements.services import STALE_AFTER, run_entitlements
from reach.entitlements.tests.factories import EntitlementRunFactory
from reach.policy.calc import default_policies_dir
from reach.policy.labels import source_name
from reach.policy.services import load_policies_dir

pytestmark = pytest.mark.django_db
VN_POLICY = "vn-poverty-education"
GUIDING = "cn-guiding-2015"


@pytest.fixture
def runs(world):
    """A run over everything, one over District 12 and one over Guiding county."""
    load_policies_dir(path=default_policies_dir())
    return {
        "everything": run_entitlements(policy_codes=[GUIDING], school_year=2024, unit=None),
        "d12": run_entitlements(
            policy_codes=[VN_POLICY], school_year=2024, unit=world.units["d12"]
        ),
        "county": run_entitlements(
            policy_codes=[GUIDING], school_year=2023, unit=world.units["county"]
        ),
    }


def logged_in(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


VISIBLE_RUNS = {
    "admin": {"everything", "d12", "county"},
    "district": {"everything", "d12"},
    "ward01": {"everything", "d12"},  # runs above the ward: its part of them
    "school01": {"everything", "d12"},
    "county": {"everything", "county"},
    "nobody": set(),
}


@pytest.mark.parametrize("username", sorted(VISIBLE_RUNS))
def test_run_pages_show_the_runs_whose_scope_overlaps_the_users(world, runs, username):
    client = logged_in(world, username)
    listing = client.get("/runs/").content.decode()
    for key, run in runs.items():
        visible = key in VISIBLE_RUNS[username]
        assert (f'href="/runs/{run.pk}/"' in listing) == visible, (username, key)
        assert client.get(f"/runs/{run.pk}/").status_code == (200 if visible else 404)


def test_a_ward_officer_sees_only_its_wards_part_of_a_district_run(world, runs):
    run = runs["d12"]
    ward_lines = EntitlementLine.objects.filter(run=run, unit=world.units["ward1"])
    assert ward_lines.exists() and ward_lines.count() < run.lines.count()

    response = logged_in(world, "ward01").get(f"/runs/{run.pk}/")

    totals = response.context["totals"]
    assert response.context["whole"] is False
    assert totals["lines"] == ward_lines.count()
    assert totals["amount_minor"] == {"VND": ward_lines.aggregate(s=Sum("amount_minor"))["s"]}
    assert [row["unit"] for row in totals["by_unit"]] == ["26734"]
    assert {line.person_id for line in response.context["lines"]} == {world.persons["ward1"].pk}
    assert "chỉ tính học sinh thuộc phạm vi của bạn" in response.content.decode()  # vi


def test_the_office_sees_the_whole_run_with_names_and_its_difference(world, runs):
    run = runs["d12"]

    response = logged_in(world, "district").get(f"/runs/{run.pk}/")

    assert response.context["whole"] is True
    assert response.context["totals"] == run.totals
    names = {row["name"] for row in response.context["by_benefit"]}
    assert "Hỗ trợ chi phí học tập" in names  # the page speaks Vietnamese by default
    assert response.context["diff"]["counts"]["added"] == run.lines.count()


def test_the_run_page_names_its_funding_sources(world, runs):
    run = runs["d12"]
    page = logged_in(world, "district").get(f"/runs/{run.pk}/").content.decode()

    sources = {part["source"] for line in run.lines.all() for part in line.funding}
    assert sources
    with translation.override("vi"):
        for source in sources:
            assert f">{source}<" not in page and f"{source}:" not in page
            assert source_name(source) != source and source_name(source) in page


def test_the_office_starts_a_run_in_the_background_and_a_second_request_joins_it(world, runs):
    client = logged_in(world, "district")
    form = {"policies": [VN_POLICY], "school_year": "2025", "unit": "761"}

    first = client.post("/runs/start/", form)
    second = client.post("/runs/start/", form, follow=True)

    run = EntitlementRun.objects.get(school_year=2025)
    assert first.status_code == 302 and first.url == f"/runs/{run.pk}/"
    assert run.status == RunStatus.PENDING and run.requested_by == world.users["district"]
    assert second.redirect_chain[-1][0] == f"/runs/{run.pk}/"
    assert EntitlementRun.objects.filter(school_year=2025).count() == 1
    page = second.content.decode()
    assert 'hx-trigger="every 1s"' in page  # the progress bar polls while the run waits


def test_a_ward_officer_may_run_over_its_ward_only(world, runs):
    client = logged_in(world, "ward01")
    assert client.get("/runs/").context["form"].fields["unit"].choices == [
        ("26734", "Thạnh Xuân (26734)")
    ]

    refused = client.post(
        "/runs/start/", {"policies": [VN_POLICY], "school_year": "2025", "unit": "761"}
    )
    allowed = client.post(
        "/runs/start/", {"policies": [VN_POLICY], "school_year": "2025", "unit": "26734"}
    )

    assert refused.status_code == 400 and "unit" in refused.context["form"].errors
    assert allowed.status_code == 302
    assert EntitlementRun.objects.get(school_year=2025).unit == world.units["ward1"]


@pytest.mark.parametrize("username", ["school01", "nobody"])
def test_school_staff_and_strangers_may_not_start_runs(world, runs, username):
    client = logged_in(world, username)
    response = client.post("/runs/start/", {"policies": [VN_POLICY], "school_year": "2025"})
    assert response.status_code == 404
    assert "run-form" not in client.get("/runs/").content.decode()
    assert not EntitlementRun.objects.filter(school_year=2025).exists()


def test_only_an_administrator_may_run_over_everything(world, runs):
    choices = logged_in(world, "admin").get("/runs/").context["form"].fields["unit"].choices
    assert choices[0][0] == ""
    district_choices = logged_in(world, "district").get("/runs/").context["form"].fields["unit"]
    assert "" not in dict(district_choices.choices)


def test_the_progress_bar_reloads_the_page_once_the_run_has_ended(world, runs):
    client = logged_in(world, "district")
    waiting = EntitlementRunFactory(
        policy_codes=VN_POLICY,
        school_year=2030,
        unit=world.units["d12"],
        progress_total=7,
        progress_done=3,
    )

    polled = client.get(f"/runs/{waiting.pk}/progress/?active=1")
    ended = client.get(f"/runs/{runs['d12'].pk}/progress/?active=1")

    assert polled.status_code == 200 and 'value="42"' in polled.content.decode()
    assert ended.status_code == 204 and ended["HX-Refresh"] == "true"


def test_a_failed_run_shows_its_reason_and_can_be_retried(world, runs):
    failed = EntitlementRunFactory(
        policy_codes=VN_POLICY,
        school_year=2025,
        unit=world.units["d12"],
        status=RunStatus.FAILED,
        error="worker stopped",
    )
    client = logged_in(world, "district")

    page = client.get(f"/runs/{failed.pk}/").content.decode()
    retried = client.post(f"/runs/{failed.pk}/retry/")

    assert "worker stopped" in page and "/retry/" in page
    new = EntitlementRun.objects.get(school_year=2025, status=RunStatus.PENDING)
    assert retried.url == f"/runs/{new.pk}/"
    refused = logged_in(world, "ward01").post(f"/runs/{failed.pk}/retry/", follow=True)
    [message] = list(refused.context["messages"])
    assert message.level_tag == "error" and refused.redirect_chain[-1][0] == f"/runs/{failed.pk}/"
    assert EntitlementRun.objects.filter(school_year=2025).count() == 2


def test_the_person_page_loads_entitlements_and_the_why_panel(world, runs):
    pupil = world.persons["ward1"]
    client = logged_in(world, "ward01")

    page = client.get(f"/persons/{pupil.pk}/").content.decode()
    block = client.get(f"/persons/{pupil.pk}/entitlements/").content.decode()
    why = client.get(f"/persons/{pupil.pk}/why/2024/")

    assert f'hx-get="/persons/{pupil.pk}/entitlements/"' in page
    line = EntitlementLine.objects.filter(person=pupil).first()
    assert line is not None and f'href="/runs/{line.run_id}/"' in block
    assert f'hx-get="/persons/{pupil.pk}/why/2024/"' in block
    verdicts = {
        v.code: v for policy in why.context["explanation"].policies for v in policy.verdicts
    }
    assert verdicts[line.benefit_code].granted
    assert "Nghị định" in why.content.decode()  # the legal source of each benefit


def test_a_person_outside_the_users_scope_has_no_entitlements_page(world, runs):
    pupil = world.persons["ward1"]
    client = logged_in(world, "county")
    assert client.get(f"/persons/{pupil.pk}/entitlements/").status_code == 404
    assert client.get(f"/persons/{pupil.pk}/why/2024/").status_code == 404


def test_run_pages_make_a_fixed_number_of_queries(world, runs, django_assert_max_num_queries):
    client = logged_in(world, "ward01")
    with django_assert_max_num_queries(12):
        client.get("/runs/")
    with django_assert_max_num_queries(24):
        client.get(f"/runs/{runs['d12'].pk}/")


def test_reading_the_runs_pages_and_the_api_writes_nothing_not_even_to_fail_a_stale_run(
    world, runs
):
    stale = EntitlementRunFactory(
        policy_codes=VN_POLICY,
        school_year=2030,
        unit=world.units["d12"],
        heartbeat_at=timezone.now() - STALE_AFTER - dt.timedelta(minutes=1),
    )
    client = logged_in(world, "district")
    urls = [
        "/runs/",
        f"/runs/{stale.pk}/",
        f"/runs/{stale.pk}/progress/?active=1",
        "/api/v1/runs",
        f"/api/v1/runs/{stale.pk}",
    ]

    with CaptureQueriesContext(connection) as queries:
        statuses = [client.get(url).status_code for url in urls]

    assert statuses == [200, 200, 200, 200, 200]
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    stale.refresh_from_db()
    assert stale.status == RunStatus.RUNNING
