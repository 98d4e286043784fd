"""`reach run`: progress per benefit, totals and the difference; clear errors."""

import io

import pytest
from django.core.management import CommandError, call_command

from reach.entitlements.tests.factories import make_place, make_pupil
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(db):
    load_policies_dir(path=default_policies_dir())
    return make_place()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("run", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_run_command_prints_progress_totals_and_diff(place):
    make_pupil(unit=place.units["town"], level="upper_secondary", grade=10)

    guiding = ("--policy", "cn-national-student-aid", "--policy", "cn-guiding-2015")
    output = run(*guiding, "--year", "2024", "--unit", "522723000000")

    assert "benefit 1/" in output
    assert "5 lines for 1 persons" in output
    assert "cn-national-student-aid/upper_secondary_national_grant_2000: 1 lines, 2,000" in output
    assert "cn-guiding-2015/upper_secondary_tuition_waiver: 1 lines, 760" in output
    assert "funding not_stated: 2,000 CNY" in output  # who pays the national grant: not stated
    assert "total: 4,660 CNY" in output
    assert "difference: 5 added, 0 removed, 0 changed" in output
    assert "difference: 0 added, 0 removed, 0 changed" in run(
        *guiding, "--year", "2024", "--unit", "522723000000"
    )


def test_run_command_unknown_policy_or_unit_is_a_clear_error(place):
    with pytest.raises(CommandError, match="unknown policy nope"):
        run("--policy", "nope", "--year", "2024")
    with pytest.raises(CommandError, match="unknown unit 999"):
        run("--policy", "cn-guiding-2015", "--year", "2024", "--unit", "999")


def test_run_command_failed_run_is_a_command_error(place, monkeypatch):
    from reach.entitlements.services import runs

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(runs, "run_totals", explode)
    with pytest.raises(CommandError, match="disk full"):
        run("--policy", "cn-guiding-2015", "--year", "2024")
