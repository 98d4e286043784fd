"""The report pages: open, fill and submit, accept, return with a reason, the board, and the
PDF (with its chart) and spreadsheet."""

import io

import pytest
from django.conf import settings
from django.test import Client
from python_calamine import CalamineWorkbook

from reach.accounts.models import AuditEvent
from reach.reports.models import Report
from reach.reports.services import open_report, submit_report
from reach.reports.tests.factories import SCHOOL_YEAR_2024

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_ward_opens_fills_and_submits_its_report_and_the_district_accepts(world):
    ward = client_of(world.users["ward01"])
    response = ward.post(
        "/reports/open/",
        {"template": "vn_ward_school_year", "unit": "26734", "day": "2025-01-15"},
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    page = ward.get(f"/reports/{report.pk}/").content.decode()
    assert "Save and submit" in page and "computed from the records now" in page
    ward.post(
        f"/reports/{report.pk}/narrative/", {"achievements": "All back at school", "submit": "1"}
    )
    report.refresh_from_db()
    assert (report.status, report.narrative["achievements"]) == ("submitted", "All back at school")
    assert "Accept" not in ward.get(f"/reports/{report.pk}/").content.decode().split("History")[0]
    district = client_of(world.users["district"])
    assert 'id="decide"' in district.get(f"/reports/{report.pk}/").content.decode()
    district.post(f"/reports/{report.pk}/accept/")
    report.refresh_from_db()
    assert report.status == "accepted"


def test_a_return_without_reason_is_refused_and_with_one_names_the_figure(world):
    report = submit_report(
        actor=world.users["ward01"],
        report=open_report(
            actor=world.users["ward01"],
            template_code="vn_ward_school_year",
            unit=world.units["ward1"],
            period=SCHOOL_YEAR_2024,
        ),
    )
    district = client_of(world.users["district"])
    district.post(f"/reports/{report.pk}/return/", {"reason": ""})
    report.refresh_from_db()
    assert report.status == "submitted"
    district.post(
        f"/reports/{report.pk}/return/",
        {"reason": "Recount", "figures": ["dropout_rate"], "reason_dropout_rate": "Two left"},
    )
    report.refresh_from_db()
    assert (report.status, report.returned_figures) == ("returned", {"dropout_rate": "Two left"})
    page = client_of(world.users["ward01"]).get(f"/reports/{report.pk}/").content.decode()
    assert "Two left" in page and "Recount" in page


def test_the_ward_cannot_accept_its_own_report(world):
    report = submit_report(
        actor=world.users["ward01"],
        report=open_report(
            actor=world.users["ward01"],
            template_code="vn_ward_school_year",
            unit=world.units["ward1"],
            period=SCHOOL_YEAR_2024,
        ),
    )
    assert client_of(world.users["ward01"]).post(f"/reports/{report.pk}/accept/").status_code == 403


def test_another_wards_report_is_404(world):
    report = open_report(
        actor=world.users["admin"],
        template_code="vn_ward_school_year",
        unit=world.units["ward2"],
        period=SCHOOL_YEAR_2024,
    )
    assert client_of(world.users["ward01"]).get(f"/reports/{report.pk}/").status_code == 404


def test_rolled_up_pdf_opens_with_its_chart_and_the_spreadsheet_is_audited(world, accepted_wards):
    district = world.users["district"]
    upper = submit_report(
        actor=district,
        report=open_report(
            actor=district,
            template_code="vn_district_school_year",
            unit=world.units["d12"],
            period=SCHOOL_YEAR_2024,
        ),
    )
    client = client_of(district)
    page = client.get(f"/reports/{upper.pk}/").content.decode()
    assert "<svg" in page and "Thạnh Lộc" in page
    pdf = client.get(f"/reports/{upper.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(f"/reports/{upper.pk}/xlsx/")
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
    assert workbook.sheet_names[:2] == ["Figures", "Sub-units"]
    assert AuditEvent.objects.filter(action="export", object_id__startswith="reports.").count() == 2


def test_board_page_lists_the_wards(world, ward_report):
    submit_report(actor=world.users["ward01"], report=ward_report())
    page = client_of(world.users["district"]).get(
        "/reports/board/", {"template": "vn_ward_school_year", "unit": "761", "day": "2025-01-15"}
    )
    body = page.content.decode()
    assert page.status_code == 200 and "Thạnh Xuân" in body
    assert "Missing" in body or "Late" in body
