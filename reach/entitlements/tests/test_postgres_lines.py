"""The same pupils give the same lines on PostgreSQL as on SQLite (bench/pupils.py writes them
into either; the benchmark compares the two at full size by the same digest)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from bench.pupils import SCHOOL_YEAR, copy_pupils, lines_digest
from reach.accounts.permissions import command_line_actor
from reach.entitlements.services import run_entitlements
from reach.geo.services import DATA_DIR, load_schools, load_units
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir

PUPILS = 2000
ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="compares PostgreSQL's lines with SQLite's"
)


def sqlite_digest() -> str:
    """The digest the benchmark prints for PUPILS pupils on a fresh SQLite file."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["PYTHONPATH"] = str(ROOT)
    finished = subprocess.run(
        [sys.executable, "-m", "bench.entitlements", "--students", str(PUPILS)]
        + ["--repeat", "1", "--sample", "1", "--no-probe"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    last = dict(pair.split("=", 1) for pair in finished.stdout.splitlines()[-1].split())
    assert last["database"] == "sqlite"
    return last["digest"]


@pytest.mark.django_db
def test_copied_pupils_give_on_postgresql_the_lines_sqlite_gives():
    load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
    load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")
    load_policies_dir(path=default_policies_dir())
    copy_pupils(PUPILS)
    run = run_entitlements(
        policy_codes=["cn-guiding-2015", "vn-poverty-education"],
        school_year=SCHOOL_YEAR,
        unit=None,
    )

    digest, totals = lines_digest(run.pk)

    assert sum(lines for _, _, lines, _ in totals) == run.lines.count() > PUPILS // 4
    assert {policy for policy, *_ in totals} == {"cn-guiding-2015", "vn-poverty-education"}
    assert digest.startswith(sqlite_digest())
