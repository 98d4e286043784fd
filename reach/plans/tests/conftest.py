import pytest

from reach.plans.tests.factories import PlanFactory, PlanTaskFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Evidence files land in a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plans(world):
    """The district's plan (seed 000's 351/KH-GDĐT) and the plans of its two wards that
    implement it, each with two tasks; one of ward 1's tasks is done."""
    district = PlanFactory(code="351/KH-GDĐT", unit=world.units["d12"])
    ward1 = PlanFactory(code="W1-2023", unit=world.units["ward1"], implements=district)
    ward2 = PlanFactory(code="W2-2023", unit=world.units["ward2"], implements=district)
    for plan in (district, ward1, ward2):
        PlanTaskFactory(plan=plan, section="I", number="", content="Section I")
        PlanTaskFactory(plan=plan, number="1")
        PlanTaskFactory(plan=plan, number="2")
    ward1.tasks.filter(number="1").update(status="done")
    return {"district": district, "ward1": ward1, "ward2": ward2}
