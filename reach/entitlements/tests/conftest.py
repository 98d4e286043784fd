"""Fixtures shared by the entitlements tests."""

import pytest

from reach.entitlements.services import run_entitlements
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir


@pytest.fixture
def ward_run(world):
    """A computed run of the Vietnamese policy over ward 26734 (Thạnh Xuân)."""
    load_policies_dir(path=default_policies_dir())
    return run_entitlements(
        policy_codes=["vn-poverty-education"], school_year=2024, unit=world.units["ward1"]
    )
