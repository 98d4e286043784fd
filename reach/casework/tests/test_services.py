"""The life cycle of a case, its forbidden transitions, its audit trail, and opening cases from
the lists (idempotent, scoped, assigned to the unit's work group)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from reach.accounts.models import AuditEvent
from reach.accounts.permissions import command_line_actor
from reach.casework import services
from reach.casework.models import CaseVisit, DropoutCase
from reach.casework.services import CaseError
from reach.casework.tests.factories import CaseVisitFactory, DropoutCaseFactory, WorkGroupFactory
from reach.indicators.deprivation import Indicator, Measure
from reach.indicators.selectors import list_indicator_persons_for_user
from reach.indicators.tests.factories import enrol, household_in, person_aged
from reach.registry.models import Enrolment

pytestmark = pytest.mark.django_db
SYSTEM = command_line_actor()
DAY = dt.date(2024, 9, 20)


@pytest.fixture
def child(world):
    return person_aged(
        9, household=household_in(world.units["ward1"], status="poor"), full_name="Lê Văn Tâm"
    )


@pytest.fixture
def case(world, child):
    return services.open_case(
        actor=world.users["ward01"],
        person=child,
        school_year=2024,
        kind="out_of_school",
        opened_on=dt.date(2024, 9, 15),
    )


def visit(world, case, **kw):
    kw.setdefault("visited_on", DAY)
    kw.setdefault("visitors", "Cô Hạnh (school), anh Dũng (ward)")
    return services.record_visit(actor=world.users["ward01"], case=case, **kw)


def test_open_case_records_who_opened_it_and_an_audit_event(world, case, child):
    assert (case.status, case.unit, case.household) == (
        "open",
        world.units["ward1"],
        child.household,
    )
    event = AuditEvent.objects.get(object_type="casework.dropoutcase", object_id=str(case.pk))
    assert event.actor == world.users["ward01"] and event.action == "create"
    assert event.household_id == child.household_id
    assert event.after["kind"] == "out_of_school"


def test_a_second_active_case_for_the_same_child_and_year_is_refused(world, case, child):
    with pytest.raises(CaseError, match="already has an open case"):
        services.open_case(actor=SYSTEM, person=child, school_year=2024, kind="dropped_out")
    with pytest.raises(IntegrityError), transaction.atomic():
        DropoutCaseFactory(person=child, school_year=2024)


def test_a_visit_moves_the_case_in_progress_with_its_reasons_and_wishes(world, case):
    recorded = visit(
        world,
        case,
        findings="Works at the market with his mother",
        reasons=["economic_hardship", "work", "work"],
        family_wishes="Wants to go back if he gets a bicycle",
    )

    case.refresh_from_db()
    assert case.status == "in_progress"
    assert sorted(recorded.reasons.values_list("reason", flat=True)) == [
        "economic_hardship",
        "work",
    ]
    event = AuditEvent.objects.get(object_type="casework.casevisit")
    assert event.after["reasons"] == ["economic_hardship", "work"]
    assert event.after["family_wishes"] == "Wants to go back if he gets a bicycle"
    status_change = AuditEvent.objects.filter(
        object_type="casework.dropoutcase", action="update"
    ).get()
    assert (status_change.before["status"], status_change.after["status"]) == (
        "open",
        "in_progress",
    )


def test_an_action_also_starts_the_case(world, case):
    services.record_action(
        actor=SYSTEM, case=case, kind="bicycle_supplies", taken_on=DAY, note="Bicycle"
    )
    case.refresh_from_db()
    assert case.status == "in_progress"


def test_closing_as_returned_to_school_records_the_enrolment_and_changes_the_lists(
    world, case, child
):
    user = world.users["ward01"]

    def out_of_school_names():
        return set(
            list_indicator_persons_for_user(
                user, school_year=2024, indicator=Indicator.CHILD, measure=Measure.DEPRIVED
            ).values_list("full_name", flat=True)
        )

    visit(world, case)
    assert "Lê Văn Tâm" in out_of_school_names()

    services.close_case(
        actor=user,
        case=case,
        outcome="returned_to_school",
        closed_on=dt.date(2024, 10, 1),
        school=world.schools["ward1"],
        level="primary",
        grade=4,
    )

    case.refresh_from_db()
    assert (case.status, case.outcome, case.closed_on) == (
        "closed",
        "returned_to_school",
        dt.date(2024, 10, 1),
    )
    enrolment = Enrolment.objects.get(person=child, school_year=2024)
    assert (enrolment.level, enrolment.grade, enrolment.status) == ("primary", 4, "enrolled")
    assert AuditEvent.objects.filter(
        object_type="registry.enrolment", reason=f"case #{case.pk}"
    ).exists()
    assert "Lê Văn Tâm" not in out_of_school_names()


def test_returning_a_dropout_re_enrols_the_dropped_enrolment(world, child):
    dropped = enrol(child, "primary", status="dropped_out", grade=4, school=world.schools["ward1"])
    case = services.open_case(
        actor=SYSTEM, person=child, school_year=2024, kind="dropped_out", opened_on=DAY
    )
    visit(world, case)

    services.close_case(
        actor=SYSTEM, case=case, outcome="returned_to_school", closed_on=DAY,
        school=world.schools["ward1"], level="primary",
    )  # fmt: skip

    dropped.refresh_from_db()
    assert dropped.status == "enrolled" and dropped.grade == 4
    assert Enrolment.objects.filter(person=child).count() == 1


FORBIDDEN = [
    ("visit a closed case", lambda w, c: visit(w, c), "is closed"),
    (
        "act on a closed case",
        lambda w, c: services.record_action(actor=SYSTEM, case=c, kind="literacy_class"),
        "is closed",
    ),
    (
        "close a closed case",
        lambda w, c: services.close_case(actor=SYSTEM, case=c, outcome="still_out"),
        "is closed",
    ),
    (
        "assign a closed case",
        lambda w, c: services.assign_case(actor=SYSTEM, case=c, work_group=None),
        "is closed",
    ),
]


@pytest.mark.parametrize(("what", "attempt", "message"), FORBIDDEN, ids=[f[0] for f in FORBIDDEN])
def test_a_closed_case_refuses_changes(world, case, what, attempt, message):
    visit(world, case)
    services.close_case(actor=SYSTEM, case=case, outcome="moved_away", closed_on=DAY)
    before = AuditEvent.objects.count()

    with pytest.raises(CaseError, match=message):
        attempt(world, case)

    assert AuditEvent.objects.count() == before


def test_closing_before_any_visit_is_refused(world, case):
    with pytest.raises(CaseError, match="at least one household visit"):
        services.close_case(actor=SYSTEM, case=case, outcome="still_out")


@pytest.mark.parametrize(
    ("kind", "outcome", "allowed"),
    [
        ("out_of_school", "returned_to_school", True),
        ("out_of_school", "stayed_in_school", False),
        ("dropped_out", "stayed_in_school", False),
        ("at_risk", "returned_to_school", False),
        ("at_risk", "stayed_in_school", True),
        ("at_risk", "still_out", True),
        ("dropped_out", "continuing_education", True),
        ("dropped_out", "unreachable", True),
        ("dropped_out", "graduated", False),
    ],
)
def test_outcomes_must_fit_the_kind_of_case(world, child, kind, outcome, allowed):
    case = services.open_case(
        actor=SYSTEM, person=child, school_year=2024, kind=kind, opened_on=DAY
    )
    visit(world, case)
    close = (
        {"school": world.schools["ward1"], "level": "primary"}
        if outcome == "returned_to_school"
        else {}
    )

    if allowed:
        services.close_case(actor=SYSTEM, case=case, outcome=outcome, closed_on=DAY, **close)
        case.refresh_from_db()
        assert case.outcome == outcome
    else:
        with pytest.raises(CaseError, match="cannot close as"):
            services.close_case(actor=SYSTEM, case=case, outcome=outcome, closed_on=DAY, **close)


def test_returned_to_school_needs_a_school_teaching_the_level(world, case):
    visit(world, case)
    with pytest.raises(CaseError, match="which school and level"):
        services.close_case(actor=SYSTEM, case=case, outcome="returned_to_school")
    with pytest.raises(CaseError, match="does not teach this level"):
        services.close_case(
            actor=SYSTEM, case=case, outcome="returned_to_school",
            school=world.schools["ward1"], level="upper_secondary",
        )  # fmt: skip
    case.refresh_from_db()
    assert case.status == "in_progress"


@pytest.mark.parametrize(
    ("day", "message"),
    [(dt.date(2024, 9, 1), "before the case was opened"), (dt.date(2999, 1, 1), "in the future")],
)
def test_visit_dates_must_fall_between_opening_and_today(world, case, day, message):
    with pytest.raises(CaseError, match=message):
        visit(world, case, visited_on=day)
    assert not CaseVisit.objects.exists()


def test_a_visit_needs_its_visitors_and_known_reasons(world, case):
    with pytest.raises(CaseError, match="who made the visit"):
        visit(world, case, visitors="  ")
    with pytest.raises(CaseError, match="Unknown reason"):
        visit(world, case, reasons=["laziness"])


def test_reopening_a_closed_case_clears_the_outcome_and_keeps_the_reason(world, case):
    visit(world, case)
    services.close_case(actor=SYSTEM, case=case, outcome="still_out", closed_on=DAY)

    services.reopen_case(
        actor=world.users["ward01"], case=case, reason="Left school again in March"
    )

    case.refresh_from_db()
    assert (case.status, case.outcome, case.closed_on) == ("in_progress", "", None)
    assert AuditEvent.objects.filter(reason="Left school again in March").exists()


def test_reopening_an_active_case_or_without_a_reason_is_refused(world, case):
    with pytest.raises(CaseError, match="is not closed"):
        services.reopen_case(actor=SYSTEM, case=case, reason="why not")
    visit(world, case)
    services.close_case(actor=SYSTEM, case=case, outcome="still_out", closed_on=DAY)
    with pytest.raises(CaseError, match="Say why"):
        services.reopen_case(actor=SYSTEM, case=case, reason=" ")


def test_reopening_is_refused_when_another_case_is_open(world, case, child):
    visit(world, case)
    services.close_case(actor=SYSTEM, case=case, outcome="still_out", closed_on=DAY)
    services.open_case(
        actor=SYSTEM, person=child, school_year=2024, kind="dropped_out", opened_on=DAY
    )
    with pytest.raises(CaseError, match="another open case"):
        services.reopen_case(actor=SYSTEM, case=case, reason="again")


def test_assignment_only_to_a_work_group_serving_the_childs_unit(world, case):
    ward_group = WorkGroupFactory(unit=world.units["ward1"])
    district_group = WorkGroupFactory(unit=world.units["d12"])
    other_ward = WorkGroupFactory(unit=world.units["ward2"])

    services.assign_case(actor=SYSTEM, case=case, work_group=ward_group)
    services.assign_case(actor=SYSTEM, case=case, work_group=district_group)
    with pytest.raises(CaseError, match="does not serve"):
        services.assign_case(actor=SYSTEM, case=case, work_group=other_ward)
    case.refresh_from_db()
    assert case.work_group == district_group


def test_an_action_links_to_the_record_it_led_to(world, case):
    action = services.record_action(actor=SYSTEM, case=case, kind="aid_referral", taken_on=DAY)

    services.link_action(
        actor=SYSTEM, action=action, object_type="funds.scholarshipapplication", object_id=17
    )

    action.refresh_from_db()
    assert (action.linked_object_type, action.linked_object_id) == (
        "funds.scholarshipapplication",
        "17",
    )
    assert AuditEvent.objects.filter(object_type="casework.caseaction", action="update").exists()


@pytest.fixture
def lists(world):
    """Ward 1: a child out of school, a dropout, a pupil at risk; ward 2: a child out of school."""
    home = household_in(world.units["ward1"], status="poor")
    person_aged(8, household=home, full_name="Out, ward 1")
    dropped = person_aged(13, household=home, full_name="Dropped, ward 1")
    enrol(dropped, "lower_secondary", status="dropped_out", grade=8)
    at_risk = person_aged(10, household=home, full_name="At risk, ward 1", orphan=True)
    enrol(at_risk, "primary", grade=5, attendance_rate=60, school=world.schools["ward1"])
    person_aged(7, household=household_in(world.units["ward2"]), full_name="Out, ward 2")
    return world


def test_open_cases_from_lists_opens_one_case_per_child_and_audits_each(lists):
    group = WorkGroupFactory(unit=lists.units["ward1"])

    counts = services.open_cases_from_lists(
        actor=lists.users["ward01"], school_year=2024, opened_on=DAY
    )

    assert counts == {"out_of_school": 1, "dropped_out": 1, "at_risk": 1}
    cases = DropoutCase.objects.order_by("kind")
    assert [(c.person.full_name, c.kind, c.source) for c in cases] == [
        ("At risk, ward 1", "at_risk", "list"),
        ("Dropped, ward 1", "dropped_out", "list"),
        ("Out, ward 1", "out_of_school", "list"),
    ]
    assert {c.work_group for c in cases} == {group}
    assert cases[0].risk_score >= 40
    assert {c.opened_by for c in cases} == {lists.users["ward01"]}
    assert (
        AuditEvent.objects.filter(
            object_type="casework.dropoutcase", reason="opened from the lists"
        ).count()
        == 3
    )


def test_open_cases_from_lists_twice_opens_no_duplicate(lists):
    first = services.open_cases_from_lists(actor=SYSTEM, school_year=2024, opened_on=DAY)
    second = services.open_cases_from_lists(actor=SYSTEM, school_year=2024, opened_on=DAY)

    assert sum(first.values()) == 5  # with world's sibling at home in ward 2
    assert second == {"out_of_school": 0, "dropped_out": 0, "at_risk": 0}
    assert DropoutCase.objects.count() == 5


def test_open_cases_from_lists_skips_children_whose_case_was_closed(lists):
    services.open_cases_from_lists(
        actor=SYSTEM, school_year=2024, opened_on=DAY, kinds=["dropped_out"]
    )
    case = DropoutCase.objects.get()
    CaseVisitFactory(case=case)
    services.close_case(actor=SYSTEM, case=case, outcome="still_out", closed_on=DAY)

    assert services.open_cases_from_lists(
        actor=SYSTEM, school_year=2024, kinds=["dropped_out"]
    ) == {"dropped_out": 0}


def test_open_cases_from_lists_stays_inside_the_actors_units(lists):
    services.open_cases_from_lists(actor=lists.users["ward01"], school_year=2024, opened_on=DAY)
    assert set(DropoutCase.objects.values_list("unit__code", flat=True)) == {"26734"}
