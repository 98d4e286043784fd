"""The DHIS2 export: accepted figures only, numerator and denominator as data elements, periods
in DHIS2 syntax (or ADX's where DHIS2 has none), unmapped entries listed, never sent."""

import csv
import datetime as dt
import io

import pytest
from django.conf import settings
from django.test import Client

from reach.accounts.models import AuditEvent
from reach.reports.dhis2 import Mapping, build_export, dhis2_period
from reach.reports.models import Report
from reach.reports.services import submit_report

pytestmark = pytest.mark.django_db

MAPPING = Mapping(
    figures={"dropout_rate": {"numerator": "DROP_N", "denominator": "DROP_D"}},
    org_units={"26734": "OU_TX", "26737": "to confirm"},
)


def _report(**fields) -> Report:
    return Report(period_kind=fields.pop("kind"), **fields)


@pytest.mark.parametrize(
    ("kind", "starts_on", "ends_on", "financial_september", "expected"),
    [
        ("month", dt.date(2025, 9, 1), dt.date(2025, 9, 30), False, "202509"),
        ("quarter", dt.date(2025, 7, 1), dt.date(2025, 9, 30), False, "2025Q3"),
        ("school_year", dt.date(2025, 9, 1), dt.date(2026, 8, 31), True, "2025Sep"),
        ("school_year", dt.date(2025, 9, 1), dt.date(2026, 8, 31), False, "2025-09-01/P1Y"),
        ("semester", dt.date(2025, 9, 1), dt.date(2026, 1, 31), False, "2025-09-01/P5M"),
        ("final_review", dt.date(2025, 1, 1), dt.date(2025, 1, 10), False, "2025-01-01/P10D"),
    ],
)
def test_periods_in_dhis2_syntax(kind, starts_on, ends_on, financial_september, expected):
    report = _report(kind=kind, starts_on=starts_on, ends_on=ends_on)
    assert dhis2_period(report, financial_september=financial_september) == expected


def test_export_sends_accepted_mapped_figures_and_lists_the_rest(
    world, accepted_wards, ward_report
):
    accepted = list(accepted_wards.values())
    export = build_export(accepted, MAPPING)
    assert export.data_values == [
        {"dataElement": "DROP_N", "period": "2024-09-01/P1Y", "orgUnit": "OU_TX",
         "categoryOptionCombo": "default", "attributeOptionCombo": "default", "value": "0"},
        {"dataElement": "DROP_D", "period": "2024-09-01/P1Y", "orgUnit": "OU_TX",
         "categoryOptionCombo": "default", "attributeOptionCombo": "default", "value": "1"},
    ]  # fmt: skip
    assert "unit 26737 (Thạnh Lộc)" in export.unmapped
    assert "figure right_age_attendance numerator" in export.unmapped
    rows = list(csv.DictReader(io.StringIO(export.as_csv())))
    assert [(r["dataElement"], r["value"]) for r in rows] == [("DROP_N", "0"), ("DROP_D", "1")]


def test_export_leaves_out_reports_not_accepted(world, ward_report):
    submitted = submit_report(actor=world.users["ward01"], report=ward_report())
    assert build_export([submitted], MAPPING).data_values == []


def test_a_closed_unit_is_exported_under_its_own_code_with_its_closing_date(world, accepted_wards):
    world.units["ward1"].valid_to = dt.date(2025, 6, 30)
    world.units["ward1"].save()
    report = Report.objects.select_related("unit").get(pk=accepted_wards["ward1"].pk)
    values = build_export([report], MAPPING).data_values
    assert {(v["orgUnit"], v["comment"]) for v in values} == {("OU_TX", "closed 2025-06-30")}


def test_dhis2_download_is_role_gated_and_audited(world, accepted_wards):
    viewer = Client()
    viewer.force_login(world.users["school01"])
    assert viewer.get("/reports/dhis2/").status_code == 403
    district = Client()
    district.force_login(world.users["district"])
    district.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = district.get("/reports/dhis2/", {"format": "csv"})
    assert response.status_code == 200 and response.content.startswith(b"dataElement,period")
    body = district.get("/api/v1/reports/dhis2").json()
    assert body["dataValueSet"]["dataValues"] == []  # the shipped mapping is all "to confirm"
    assert "unit 26734 (Thạnh Xuân)" in body["unmapped"]
    assert AuditEvent.objects.filter(object_id__startswith="reports.dhis2").count() == 2
