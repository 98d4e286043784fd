"""A run the database refuses fails with a reference to the log, never the database's text."""

import logging
import re

import pytest
from django.db import OperationalError

from reach.entitlements import engine
from reach.entitlements.choices import RunStatus
from reach.entitlements.errors import RunFailed
from reach.entitlements.services import run_entitlements
from reach.entitlements.tests.factories import make_place, make_pupil
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir

pytestmark = pytest.mark.django_db


def test_a_run_failed_by_the_database_shows_a_reference_not_the_database_text(monkeypatch, caplog):
    load_policies_dir(path=default_policies_dir())
    place = make_place()
    make_pupil(unit=place.units["town"], level="upper_secondary", grade=10)

    def refused(*args, **kwargs):
        raise OperationalError('could not extend file "base/16384/2619": No space left on device')

    monkeypatch.setattr(engine, "write_lines", refused)
    with caplog.at_level(logging.ERROR), pytest.raises(RunFailed) as raised:
        run_entitlements(policy_codes=["cn-guiding-2015"], school_year=2024, unit=None)

    failed = raised.value.run
    failed.refresh_from_db()
    assert failed.status == RunStatus.FAILED
    reference = re.fullmatch(r"A database error occurred \(reference (\w{8})\)\.", failed.error)
    assert reference, failed.error
    assert "No space left" not in str(raised.value)
    assert any(f"reference {reference.group(1)}" in r.getMessage() for r in caplog.records)
