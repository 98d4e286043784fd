import io

import pytest
from django.core.management import call_command

from reach.accounts.models import User
from reach.accounts.scoping import restrict
from reach.policy.models import Policy
from reach.registry.models import Household

pytestmark = pytest.mark.django_db


def test_demo_loads_both_jurisdictions_accounts_and_policies_once():
    call_command("demo", "--scale", "0.01", stdout=io.StringIO())
    assert set(Policy.objects.values_list("code", flat=True)) == {
        "cn-guiding-2015",
        "vn-poverty-education",
    }
    district = User.objects.get(username="district")
    county = User.objects.get(username="county")
    assert district.check_password("demo")
    vn = restrict(Household.objects.all(), district)
    cn = restrict(Household.objects.all(), county)
    assert vn.count() == 120 and cn.count() == 80
    assert not vn.filter(unit__path__startswith="CN").exists()
    assert restrict(Household.objects.all(), User.objects.get(username="ward01")).count() < 120

    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert Household.objects.count() == 200
