"""Reports with sign-off: opening, the frozen snapshot, returns with reasons, resubmission with
its history kept, siblings untouched, and the roll-up of accepted reports."""

import pytest

from reach.accounts.models import AuditEvent
from reach.common.errors import Conflict, NotAllowed
from reach.plans.tests.factories import OrganisationFactory
from reach.registry.tests.factories import EnrolmentFactory, PersonFactory
from reach.reports.choices import ReportAction, ReportStatus
from reach.reports.models import Report
from reach.reports.services import (
    ReportError,
    accept_report,
    open_report,
    return_report,
    save_narrative,
    submit_report,
)
from reach.reports.snapshots import drift, value_of
from reach.reports.tests.factories import SCHOOL_YEAR_2024

pytestmark = pytest.mark.django_db


def _pupils(report: Report, code: str = "dropout_rate") -> int:
    return report.snapshot["figures"][code]["d"]


def test_open_report_takes_period_and_due_date_from_the_calendar(world, ward_report):
    report = ward_report()
    assert (report.status, report.school_year, report.period_label) == ("draft", 2024, "2024–2025")
    assert str(report.due_on) == "2025-09-15"  # 31 August + the template's 15 days
    assert report.snapshot is None
    assert ward_report().pk == report.pk  # opening again returns the same report
    assert list(report.events.values_list("action", flat=True)) == [ReportAction.OPENED]


def test_open_report_refuses_a_template_of_another_level(world):
    with pytest.raises(ReportError):
        open_report(
            actor=world.users["district"],
            template_code="vn_ward_school_year",
            unit=world.units["d12"],
            period=SCHOOL_YEAR_2024,
        )


def test_only_the_wards_own_staff_prepare_its_report(world, ward_report, ward2_officer):
    with pytest.raises(NotAllowed):
        ward_report("ward1", user=world.users["district"])  # the level above checks, not signs
    with pytest.raises(NotAllowed):
        ward_report("ward1", user=ward2_officer)


def test_submission_freezes_figures_and_the_table_of_sub_units(world, ward_report):
    report = submit_report(actor=world.users["ward01"], report=ward_report())
    assert report.status == ReportStatus.SUBMITTED
    # ward 1's persons: its pupil (the commuter lives in ward 2)
    assert report.snapshot["figures"]["dropout_rate"] == {"n": 0, "d": 1, "value": 0.0}
    assert set(report.snapshot["figures"]) >= {"right_age_attendance", "scholarship_coverage"}
    assert report.snapshot["sub_units"] == []  # the ward has no villages in this world
    assert report.snapshot["school_year"] == 2024


def test_snapshot_does_not_change_when_the_data_does_and_drift_is_shown(world, ward_report):
    report = submit_report(actor=world.users["ward01"], report=ward_report())
    frozen = dict(report.snapshot)
    EnrolmentFactory(person=PersonFactory(household=world.households["ward1"]))
    report.refresh_from_db()
    assert report.snapshot == frozen
    assert _pupils(report) == 1
    (changed,) = [d for d in drift(report) if d.code == "dropout_rate"]
    assert (changed.signed.denominator, changed.live.denominator) == (1, 2)


def test_a_return_always_carries_a_reason(world, ward_report):
    report = submit_report(actor=world.users["ward01"], report=ward_report())
    with pytest.raises(ReportError):
        return_report(actor=world.users["district"], report=report, reason="  ")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_returned_report_is_resubmitted_and_its_history_kept(world, ward_report):
    officer, district = world.users["ward01"], world.users["district"]
    report = submit_report(actor=officer, report=ward_report())
    report = return_report(
        actor=district,
        report=report,
        reason="Check the dropout count",
        figures={"dropout_rate": "One pupil left in May"},
    )
    assert report.returned_figures == {"dropout_rate": "One pupil left in May"}
    report = save_narrative(actor=officer, report=report, values={"achievements": "Checked."})
    report = submit_report(actor=officer, report=report)
    report = accept_report(actor=district, report=report)
    events = list(report.events.order_by("at", "pk"))
    assert [e.action for e in events] == [
        "opened", "submitted", "returned", "resubmitted", "accepted",
    ]  # fmt: skip
    returned = events[2]
    assert (returned.reason, returned.figures, returned.actor) == (
        "Check the dropout count",
        ["dropout_rate"],
        district,
    )
    assert report.returned_figures == {}
    assert (
        AuditEvent.objects.filter(object_type="reports.report", object_id=str(report.pk)).count()
        == 6
    )


def test_a_signed_report_cannot_be_edited(world, ward_report):
    report = submit_report(actor=world.users["ward01"], report=ward_report())
    with pytest.raises(Conflict):
        save_narrative(actor=world.users["ward01"], report=report, values={"proposals": "x"})


def test_returning_one_sub_units_report_leaves_its_siblings_and_the_roll_up(
    world, ward_report, ward2_officer
):
    district = world.users["district"]
    ward1 = submit_report(actor=world.users["ward01"], report=ward_report("ward1"))
    ward1 = accept_report(actor=district, report=ward1)
    upper = open_report(
        actor=district,
        template_code="vn_district_school_year",
        unit=world.units["d12"],
        period=SCHOOL_YEAR_2024,
    )
    upper = submit_report(actor=district, report=upper)
    ward2 = submit_report(actor=ward2_officer, report=ward_report("ward2", ward2_officer))
    return_report(actor=district, report=ward2, reason="Missing the commuter")
    assert Report.objects.get(pk=ward2.pk).status == ReportStatus.RETURNED
    assert Report.objects.get(pk=ward1.pk).status == ReportStatus.ACCEPTED
    assert Report.objects.get(pk=upper.pk).status == ReportStatus.SUBMITTED


def test_the_submitter_cannot_accept_and_the_ward_cannot_accept_its_own(world, ward_report):
    report = submit_report(actor=world.users["ward01"], report=ward_report())
    with pytest.raises(NotAllowed):
        accept_report(actor=world.users["ward01"], report=report)
    with pytest.raises(NotAllowed):
        accept_report(actor=world.users["county"], report=report)


def test_roll_up_of_accepted_reports_equals_the_sum_of_their_snapshots(world, accepted_wards):
    district = world.users["district"]
    # the district's own records change after the wards signed: the roll-up reads their snapshots
    EnrolmentFactory(person=PersonFactory(household=world.households["ward2"]))
    upper = submit_report(
        actor=district,
        report=open_report(
            actor=district,
            template_code="vn_district_school_year",
            unit=world.units["d12"],
            period=SCHOOL_YEAR_2024,
        ),
    )
    for code, node in upper.snapshot["figures"].items():
        parts = [value_of(r.snapshot["figures"][code]) for r in accepted_wards.values()]
        if parts[0].numerator is None:
            assert node["n"] is None
            continue
        n = sum(p.numerator for p in parts)
        d = sum(p.denominator for p in parts)
        assert (node["n"], node["d"]) == (n, d)
        assert node["value"] == (round(100 * n / d, 1) if d else None)
    assert upper.snapshot["figures"]["dropout_rate"]["d"] == 3  # ward 1: 1, ward 2: 2
    assert [row["missing"] for row in upper.snapshot["sub_units"]] == [False, False]


def test_roll_up_leaves_out_and_lists_sub_units_not_accepted(world, ward_report):
    district = world.users["district"]
    submitted = submit_report(actor=world.users["ward01"], report=ward_report())
    assert submitted.status == ReportStatus.SUBMITTED  # submitted, not accepted: not counted
    upper = submit_report(
        actor=district,
        report=open_report(
            actor=district,
            template_code="vn_district_school_year",
            unit=world.units["d12"],
            period=SCHOOL_YEAR_2024,
        ),
    )
    assert [row["missing"] for row in upper.snapshot["sub_units"]] == [True, True]
    assert upper.snapshot["figures"]["dropout_rate"]["n"] is None


def test_an_organisation_reports_and_signs(world):
    union = OrganisationFactory(kind="youth_union", unit=world.units["ward1"], code="YU-1")
    from reach.accounts.tests.factories import MembershipFactory, UserFactory

    secretary = UserFactory(username="secretary")
    MembershipFactory(user=secretary, role="ward_officer", organisation=union)
    report = open_report(
        actor=secretary,
        template_code="vn_youth_union_review",
        organisation=union,
        period=SCHOOL_YEAR_2024,
    )
    report = submit_report(actor=secretary, report=report)
    assert (report.unit, report.organisation) == (world.units["ward1"], union)
    assert accept_report(actor=world.users["district"], report=report).status == "accepted"
    with pytest.raises(NotAllowed):  # the ward's officer is not the union
        open_report(
            actor=world.users["ward01"],
            template_code="vn_youth_union_review",
            organisation=union,
            period=SCHOOL_YEAR_2024,
        )


def test_an_organisation_of_another_kind_in_the_unit_does_not_sign_the_units_report(world):
    from reach.accounts.tests.factories import MembershipFactory, UserFactory

    union = OrganisationFactory(kind="youth_union", unit=world.units["ward1"], code="YU-2")
    office = OrganisationFactory(kind="peoples_committee", unit=world.units["ward1"], code="UB-1")
    member, officer = UserFactory(username="member"), UserFactory(username="officer")
    MembershipFactory(user=member, role="ward_officer", organisation=union)
    MembershipFactory(user=officer, role="ward_officer", organisation=office)
    with pytest.raises(NotAllowed):
        open_report(
            actor=member,
            template_code="vn_ward_school_year",
            unit=world.units["ward1"],
            period=SCHOOL_YEAR_2024,
        )
    report = open_report(
        actor=officer,
        template_code="vn_ward_school_year",
        unit=world.units["ward1"],
        period=SCHOOL_YEAR_2024,
    )
    assert report.unit == world.units["ward1"]
