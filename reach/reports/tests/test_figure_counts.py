"""A report read from the figures' counts kept per unit says when they were computed, freezes
that stamp with its snapshot, and keeps its signed figures when the counts are refreshed."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils.timezone import localtime

from reach.plans.services import refresh_figures
from reach.registry.tests.factories import EnrolmentFactory, PersonFactory
from reach.reports.content import report_content
from reach.reports.services import submit_report
from reach.reports.snapshots import live_figures

pytestmark = pytest.mark.django_db


def page_of(user, report) -> str:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(f"/reports/{report.pk}/").content.decode()


def test_a_report_counted_from_the_records_has_no_stamp(world, ward_report):
    report = ward_report()
    assert report_content(report).counted_as_of is None
    assert "Figures as of" not in page_of(world.users["ward01"], report)


def test_a_report_read_from_the_kept_counts_says_when_they_were_computed(world, ward_report):
    refresh_figures()
    report = ward_report()
    content = report_content(report)
    assert content.counted_as_of is not None
    page = page_of(world.users["ward01"], report)
    assert content.counted_as_of is not None
    assert f"Figures as of {localtime(content.counted_as_of):%Y-%m-%d %H:%M}" in page
    assert "counts kept per unit" in page and "computed from the records now" not in page


def test_a_signed_report_keeps_its_figures_and_stamp_when_the_counts_are_refreshed(
    world, ward_report
):
    refresh_figures()
    report = submit_report(actor=world.users["ward01"], report=ward_report())
    signed = dict(report.snapshot)
    assert signed["counted_as_of"]

    pupil = PersonFactory(household=world.households["ward1"])
    EnrolmentFactory(person=pupil, school=world.schools["ward1"], grade=2)
    refresh_figures()
    report.refresh_from_db()
    assert report.snapshot == signed
    live = live_figures(report)["dropout_rate"]
    assert live.denominator == signed["figures"]["dropout_rate"]["d"] + 1
    assert any(d.code == "dropout_rate" for d in report_content(report).drift)


def test_the_api_says_when_the_signed_figures_were_counted(world, ward_report):
    refresh_figures()
    report = submit_report(actor=world.users["ward01"], report=ward_report())
    client = Client()
    client.force_login(world.users["ward01"])
    body = client.get(f"/api/v1/reports/{report.pk}").json()
    assert body["snapshot_counted_as_of"] == report.snapshot["counted_as_of"]
