import pytest

from reach.entitlements.models import EntitlementLine
from reach.payments.tests.factories import approved_run
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir
from reach.registry.generate import generate_households


@pytest.fixture
def lines(world):
    """The lines of an approved run over District 12 (the shipped policies, 60 generated
    households), oldest first: what payment-result files pay."""
    load_policies_dir(path=default_policies_dir())
    generate_households(unit=world.units["d12"], households=60, seed=5, year=2024)
    run = approved_run(world)
    return list(EntitlementLine.objects.filter(run=run).order_by("id"))
