"""The pages: rates with their lists, the registration's steps, the editor, the export."""

import datetime as dt

import pytest
from django.test import Client

from reach.accounts.models import AuditEvent
from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.funds.tests.factories import OrganisationFactory
from reach.learning.models import CriteriaSet, Participant, Registration
from reach.learning.tests.factories import CourseFactory, CriteriaSetFactory
from reach.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_registration_goes_through_its_steps_on_its_page(world):
    ward01 = _client(world.users["ward01"])
    criteria_set = CriteriaSetFactory()
    response = ward01.post(
        "/learning/registrations/new/",
        {"year": 2024, "criteria_set": criteria_set.pk, "subject": "HH-ward1"},
    )
    registration = Registration.objects.get()
    assert response.url == f"/learning/registrations/{registration.pk}/"
    page = ward01.get(response.url).content.decode()
    assert page.count("→ 20") == 2  # both computed criteria met, shown beside the self-assessment
    ward01.post(f"{response.url}assess/", {"step": "self", "points-3": "10"})
    ward01.post(f"{response.url}assess/", {"step": "board", "board": "Ban khuyến học"})
    ward01.post(
        f"{response.url}assess/",
        {"step": "decision", "decision_number": "5/QĐ", "decided_on": "2024-12-01"},
    )
    registration.refresh_from_db()
    assert (registration.status, registration.board_score) == ("recognised", 50)
    overview = ward01.get("/learning/", {"year": 2024}).content.decode()
    assert "title=family&status=recognised" in overview
    listed = ward01.get(
        "/learning/registrations/", {"year": 2024, "title": "family", "status": "recognised"}
    )
    assert "Head ward1" in listed.content.decode()
    pdf = ward01.get(f"{response.url}certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_another_ward_cannot_register_or_see_the_registration(world):
    criteria_set = CriteriaSetFactory()
    ward01 = _client(world.users["ward01"])
    ward01.post(
        "/learning/registrations/new/",
        {"year": 2024, "criteria_set": criteria_set.pk, "subject": "HH-ward2"},
    )
    assert not Registration.objects.exists()
    ward01.post(
        "/learning/registrations/new/",
        {"year": 2024, "criteria_set": criteria_set.pk, "subject": "HH-ward1"},
    )
    registration = Registration.objects.get()
    county = _client(world.users["county"])
    assert county.get(f"/learning/registrations/{registration.pk}/").status_code == 404


def test_an_association_enters_a_new_version_in_the_editor(world):
    association = OrganisationFactory(unit=world.units["d12"])
    user = MembershipFactory(
        user=UserFactory(username="hoi"), role="office", organisation=association
    ).user
    CriteriaSetFactory(code="khvn_242_2022_family")
    client = _client(user)
    page = client.get("/learning/criteria/", {"code": "khvn_242_2022_family"}).content.decode()
    assert "1 |  | Criterion 1 | 20 | children_enrolled" in page
    response = client.post(
        "/learning/criteria/",
        {
            "code": "khvn_242_2022_family",
            "title": "family",
            "name": "Gia đình học tập (QĐ 242/QĐ-KHVN)",
            "source": "QĐ 242/QĐ-KHVN (28/7/2022)",
            "pass_mark": "",
            "criteria": "1 | Trẻ em | Trẻ em đi học | 25 | children_enrolled\n2 | | Khác | |",
        },
    )
    assert response.status_code == 302
    latest = CriteriaSet.objects.get(code="khvn_242_2022_family", version=2)
    assert latest.pass_mark is None
    assert [(c.code, c.max_points, c.computed) for c in latest.criteria.all()] == [
        ("1", 25, "children_enrolled"),
        ("2", None, ""),
    ]
    assert _client(world.users["ward01"]).post("/learning/criteria/", {}).status_code == 403


def test_training_lists_and_their_export_are_scoped_and_audited(world):
    worker = PersonFactory(
        household=world.households["ward1"],
        full_name="Worker ward1",
        birth_date=dt.date(1990, 1, 1),
    )
    course = CourseFactory(unit=world.units["ward1"])
    Participant.objects.create(
        course=course,
        person=worker,
        status="completed",
        completed_on=dt.date(2024, 5, 1),
        certificate_number="C1",
    )
    district = _client(world.users["district"])
    page = district.get("/learning/training/", {"year": 2024, "unit": "761"}).content.decode()
    assert "measure=certified" in page
    listed = district.get("/learning/training/persons/", {"year": 2024, "measure": "certified"})
    assert "Worker ward1" in listed.content.decode()
    xlsx = district.get(
        "/learning/training/persons/", {"year": 2024, "measure": "certified", "format": "xlsx"}
    )
    assert xlsx.status_code == 200
    event = AuditEvent.objects.get(action="export", object_id="learning.training_persons")
    assert event.after["rows"] == 1
    county = _client(world.users["county"])
    other = county.get("/learning/training/persons/", {"year": 2024, "measure": "certified"})
    assert "Worker ward1" not in other.content.decode()


def test_completing_a_course_on_its_page(world):
    young = PersonFactory(household=world.households["ward1"], birth_date=dt.date(2000, 1, 1))
    course = CourseFactory(unit=world.units["ward1"])
    ward01 = _client(world.users["ward01"])
    ward01.post(f"/learning/courses/{course.pk}/", {"step": "add", "person": young.pk})
    participant = Participant.objects.get()
    ward01.post(
        f"/learning/courses/{course.pk}/",
        {
            "step": "complete",
            "participant": participant.pk,
            "completed_on": "2024-06-30",
            "certificate_number": "NN-7",
        },
    )
    young.refresh_from_db()
    assert young.vocational_certificate
    school = _client(world.users["school01"])
    assert school.post(
        f"/learning/courses/{course.pk}/", {"step": "add", "person": young.pk}
    ).status_code in (403, 404)
