"""The reports API: the list (scoped), one report with its frozen snapshot, and the board."""

import pytest
from django.conf import settings
from django.test import Client

from reach.registry.tests.factories import EnrolmentFactory, PersonFactory
from reach.reports.services import submit_report

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_report_list_is_scoped(world, accepted_wards):
    assert [r["unit"] for r in api(world.users["ward01"]).get("/api/v1/reports/").json()] == [
        "26734"
    ]
    district = api(world.users["district"]).get("/api/v1/reports/").json()
    assert sorted(r["unit"] for r in district) == ["26734", "26737"]
    assert api(world.users["ward01"]).get("/api/v1/reports/", {"unit": "26737"}).status_code == 404


def test_report_detail_gives_the_frozen_snapshot_and_drift(world, accepted_wards):
    report = accepted_wards["ward1"]
    EnrolmentFactory(person=PersonFactory(household=world.households["ward1"]))
    body = api(world.users["district"]).get(f"/api/v1/reports/{report.pk}").json()
    assert body["status"] == "accepted"
    assert body["figures"]["dropout_rate"] == {"numerator": 0, "denominator": 1, "value": 0.0}
    assert {"figure": "dropout_rate", "signed": {"numerator": 0, "denominator": 1, "value": 0.0},
            "live": {"numerator": 0, "denominator": 2, "value": 0.0}} in body["drift"]  # fmt: skip
    assert [e["action"] for e in body["history"]] == ["opened", "submitted", "accepted"]
    other = api(world.users["ward01"]).get(f"/api/v1/reports/{accepted_wards['ward2'].pk}")
    assert other.status_code == 404


def test_board_api(world, ward_report):
    submit_report(actor=world.users["ward01"], report=ward_report())
    body = (
        api(world.users["district"])
        .get(
            "/api/v1/reports/board",
            {"template": "vn_ward_school_year", "unit": "761", "day": "2025-01-15"},
        )
        .json()
    )
    assert body["period_label"] == "2024–2025"
    assert [(r["unit"], r["state"]) for r in body["rows"]][0] == ("26734", "submitted")
    assert body["rows"][1]["state"] in ("missing", "late")


def test_report_list_queries_do_not_grow_with_the_reports(
    world, ward_report, ward2_officer, django_assert_max_num_queries
):
    client = api(world.users["district"])
    ward_report("ward1")
    client.get("/api/v1/reports/")  # warm the session and the caches
    with django_assert_max_num_queries(8) as one:
        assert len(client.get("/api/v1/reports/").json()) == 1
    ward_report("ward2", ward2_officer)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get("/api/v1/reports/").json()) == 2
