import io

import pytest
from django.core.management import call_command

from reach.accounts.models import User
from reach.learning import selectors
from reach.learning.demo import demo_ward
from reach.learning.models import Clan, Course, Registration

pytestmark = pytest.mark.django_db


def test_the_demo_loads_clans_a_year_of_titles_and_courses():
    out = io.StringIO()
    call_command("demo", "--scale", "0.01", stdout=out)
    assert "Learning and training:" in out.getvalue(), out.getvalue()
    assert Clan.objects.exists()
    year = Registration.objects.values_list("year", flat=True).first()
    assert Registration.objects.filter(status="recognised").exists()
    assert not Registration.objects.filter(status__in=["registered", "self_assessed"]).exists()
    assert Course.objects.count() == 3
    ward01 = User.objects.get(username="ward01")
    total, _rows = selectors.title_rates_for_user(ward01, year=year)
    assert total.rates["family"].recognised > 0
    district = User.objects.get(username="district")
    training, _rows = selectors.training_rates_for_user(district, year=year)
    assert training.figures.trained > 0
    # the district's wards of the year: the five formed on 2025-07-01, which its office sees
    rate = selectors.board_rate_for_user(district, None)
    boards = {row.unit.code: row.has_board for row in rate.units if row.unit.valid_from}
    assert len(boards) == 5
    assert 0 < sum(boards.values()) < 5, "most wards have a board, one at least not"
    ward = demo_ward(year)
    assert ward.code == "D12-TA"  # ward 26734 was merged into Thới An
    report = selectors.month_report_for_user(ward01, ward, year)
    assert report.event_count == 5 and report.participants > 0
    assert selectors.list_commendations_for_user(ward01, year=year).count() == 4
    assert report.reported == [("VND", 2, 34_500_000)]
    assert "Outreach: 3 outreach activities" in out.getvalue(), out.getvalue()
    (activity,) = selectors.list_outreach_for_user(district, year=year)[:1]
    assert activity.task_id is not None, "the demo ties its outreach to the plan's first task"
    task_products = selectors.outreach_products_for_task(district, activity.task_id)
    assert task_products.activities == 3 and task_products.publications == 500
