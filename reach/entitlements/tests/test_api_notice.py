"""The API of the public notice (masked lines, .xlsx, PDF) and of objections (record, uphold,
dismiss, with the refusals as 403 / 404 / 409)."""

import io

import pytest
from python_calamine import CalamineWorkbook

from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.entitlements.models import EntitlementRun
from reach.entitlements.services import run_entitlements
from reach.entitlements.services.workflow import approve_run, publish_run, submit_run
from reach.entitlements.tests.factories import make_pupil
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir
from reach.registry.tests.test_api import token_client

pytestmark = pytest.mark.django_db
VN_POLICY = "vn-poverty-education"
JSON = "application/json"


@pytest.fixture
def published(world):
    person = world.persons["ward1"]
    person.full_name, person.national_id = "Nguyễn Văn An", "079204001234"
    person.save()
    load_policies_dir(path=default_policies_dir())
    run = run_entitlements(policy_codes=[VN_POLICY], school_year=2024, unit=world.units["d12"])
    run = approve_run(
        run=submit_run(run=run, actor=world.users["admin"]), actor=world.users["district"]
    )
    return publish_run(run=run, actor=world.users["district"], objection_days=5)


def ward1_line(world, run):
    return run.lines.get(person=world.persons["ward1"])


def test_the_notice_lists_the_callers_places_and_masked_lines(world, published):
    body = token_client("ward01").get(f"/api/v1/runs/{published.pk}/notice?ward=26734").json()

    assert [w["code"] for w in body["wards"]] == ["26734"]
    assert body["objections_until"] == published.objections_until.isoformat()
    (line,) = body["lines"]
    assert (line["name"], line["national_id"]) == ("Nguyễn V. A.", "********1234")
    flat = str(body)
    for secret in ("Nguyễn Văn An", "079204001234", "2015-05-01", "HH-ward1", "Example Street"):
        assert secret not in flat


def test_the_notice_of_a_ward_outside_the_callers_scope_is_not_found(world, published):
    response = token_client("ward01").get(f"/api/v1/runs/{published.pk}/notice?ward=26737")
    assert response.status_code == 404
    assert token_client("county").get(f"/api/v1/runs/{published.pk}/notice").status_code == 404


def test_the_notice_documents_are_masked_xlsx_and_pdf(world, published):
    client = token_client("ward01")
    xlsx = client.get(f"/api/v1/runs/{published.pk}/notice/xlsx?ward=26734")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0)
    values = [str(v) for row in rows.to_python() for v in row]
    assert "Nguyễn V. A." in values and "********1234" in values
    assert not [v for v in values if "Nguyễn Văn An" in v or "079204001234" in v]

    pdf = client.get(f"/api/v1/runs/{published.pk}/notice/pdf?ward=26734")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/api/v1/runs/{published.pk}/notice/pdf").status_code == 422


def test_an_objection_is_recorded_then_upheld_with_a_correction_run(world, published):
    line = ward1_line(world, published)
    created = token_client("ward01").post(
        f"/api/v1/runs/{published.pk}/objections",
        {"line": line.pk, "raised_by": "Trần Thị Bình", "reason": "Wrong status"},
        content_type=JSON,
    )
    assert created.status_code == 201
    objection = created.json()
    assert (objection["status"], objection["recorded_by"]) == ("open", "ward01")

    district = token_client("district")
    upheld = district.post(
        f"/api/v1/objections/{objection['id']}/uphold", {"resolution": "Recheck"}, content_type=JSON
    )
    assert upheld.status_code == 200 and upheld.json()["status"] == "upheld"
    correction = EntitlementRun.objects.get(pk=upheld.json()["correction"])
    assert correction.corrects_id == published.pk and "Recheck" in correction.correction_reason

    again = district.post(
        f"/api/v1/objections/{objection['id']}/dismiss", {"resolution": "no"}, content_type=JSON
    )
    assert again.status_code == 409
    listed = district.get(f"/api/v1/runs/{published.pk}/objections").json()
    assert [o["id"] for o in listed] == [objection["id"]]


def test_objection_refusals_are_403_404_409_and_422(world, published):
    line = ward1_line(world, published)
    body = {"line": line.pk, "raised_by": "A", "reason": "B"}
    MembershipFactory(user=UserFactory(username="ward02"), unit=world.units["ward2"])
    url = f"/api/v1/runs/{published.pk}/objections"

    assert token_client("ward02").post(url, body, content_type=JSON).status_code == 404
    objection = token_client("ward01").post(url, body, content_type=JSON).json()
    dismiss = f"/api/v1/objections/{objection['id']}/dismiss"
    assert (
        token_client("ward01").post(dismiss, {"resolution": "x"}, content_type=JSON).status_code
        == 403
    )
    assert token_client("district").post(dismiss, {}, content_type=JSON).status_code == 422


@pytest.fixture
def crowded(world):
    """A published run over ward 26734 with five pupils more than the world holds."""
    for number in range(5):
        make_pupil(unit=world.units["ward1"], full_name=f"Lê Thị Hoa {number}")
    load_policies_dir(path=default_policies_dir())
    run = run_entitlements(policy_codes=[VN_POLICY], school_year=2024, unit=world.units["ward1"])
    run = approve_run(
        run=submit_run(run=run, actor=world.users["ward01"]), actor=world.users["district"]
    )
    return publish_run(run=run, actor=world.users["district"], objection_days=5)


def test_the_notice_and_objection_lists_take_a_fixed_number_of_queries(
    world, crowded, django_assert_num_queries
):
    client = token_client("district")
    for line in crowded.lines.all():
        client.post(
            f"/api/v1/runs/{crowded.pk}/objections",
            {"line": line.pk, "raised_by": "A", "reason": "B"},
            content_type=JSON,
        )
    assert crowded.lines.count() == 6
    # the token with its user, memberships; run; the places (schools, units, wards); the lines
    with django_assert_num_queries(7):
        notice = client.get(f"/api/v1/runs/{crowded.pk}/notice?ward=26734")
    assert len(notice.json()["lines"]) == 6
    with django_assert_num_queries(4):  # token and user, memberships, the run, the objections
        listed = client.get(f"/api/v1/runs/{crowded.pk}/objections")
    assert len(listed.json()) == 6
