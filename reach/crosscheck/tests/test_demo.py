"""The demo's cross-checks on a small generated district and county: each month's comparison
lists exactly the planted differences (beside what the registry itself shows: its out-of-school
children and its dropouts), and a second run adds nothing."""

import datetime as dt

import pytest
from django.db.models import Exists, OuterRef, Q

from reach.accounts.models import AuditEvent
from reach.accounts.permissions import command_line_actor
from reach.accounts.tests.factories import UserFactory
from reach.casework.models import DropoutCase
from reach.crosscheck.choices import FindingKind, RunStatus
from reach.crosscheck.demo import MONTHS, UNITS, demo_register, set_up_demo_crosschecks
from reach.crosscheck.models import CrosscheckRun, Finding
from reach.geo.models import PATH_SEPARATOR, Unit
from reach.geo.services import DATA_DIR, load_schools, load_units
from reach.indicators.detection import out_of_school_q
from reach.registry.generate import generate_households, generate_next_school_year
from reach.registry.models import Enrolment, Person

pytestmark = pytest.mark.django_db

YEAR = 2025  # generated for 2024, advanced to 2025 with its dropouts
HOUSEHOLDS = {"761": 150, "522723000000": 60}


@pytest.fixture
def generated():
    load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
    load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")
    for code, households in HOUSEHOLDS.items():
        unit = Unit.objects.get(code=code)
        generate_households(unit=unit, households=households, seed=1, year=YEAR - 1)
        generate_next_school_year(unit=unit, seed=1, year=YEAR - 1)
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


def _persons_under(unit: Unit):
    return Person.objects.filter(
        Q(household__unit__path=unit.path)
        | Q(household__unit__path__startswith=unit.path + PATH_SEPARATOR)
    )


def _listed(run: CrosscheckRun, kind: str, **filters) -> set[int]:
    findings = Finding.objects.filter(run=run, kind=kind, **filters)
    return set(findings.values_list("person_id", flat=True))


def test_each_month_lists_exactly_the_planted_differences(generated):
    counts = set_up_demo_crosschecks(actor=generated, school_year=YEAR)

    assert counts["registers compared"] == len(UNITS) * len(MONTHS)
    planted_kinds = set()
    for code in UNITS:
        unit = Unit.objects.get(code=code)
        persons = _persons_under(unit)
        out_of_school = set(persons.filter(out_of_school_q(YEAR)).values_list("pk", flat=True))
        attending = Enrolment.objects.filter(
            person=OuterRef("pk"), school_year=YEAR, status="enrolled"
        )
        dropouts = set(
            persons.filter(enrolments__school_year=YEAR, enrolments__status="dropped_out")
            .exclude(Exists(attending))
            .values_list("pk", flat=True)
        )
        poor = set(
            persons.filter(
                pk__in=dropouts,
                household__statuses__year=YEAR,
                household__statuses__status__in=["poor", "near_poor"],
            ).values_list("pk", flat=True)
        )
        for number in MONTHS:
            month = dt.date(YEAR, number, 1)
            run = CrosscheckRun.objects.get(unit=unit, month=month, status=RunStatus.COMPARED)
            planted = demo_register(unit=unit, school_year=YEAR, month=month)

            assert planted.missing  # every month leaves someone off the register
            assert _listed(run, FindingKind.NOT_IN_REGISTER) == planted.missing | out_of_school
            assert _listed(run, FindingKind.NOT_ATTENDING) == (
                planted.registered_out | planted.kept_enrolled
            )
            assert _listed(run, FindingKind.DROPOUT) == dropouts
            assert _listed(run, FindingKind.DROPOUT, poor=True) == poor
            assert run.poor_dropouts == len(poor)
            planted_kinds |= {
                name
                for name in ("missing", "registered_out", "kept_enrolled")
                if getattr(planted, name)
            }
    assert planted_kinds == {"missing", "registered_out", "kept_enrolled"}
    september, october = (dt.date(YEAR, m, 1) for m in MONTHS)
    for code in UNITS:
        unit = Unit.objects.get(code=code)
        assert demo_register(unit=unit, school_year=YEAR, month=september).missing != (
            demo_register(unit=unit, school_year=YEAR, month=october).missing
        )


def test_running_the_demo_step_again_adds_nothing(generated):
    set_up_demo_crosschecks(actor=generated, school_year=YEAR)
    before = (
        CrosscheckRun.objects.count(),
        Finding.objects.count(),
        DropoutCase.objects.count(),
        AuditEvent.objects.count(),
    )

    counts = set_up_demo_crosschecks(actor=generated, school_year=YEAR)

    assert set(counts.values()) == {0}
    assert before == (
        CrosscheckRun.objects.count(),
        Finding.objects.count(),
        DropoutCase.objects.count(),
        AuditEvent.objects.count(),
    )
    assert before[0] == len(UNITS) * len(MONTHS)
