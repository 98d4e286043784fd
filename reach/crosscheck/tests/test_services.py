import pytest

from reach.accounts.models import AuditEvent
from reach.casework.models import DropoutCase
from reach.common.errors import Conflict, NotAllowed
from reach.crosscheck.choices import FindingKind, Mismatch, RunStatus
from reach.crosscheck.models import CrosscheckRun, Finding, RegisterRow
from reach.crosscheck.register import RegisterRejected
from reach.crosscheck.services import compare_register, stage_register
from reach.crosscheck.tests.conftest import MONTH, born
from reach.crosscheck.tests.factories import register_file
from reach.registry.tests.factories import EnrolmentFactory, HouseholdFactory, PersonFactory


def _run(ward, planted, user="officer"):
    run = stage_register(
        actor=ward.users[user], unit=ward.ward, month=MONTH, file=planted, filename="register.csv"
    )
    return compare_register(actor=ward.users[user], run=run)


def _found(run, kind, **filters):
    findings = Finding.objects.filter(run=run, kind=kind, **filters)
    return {f.person.full_name.removeprefix("Child ") for f in findings}


def test_stage_register_keeps_every_row_on_a_staged_run(ward, planted):
    run = stage_register(
        actor=ward.users["officer"], unit=ward.ward, month=MONTH, file=planted, filename="r.csv"
    )
    assert run.status == RunStatus.STAGED
    assert run.school_year == 2024
    assert RegisterRow.objects.filter(run=run).count() == 7
    statuses = dict(RegisterRow.objects.filter(run=run).values_list("full_name", "status"))
    assert statuses["Child ok_by_name"] == "enrolled"  # "đang học"
    assert statuses["Child attending_registered_out"] == "dropped_out"  # "bỏ học"


def test_compare_register_finds_each_planted_difference_and_nothing_else(ward, planted):
    run = _run(ward, planted)
    assert _found(run, FindingKind.NOT_IN_REGISTER) == {"missing"}
    assert _found(run, FindingKind.NOT_ATTENDING) == {
        "registered_not_attending",
        "attending_registered_out",
    }
    mismatches = dict(
        Finding.objects.filter(run=run, kind=FindingKind.NOT_ATTENDING).values_list(
            "person__full_name", "mismatch"
        )
    )
    assert mismatches["Child registered_not_attending"] == Mismatch.REGISTERED_NOT_ATTENDING
    assert mismatches["Child attending_registered_out"] == Mismatch.ATTENDING_REGISTERED_OUT
    assert _found(run, FindingKind.DROPOUT) == {"registered_not_attending", "poor_dropout"}
    assert _found(run, FindingKind.DROPOUT, poor=True) == {"poor_dropout"}


def _namesakes(ward, on_register: int):
    """Two enrolled children of the ward in two households, both "Child namesake" born on the same
    day and without an ID, and `on_register` register rows of that name and birth date."""
    for code in ("HH-namesake-1", "HH-namesake-2"):
        person = PersonFactory(
            household=HouseholdFactory(code=code, unit=ward.ward),
            full_name="Child namesake",
            birth_date=born(9),
            national_id=None,
        )
        EnrolmentFactory(person=person, school=ward.school, school_year=2024, status="enrolled")
    row = {
        "full_name": "Child namesake",
        "birth_date": born(9),
        "school_code": "SCH-W1",
        "grade": 4,
        "status": "enrolled",
    }
    return register_file([*ward.register, *[row] * on_register])


def test_namesakes_without_an_id_both_on_the_register_are_both_matched(ward):
    run = _run(ward, _namesakes(ward, on_register=2))
    assert _found(run, FindingKind.NOT_IN_REGISTER) == {"missing"}
    assert _found(run, FindingKind.NOT_ATTENDING) == {
        "registered_not_attending",
        "attending_registered_out",
    }
    assert (run.register_rows, run.matched, run.school_age) == (9, 8, 8)
    assert not RegisterRow.objects.filter(run=run, unmatched=True, full_name="Child namesake")


def test_namesakes_without_an_id_one_on_the_register_lists_exactly_one(ward):
    run = _run(ward, _namesakes(ward, on_register=1))
    listed = Finding.objects.filter(run=run, kind=FindingKind.NOT_IN_REGISTER)
    assert sorted(f.person.full_name for f in listed) == ["Child missing", "Child namesake"]
    assert (run.register_rows, run.matched, run.not_in_register) == (8, 7, 2)


def test_a_namesake_row_more_than_the_registry_holds_stays_unmatched(ward):
    run = _run(ward, _namesakes(ward, on_register=3))
    assert _found(run, FindingKind.NOT_IN_REGISTER) == {"missing"}
    unmatched = RegisterRow.objects.filter(run=run, unmatched=True, full_name="Child namesake")
    assert unmatched.count() == 1


def test_compare_register_keeps_the_ledgers_counts(ward, planted):
    run = _run(ward, planted)
    # School age 6-15 in the ward: ok, ok_by_name, missing, registered_not_attending,
    # attending_registered_out, poor_dropout (not the 4-year-old, the adult or the commuter).
    assert run.school_age == 6
    assert (run.register_rows, run.matched, run.outside_unit) == (7, 6, 1)
    assert (run.not_in_register, run.not_attending, run.suspected) == (1, 2, 3)
    assert (run.dropouts, run.poor_dropouts) == (2, 1)
    assert run.status == RunStatus.COMPARED


def test_compare_register_opens_a_case_per_suspected_dropout(ward, planted):
    run = _run(ward, planted)
    cases = dict(
        DropoutCase.objects.filter(school_year=2024).values_list("person__full_name", "kind")
    )
    assert cases == {
        "Child missing": "out_of_school",
        "Child registered_not_attending": "dropped_out",
        "Child attending_registered_out": "dropped_out",
    }
    assert run.cases_opened == 3
    assert AuditEvent.objects.filter(object_type="casework.dropoutcase").count() == 3


def test_rerunning_the_same_month_keeps_history_and_opens_no_case_twice(ward, planted):
    first = _run(ward, planted)
    planted.seek(0)
    second = _run(ward, planted)
    assert second.pk != first.pk
    assert second.cases_opened == 0
    assert DropoutCase.objects.count() == 3
    assert CrosscheckRun.objects.filter(unit=ward.ward, month=MONTH).count() == 2
    assert _found(second, FindingKind.NOT_IN_REGISTER) == {"missing"}


def test_compare_register_twice_on_one_run_is_refused(ward, planted):
    run = _run(ward, planted)
    with pytest.raises(Conflict):
        compare_register(actor=ward.users["officer"], run=run)


def test_bad_rows_are_all_named_and_nothing_is_stored(ward):
    rows = [
        {
            "full_name": "Good",
            "birth_date": "2015-01-02",
            "school_code": "SCH-W1",
            "status": "enrolled",
        },
        {
            "full_name": "",
            "birth_date": "2015-01-02",
            "school_code": "SCH-W1",
            "status": "enrolled",
        },
        {
            "full_name": "Bad date",
            "birth_date": "31/02/2015",
            "school_code": "SCH-W1",
            "status": "enrolled",
        },
        {
            "full_name": "Bad school",
            "birth_date": "2015-01-02",
            "school_code": "NOPE",
            "status": "enrolled",
        },
        {
            "full_name": "Bad status",
            "birth_date": "2015-01-02",
            "school_code": "SCH-W1",
            "status": "asleep",
            "grade": 13,
        },
    ]
    with pytest.raises(RegisterRejected) as refused:
        stage_register(
            actor=ward.users["officer"],
            unit=ward.ward,
            month=MONTH,
            file=register_file(rows),
            filename="bad.csv",
        )
    named = {(e["line"], e["column"]) for e in refused.value.errors}
    assert named == {
        (3, "full_name"),
        (4, "birth_date"),
        (5, "school_code"),
        (6, "status"),
        (6, "grade"),
    }
    assert not CrosscheckRun.objects.exists()
    assert not RegisterRow.objects.exists()


def test_a_missing_column_is_named(ward):
    file = register_file([], headings=("full_name", "birth_date", "school_code"))
    with pytest.raises(RegisterRejected) as refused:
        stage_register(
            actor=ward.users["officer"], unit=ward.ward, month=MONTH, file=file, filename="x.csv"
        )
    assert {e["column"] for e in refused.value.errors} == {"status"}


@pytest.mark.parametrize("user", ["other_officer", "viewer", "school"])
def test_only_an_officer_over_the_unit_stages_or_compares(ward, planted, user):
    with pytest.raises(NotAllowed):
        stage_register(
            actor=ward.users[user], unit=ward.ward, month=MONTH, file=planted, filename="r.csv"
        )
    run = stage_register(
        actor=ward.users["officer"], unit=ward.ward, month=MONTH, file=planted, filename="r.csv"
    )
    with pytest.raises(NotAllowed):
        compare_register(actor=ward.users[user], run=run)
