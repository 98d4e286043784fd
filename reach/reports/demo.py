"""The demo's reports (issue 20): the school-year reports of District 12's wards for the last
complete school year, submitted and accepted by the district office (one left submitted, so
the board shows a report waiting), and the district's report rolling them up, submitted."""

import datetime as dt

from reach.accounts.models import User
from reach.geo.models import Unit
from reach.reports.choices import PeriodKind
from reach.reports.periods import period_of
from reach.reports.services import accept_report, open_report, save_narrative, submit_report
from reach.reports.snapshots import sub_units_of


def set_up_demo_reports(*, actor: User, school_year: int) -> dict[str, int]:
    """`actor` (an administrator) signs for the wards; the demo's district office account
    accepts them and submits the roll-up."""
    checker = User.objects.get(username="district")
    period = period_of(PeriodKind.SCHOOL_YEAR, dt.date(school_year + 1, 1, 15))
    district = Unit.objects.get(code="761")
    upper = open_report(
        actor=checker, template_code="vn_district_school_year", unit=district, period=period
    )
    wards = sub_units_of(upper)
    accepted = 0
    for index, ward in enumerate(wards):
        report = open_report(
            actor=actor, template_code="vn_ward_school_year", unit=ward, period=period
        )
        save_narrative(
            actor=actor,
            report=report,
            values={
                "achievements": "Rà soát trẻ trong độ tuổi đến trường; vận động học sinh bỏ học "
                "trở lại lớp.",
                "difficulties": "Một số hộ di cư theo mùa vụ.",
            },
        )
        report = submit_report(actor=actor, report=report)
        if index < len(wards) - 1:
            accept_report(actor=checker, report=report)
            accepted += 1
    submit_report(actor=checker, report=upper)
    return {"ward reports": len(wards), "accepted": accepted, "roll-ups": 1}
