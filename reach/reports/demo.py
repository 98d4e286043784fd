"""The demo's reports (issue 20): the school-year reports of a school year's wards, submitted
and all but one accepted (so the board shows a report waiting), and the report above rolling
them up, submitted. Before the reorganisation of 2025-07-01 they are District 12's eleven
wards, signed for by an administrator and accepted by the district office; after it, the five
wards formed from them, signed for by the district office (which follows its wards) and accepted
for the city by an administrator."""

import datetime as dt

from reach.accounts.models import User
from reach.geo.models import Unit
from reach.reports.choices import PeriodKind
from reach.reports.periods import period_of
from reach.reports.services import accept_report, open_report, save_narrative, submit_report
from reach.reports.snapshots import sub_units_of


def set_up_demo_reports(*, actor: User, school_year: int) -> dict[str, int]:
    """`actor` is an administrator; the demo's district office account is the other signer."""
    office = User.objects.get(username="district")
    period = period_of(PeriodKind.SCHOOL_YEAR, dt.date(school_year + 1, 1, 15))
    district = Unit.objects.get(code="761")
    if district.valid_to is None or district.valid_to >= period.starts_on:
        upper_unit, template, signer, checker = district, "vn_district_school_year", actor, office
    else:
        upper_unit, template, signer, checker = (
            district.parent,
            "vn_city_school_year",
            office,
            actor,
        )
    upper = open_report(actor=checker, template_code=template, unit=upper_unit, period=period)
    wards = sub_units_of(upper)
    accepted = 0
    for index, ward in enumerate(wards):
        report = open_report(
            actor=signer, template_code="vn_ward_school_year", unit=ward, period=period
        )
        save_narrative(
            actor=signer,
            report=report,
            values={
                "achievements": "Rà soát trẻ trong độ tuổi đến trường; vận động học sinh bỏ học "
                "trở lại lớp.",
                "difficulties": "Một số hộ di cư theo mùa vụ.",
            },
        )
        report = submit_report(actor=signer, report=report)
        if index < len(wards) - 1:
            accept_report(actor=checker, report=report)
            accepted += 1
    submit_report(actor=checker, report=upper)
    return {"ward reports": len(wards), "accepted": accepted, "roll-ups": 1}
