"""The runs API: start or join a run (202), status and progress, the caller's part of a run,
its lines, and a student's entitlements with the reasons."""

import pytest

from reach.entitlements.choices import RunStatus
from reach.entitlements.models import EntitlementLine, EntitlementRun
from reach.entitlements.services import run_entitlements
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir
from reach.registry.tests.test_api import token_client

pytestmark = pytest.mark.django_db
VN_POLICY = "vn-poverty-education"


@pytest.fixture
def d12_run(world):
    load_policies_dir(path=default_policies_dir())
    return run_entitlements(policy_codes=[VN_POLICY], school_year=2024, unit=world.units["d12"])


def test_post_runs_queues_a_run_and_a_second_post_joins_it(world, d12_run):
    client = token_client("district")
    body = {"policies": [VN_POLICY], "school_year": 2025, "unit": "761"}

    first = client.post("/api/v1/runs", body, content_type="application/json")
    second = client.post("/api/v1/runs", body, content_type="application/json")

    assert first.status_code == second.status_code == 202
    assert first.json()["status"] == RunStatus.PENDING and first.json()["joined"] is False
    assert second.json()["id"] == first.json()["id"] and second.json()["joined"] is True
    assert EntitlementRun.objects.filter(school_year=2025).count() == 1


@pytest.mark.parametrize(
    ("username", "unit", "status"),
    [
        ("school01", "26734", 403),
        ("ward01", "761", 404),
        ("district", None, 403),
        ("county", "761", 404),
    ],
)
def test_post_runs_outside_the_callers_rights_is_refused(world, d12_run, username, unit, status):
    body = {"policies": [VN_POLICY], "school_year": 2025, "unit": unit}
    response = token_client(username).post("/api/v1/runs", body, content_type="application/json")
    assert response.status_code == status
    assert not EntitlementRun.objects.filter(school_year=2025).exists()


def test_post_runs_of_an_unknown_policy_is_refused_with_422(world, d12_run):
    body = {"policies": ["nope"], "school_year": 2025, "unit": "761"}
    response = token_client("district").post("/api/v1/runs", body, content_type="application/json")
    assert response.status_code == 422 and "nope" in response.json()["detail"]


def test_get_run_gives_status_totals_and_diff_and_the_callers_part(world, d12_run):
    whole = token_client("district").get(f"/api/v1/runs/{d12_run.pk}").json()
    part = token_client("ward01").get(f"/api/v1/runs/{d12_run.pk}").json()

    assert (whole["status"], whole["percent_done"], whole["whole"]) == ("done", 100, True)
    assert whole["totals"] == d12_run.totals and whole["versions"] == {VN_POLICY: 1}
    ward_lines = EntitlementLine.objects.filter(run=d12_run, unit=world.units["ward1"]).count()
    assert part["whole"] is False and part["totals"]["lines"] == ward_lines
    assert {entry["person"] for entry in part["diff"]["added"]} == {world.persons["ward1"].pk}
    assert token_client("county").get(f"/api/v1/runs/{d12_run.pk}").status_code == 404


def test_run_lines_are_paged_and_scoped(world, d12_run, django_assert_max_num_queries):
    client = token_client("ward01")
    with django_assert_max_num_queries(8):
        body = client.get(f"/api/v1/runs/{d12_run.pk}/lines?page_size=1").json()
    ward_lines = EntitlementLine.objects.filter(run=d12_run, person=world.persons["ward1"])
    assert body["count"] == ward_lines.count() and len(body["items"]) == 1
    item = body["items"][0]
    assert (item["person"], item["unit"], item["benefit_version"]) == (
        world.persons["ward1"].pk,
        "26734",
        1,
    )


def test_person_entitlements_with_a_year_explain_each_benefit(world, d12_run):
    pupil = world.persons["ward1"]
    client = token_client("district")

    body = client.get(f"/api/v1/persons/{pupil.pk}/entitlements?year=2024&lang=en").json()

    lines = {(line["policy"], line["benefit"]) for line in body["lines"]}
    granted = {(v["policy"], v["benefit"]) for v in body["verdicts"] if v["outcome"] == "granted"}
    assert lines == granted and lines
    verdict = next(v for v in body["verdicts"] if v["outcome"] == "granted")
    assert verdict["line_id"] is not None and verdict["checks"] and verdict["source"]["document"]
    assert token_client("county").get(f"/api/v1/persons/{pupil.pk}/entitlements").status_code == 404


def test_policies_api_gives_the_rules_in_the_requested_language(world, d12_run):
    client = token_client("county")

    listing = client.get("/api/v1/policies").json()
    detail = client.get(f"/api/v1/policies/{VN_POLICY}?lang=zh-hans").json()

    assert {policy["code"] for policy in listing} == {
        VN_POLICY, "cn-guiding-2015", "cn-national-student-aid"
    }  # fmt: skip
    support = next(b for b in detail["benefits"] if b["code"] == "learning_cost_support")
    assert support["name"] == support["names"]["zh"]
    assert support["rule"].startswith("学段为")
    # Decree 81/2021 applies from school year 2021-2022, whole
    assert support["amount_words"] == "150,000 VND × 9 个月 (自 2021-2022 学年起按整学年)"
    assert client.get("/api/v1/policies/nope").status_code == 404
