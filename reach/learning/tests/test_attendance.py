"""Attendance by session, the share present, completion and the training certificate: the
page marks a day for everyone at once, the certificate prints in the person's country's
language, and a continuing-education class's certificate lifts the adult deprivation
indicator."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from reach.accounts.models import AuditEvent
from reach.indicators.deprivation import conditions
from reach.learning import selectors, services
from reach.learning.models import Attendance
from reach.learning.services import LearningError
from reach.learning.tests.factories import CourseFactory
from reach.registry.models import Person
from reach.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def course_of_two(world):
    officer = world.users["ward01"]
    course = CourseFactory(unit=world.units["ward1"], code="NGHE-1")
    people = [
        PersonFactory(household=world.households["ward1"], full_name=name)
        for name in ("Trần Văn An", "Lê Thị Bình")
    ]
    parts = [services.add_participant(actor=officer, course=course, person=p) for p in people]
    return course, parts


def test_a_session_marks_everyone_and_the_share_follows(world, course_of_two):
    course, (an, binh) = course_of_two
    client = _client(world.users["ward01"])
    url = f"/learning/courses/{course.pk}/attendance/"
    for day, present in [("2024-03-04", [an.pk, binh.pk]), ("2024-03-11", [an.pk])]:
        assert client.post(url, {"on": day, "present": present}).status_code == 302
    # Marked again: the new marks replace the old, no second row.
    client.post(url, {"on": "2024-03-11", "present": [an.pk]})
    assert Attendance.objects.count() == 4
    sessions, rows = selectors.attendance_grid_for_user(world.users["ward01"], course)
    assert sessions == [dt.date(2024, 3, 4), dt.date(2024, 3, 11)]
    shares = {p.person.full_name: (marks, share) for p, marks, share in rows}
    assert shares == {"Trần Văn An": ([True, True], 100.0), "Lê Thị Bình": ([True, False], 50.0)}
    assert AuditEvent.objects.filter(object_type="learning.attendance").count() >= 4
    page = client.get(url).content.decode()
    assert "50.0" in page and 'id="session-form"' in page


def test_a_session_outside_the_course_or_by_another_ward_is_refused(world, course_of_two):
    course, (an, _binh) = course_of_two
    client = _client(world.users["ward01"])
    url = f"/learning/courses/{course.pk}/attendance/"
    response = client.post(url, {"on": "2025-01-01", "present": [an.pk]}, follow=True)
    assert "outside the course" in response.content.decode()
    with pytest.raises(LearningError):
        services.record_session(
            actor=world.users["ward01"], course=course, on=dt.date(2024, 3, 4), present=[99999]
        )
    assert not Attendance.objects.exists()
    assert _client(world.users["county"]).get(url).status_code == 404
    assert _client(world.users["school01"]).post(url, {"on": "2024-03-04"}).status_code in (
        403,
        404,
    )
    assert not Attendance.objects.exists()


def test_the_training_certificate_prints_for_a_completed_participant(world, course_of_two):
    course, (an, binh) = course_of_two
    officer = world.users["ward01"]
    client = _client(officer)
    url = f"/learning/participants/{an.pk}/certificate.pdf"
    assert client.get(url).status_code == 404  # not completed yet
    client.post(
        f"/learning/courses/{course.pk}/",
        {"step": "complete", "participant": an.pk, "completed_on": "2024-06-30",
         "certificate_number": "CC-7"},
    )  # fmt: skip
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "CC-7" in client.get(f"/learning/courses/{course.pk}/").content.decode()
    assert _client(world.users["county"]).get(url).status_code == 404
    other = f"/learning/participants/{binh.pk}/certificate.pdf"
    assert client.get(other).status_code == 404


def test_the_certificate_is_in_the_language_of_the_persons_country(world, course_of_two):
    from django.template.loader import render_to_string
    from django.utils import translation

    from reach.learning.certificates import TRAINING_TEMPLATE, person_language

    _course, (an, _binh) = course_of_two
    assert person_language(an) == "vi"
    town = world.persons["town"]
    cn_course = CourseFactory(unit=world.units["town"])
    part = services.add_participant(actor=world.users["county"], course=cn_course, person=town)
    assert person_language(part) == "zh-hans"
    with translation.override("en"):
        html = render_to_string(TRAINING_TEMPLATE, {"participant": an, "course": an.course})
    assert "Training certificate" in html


def test_a_continuing_education_certificate_lifts_the_adult_indicator(world):
    officer = world.users["ward01"]
    adult = PersonFactory(
        household=world.households["ward1"],
        birth_date=dt.date(2000, 5, 1),  # 24: the indicator asks upper secondary
        education_completed="lower_secondary",
    )
    deprived = conditions(2024).adult_deprived
    assert Person.objects.filter(deprived, pk=adult.pk).exists()
    course = CourseFactory(
        unit=world.units["ward1"], kind="literacy", completes_level="upper_secondary"
    )
    part = services.add_participant(actor=officer, course=course, person=adult)
    services.complete_participation(
        actor=officer, participant=part, completed_on=dt.date(2024, 6, 30), certificate_number="BT"
    )
    adult.refresh_from_db()
    assert adult.education_completed == "upper_secondary" and not adult.vocational_certificate
    assert not Person.objects.filter(deprived, pk=adult.pk).exists()
