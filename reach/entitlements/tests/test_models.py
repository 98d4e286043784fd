"""Constraints of runs and lines."""

import pytest
from django.db import IntegrityError, connection, transaction

from reach.entitlements.choices import LineStatus, RunStatus
from reach.entitlements.models import EntitlementLine
from reach.entitlements.services import replaced_drafts, run_entitlements
from reach.entitlements.tests.factories import EntitlementRunFactory, make_place, make_pupil
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft() -> EntitlementLine:
    """A line of a pupil's benefit, as a run writes it (a draft)."""
    load_policies_dir(path=default_policies_dir())
    place = make_place()
    make_pupil(unit=place.units["town"], level="upper_secondary", grade=10)
    run = run_entitlements(policy_codes=["cn-guiding-2015"], school_year=2024, unit=None)
    return EntitlementLine.objects.filter(run=run).first()


def _copy(line: EntitlementLine, *, status: str) -> EntitlementLine:
    return EntitlementLine(
        run=EntitlementRunFactory(status=RunStatus.DONE),
        enrolment=line.enrolment,
        person=line.person,
        household=line.household,
        unit=line.unit,
        benefit=line.benefit,
        benefit_code=line.benefit_code,
        policy_code=line.policy_code,
        school_year=line.school_year,
        amount_minor=line.amount_minor,
        currency=line.currency,
        status=status,
    )


def test_entitlement_line_one_benefit_per_person_and_school_year(draft):
    duplicate = _copy(draft, status=LineStatus.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    duplicate.school_year = 2025
    duplicate.save()  # another school year is another entitlement


def test_entitlement_line_one_draft_and_one_in_force_but_any_number_superseded(draft):
    """The one-open-line constraint: beside a draft, one line in force; two of either clash;
    lines superseded by corrections never clash, with each other or with the open ones."""
    _copy(draft, status=LineStatus.IN_FORCE).save()
    for status in (LineStatus.DRAFT, LineStatus.IN_FORCE):
        with pytest.raises(IntegrityError), transaction.atomic():
            _copy(draft, status=status).save()
    _copy(draft, status=LineStatus.SUPERSEDED).save()
    _copy(draft, status=LineStatus.SUPERSEDED).save()

    same = EntitlementLine.objects.filter(
        person=draft.person, benefit_code=draft.benefit_code, policy_code=draft.policy_code
    )
    assert sorted(same.values_list("status", flat=True)) == sorted(
        [LineStatus.DRAFT, LineStatus.IN_FORCE, LineStatus.SUPERSEDED, LineStatus.SUPERSEDED]
    )


def _sqlite_plan(lines) -> str:
    sql, params = lines.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " ".join(str(row[-1]) for row in cursor.fetchall())


sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's plans")


@sqlite_only
def test_entitlement_lines_of_a_person_are_found_by_the_one_open_line_index():
    """A person's lines (every status and year) are looked up in the constraint's index, which
    begins with the person: the lines need no index of the person of their own."""
    plan = _sqlite_plan(EntitlementLine.objects.filter(person=1))
    assert "entitlement_line_one_open_per_benefit_person_year (person_id=?)" in plan


@sqlite_only
def test_entitlement_lines_in_force_by_year_and_drafts_by_run_are_found_by_an_index():
    """Lines in force of a year go by the year's index, which holds no draft; the draft lines a
    run replaces go by their runs (the index on run and person)."""
    in_force = EntitlementLine.objects.filter(school_year=2024, status=LineStatus.IN_FORCE)
    assert "entitlement_line_in_force_year (school_year=?)" in _sqlite_plan(in_force)

    plan = _sqlite_plan(replaced_drafts(key="vn-poverty-education", school_year=2024, unit=None))
    assert "entitlement_run_id_e45bc2_idx (run_id=?)" in plan


@pytest.mark.parametrize("scoped", [False, True])
def test_entitlement_run_one_pending_or_running_run_per_key(scoped):
    unit = make_place().units["town"] if scoped else None
    EntitlementRunFactory(unit=unit, status=RunStatus.RUNNING)
    with pytest.raises(IntegrityError), transaction.atomic():
        EntitlementRunFactory(unit=unit, status=RunStatus.PENDING)
    EntitlementRunFactory(unit=unit, status=RunStatus.DONE)
    EntitlementRunFactory(unit=unit, status=RunStatus.FAILED)
    EntitlementRunFactory(unit=unit, status=RunStatus.RUNNING, school_year=2025)
    EntitlementRunFactory(
        unit=unit, status=RunStatus.RUNNING, policy_codes="cn-guiding-2015,vn-poverty-education"
    )
