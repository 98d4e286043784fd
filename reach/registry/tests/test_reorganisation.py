"""The 2025 reorganisation: District 12's eleven wards became five on 2025-07-01. Units carry
their dates and typed links; households move to the successor wards from that day and keep the
ward they had before, so a past year is still cut under the old wards and can be re-cut under
the new ones, nothing rewritten and nothing apportioned."""

import datetime as dt

import pytest
from django.core.management import call_command

from reach.accounts.models import AuditEvent
from reach.accounts.permissions import command_line_actor
from reach.geo.choices import UnitLinkKind
from reach.geo.models import Unit, UnitLink
from reach.geo.services import DATA_DIR, ReferenceDataError, load_reorganisation, load_units
from reach.registry.models import Household, HouseholdPastUnit
from reach.registry.selectors import households_in_unit_on, units_valid_on
from reach.registry.services import move_households_to_successors
from reach.registry.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

MERGER = DATA_DIR / "reorganisation-2025-district12.csv"
BEFORE, AFTER = dt.date(2025, 6, 30), dt.date(2025, 7, 1)


@pytest.fixture
def district12():
    load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
    wards = Unit.objects.filter(parent__code="761")
    # two households in each old ward
    for ward in wards:
        HouseholdFactory.create_batch(2, unit=ward)
    return wards


def write(tmp_path, text: str):
    path = tmp_path / "reorganisation.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_merger_file_closes_eleven_wards_and_opens_five_under_the_city(district12):
    links = load_reorganisation(actor=command_line_actor(), path=MERGER)

    assert len(links) == 11
    assert {link.kind for link in links} == {UnitLinkKind.MERGE}
    assert all(link.carries_forward and not link.carries_back for link in links)
    new_wards = Unit.objects.filter(valid_from=AFTER)
    assert {w.name for w in new_wards} == {
        "Phường An Phú Đông",
        "Phường Trung Mỹ Tây",
        "Phường Tân Thới Hiệp",
        "Phường Thới An",
        "Phường Đông Hưng Thuận",
    }
    assert {w.parent.code for w in new_wards} == {"79"}
    old = Unit.objects.get(code="26734")
    assert (old.valid_to, old.successor.name) == (BEFORE, "Phường Thới An")
    assert Unit.objects.get(code="761").valid_to == BEFORE  # the district level is abolished
    assert Unit.objects.get(code="761").successor is None


def test_a_report_period_picks_the_units_valid_in_it(district12):
    load_reorganisation(actor=command_line_actor(), path=MERGER)
    wards = Unit.objects.filter(level="commune", path__startswith="VN.79.")

    school_year_2024 = units_valid_on(wards, dt.date(2024, 9, 1))
    school_year_2025 = units_valid_on(wards, dt.date(2025, 9, 1))

    assert school_year_2024.count() == 11
    assert school_year_2025.count() == 5


def test_loading_the_file_again_changes_nothing(district12):
    load_reorganisation(actor=command_line_actor(), path=MERGER)
    events = AuditEvent.objects.count()

    load_reorganisation(actor=command_line_actor(), path=MERGER)

    assert UnitLink.objects.count() == 11
    assert Unit.objects.filter(valid_from=AFTER).count() == 5
    assert AuditEvent.objects.count() == events


def test_a_bad_file_changes_nothing_and_names_every_bad_line(district12, tmp_path):
    path = write(
        tmp_path,
        "old_code,new_code,date,new_name,new_parent_code\n"
        "26734,NEW1,2025-07-01,Phường Mới,79\n"
        "99999,NEW1,2025-07-01,Phường Mới,79\n"
        "26737,NEW2,1/7/2025,Phường Hai,79\n"
        "26740,NEW3,2025-07-01,,\n",
    )

    with pytest.raises(ReferenceDataError) as raised:
        load_reorganisation(actor=command_line_actor(), path=path)

    message = str(raised.value)
    assert "reorganisation.csv:3: old unit '99999' is not known" in message
    assert "reorganisation.csv:4: date '1/7/2025' is not a date" in message
    assert "reorganisation.csv:5: new unit 'NEW3' is not known" in message
    assert not UnitLink.objects.exists()
    assert not Unit.objects.filter(code="NEW1").exists()


def test_the_kind_follows_the_shape_of_the_rows(district12, tmp_path):
    path = write(
        tmp_path,
        "old_code,new_code,date,new_name,new_parent_code\n"
        "26734,S1,2025-07-01,Phường Tách Một,761\n"
        "26734,S2,2025-07-01,Phường Tách Hai,761\n"
        "26737,R1,2025-07-01,Phường Đổi Tên,761\n",
    )

    load_reorganisation(actor=command_line_actor(), path=path)

    kinds = dict(UnitLink.objects.values_list("successor__code", "kind"))
    assert kinds == {"S1": "split", "S2": "split", "R1": "rename"}
    split = UnitLink.objects.get(successor__code="S1")
    assert (split.carries_forward, split.carries_back) == (False, True)
    assert Unit.objects.get(code="26734").successor is None  # a split has no one successor
    assert Unit.objects.get(code="26737").successor.code == "R1"


def test_households_move_to_the_successor_ward_and_keep_the_old_one_for_the_past(district12):
    load_reorganisation(actor=command_line_actor(), path=MERGER)

    moves = move_households_to_successors(actor=command_line_actor(), date=AFTER)

    thoi_an_new = Unit.objects.get(code="D12-TA")
    assert moves.moved["D12-TA"] == 4  # Thạnh Xuân's two and Thới An's two
    assert sum(moves.moved.values()) == 22
    assert Household.objects.filter(unit=thoi_an_new).count() == 4
    thanh_xuan = Unit.objects.get(code="26734")
    households = Household.objects.all()
    # 2024-2025 is cut under the old wards, 2025-2026 under the new ones
    assert households_in_unit_on(households, thanh_xuan, BEFORE).count() == 2
    assert households_in_unit_on(households, thanh_xuan, AFTER).count() == 0
    assert households_in_unit_on(households, thoi_an_new, AFTER).count() == 4
    # a past year re-cut exactly under the new wards: the old wards' households add up
    old_wards = Unit.objects.filter(successor=thoi_an_new)
    assert sum(households_in_unit_on(households, w, BEFORE).count() for w in old_wards) == 4
    assert households_in_unit_on(households, Unit.objects.get(code="761"), BEFORE).count() == 22


def test_moving_again_moves_nothing_and_each_move_is_audited(district12):
    load_reorganisation(actor=command_line_actor(), path=MERGER)
    move_households_to_successors(actor=command_line_actor(), date=AFTER)
    past_units = HouseholdPastUnit.objects.count()

    again = move_households_to_successors(actor=command_line_actor(), date=AFTER)

    assert again.moved == {}
    assert HouseholdPastUnit.objects.count() == past_units == 22
    reasons = AuditEvent.objects.filter(reason__contains="households moved")
    assert reasons.count() == 11


def test_households_of_a_split_ward_stay_and_are_counted(district12, tmp_path):
    path = write(
        tmp_path,
        "old_code,new_code,date,new_name,new_parent_code\n"
        "26734,S1,2025-07-01,Phường Tách Một,761\n"
        "26734,S2,2025-07-01,Phường Tách Hai,761\n",
    )
    load_reorganisation(actor=command_line_actor(), path=path)

    moves = move_households_to_successors(actor=command_line_actor(), date=AFTER)

    assert moves.left_in_split_units == {"26734": 2}
    assert Household.objects.filter(unit__code="26734").count() == 2


def test_the_command_loads_the_links_and_moves_the_households(district12, capsys):
    call_command("reorganise", str(MERGER))

    out = capsys.readouterr().out
    assert "11 unit links recorded" in out
    assert "4 households moved to D12-TA" in out
    assert not Household.objects.filter(unit__valid_to=BEFORE).exists()


def test_the_district_office_follows_its_wards_into_the_city(district12):
    from reach.accounts.scoping import restrict
    from reach.accounts.tests.factories import MembershipFactory

    office = MembershipFactory(unit=Unit.objects.get(code="761"), role="office").user
    other = MembershipFactory(unit=Unit.objects.get(code="26734"), role="ward_officer").user
    load_reorganisation(actor=command_line_actor(), path=MERGER)
    move_households_to_successors(actor=command_line_actor(), date=AFTER)

    assert restrict(Household.objects.all(), office).count() == 22
    # the old ward's officer now sees the merged ward: Thạnh Xuân's and Thới An's households
    assert restrict(Household.objects.all(), other).count() == 4


def test_a_member_of_an_organisation_of_the_district_follows_its_wards_too(district12):
    from reach.accounts.scoping import restrict
    from reach.accounts.tests.factories import MembershipFactory
    from reach.plans.tests.factories import OrganisationFactory

    office = OrganisationFactory(code="VN761-PGD", unit=Unit.objects.get(code="761"))
    member = MembershipFactory(organisation=office, role="office").user
    load_reorganisation(actor=command_line_actor(), path=MERGER)
    move_households_to_successors(actor=command_line_actor(), date=AFTER)

    assert restrict(Household.objects.all(), member).count() == 22
    seen = restrict(Unit.objects.filter(valid_from=AFTER), member)
    assert seen.count() == 5


def test_a_merged_wards_officer_starts_at_the_new_ward(district12):
    from reach.accounts.tests.factories import MembershipFactory
    from reach.geo.selectors import home_unit_for_user

    officer = MembershipFactory(unit=Unit.objects.get(code="26734"), role="ward_officer").user
    assert home_unit_for_user(officer).code == "26734"
    load_reorganisation(actor=command_line_actor(), path=MERGER)

    officer = type(officer).objects.get(pk=officer.pk)  # a new request
    assert home_unit_for_user(officer).code == "D12-TA"  # 26734 is still among its units
