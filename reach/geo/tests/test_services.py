"""Loading units and schools from reference CSV files."""

import pytest

from reach.accounts.permissions import command_line_actor
from reach.common.errors import NotAllowed
from reach.geo.models import School, Unit
from reach.geo.services import DATA_DIR, ReferenceDataError, load_schools, load_units

pytestmark = pytest.mark.django_db


def write(tmp_path, text: str):
    path = tmp_path / "units.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_units_builds_materialised_paths_from_codes(tmp_path):
    load_units(
        actor=command_line_actor(),
        path=write(
            tmp_path,
            "code,name,level,parent_code\nVN,Việt Nam,country,\n"
            "79,TP HCM,province,VN\n761,Quận 12,district,79\n",
        ),
    )
    assert Unit.objects.get(code="761").path == "VN.79.761"


def test_load_units_is_idempotent_and_updates_names(tmp_path):
    path = write(tmp_path, "code,name,level,parent_code\nVN,Việt Nam,country,\n")
    load_units(actor=command_line_actor(), path=path)
    load_units(
        actor=command_line_actor(),
        path=write(tmp_path, "code,name,level,parent_code\nVN,Viet Nam,country,\n"),
    )
    assert list(Unit.objects.values_list("name", flat=True)) == ["Viet Nam"]


def test_bad_unit_file_loads_nothing_and_names_every_bad_line(tmp_path):
    path = write(
        tmp_path,
        "code,name,level,parent_code\nVN,Việt Nam,country,\n"
        "79,TP HCM,region,VN\n761,Quận 12,district,99\n",
    )
    with pytest.raises(ReferenceDataError) as raised:
        load_units(actor=command_line_actor(), path=path)
    assert "units.csv:3: unknown level 'region'" in str(raised.value)
    assert "units.csv:4: parent '99' is not known" in str(raised.value)
    assert not Unit.objects.exists()


def test_demo_reference_data_loads_both_jurisdictions():
    assert load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv") == 24
    load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")
    wards = Unit.objects.filter(path__startswith="VN.79.761.", level="commune")
    assert wards.count() == 11
    assert Unit.objects.get(code="522723000000").path == "CN.520000000000.522723000000"
    school = School.objects.get(code="VN761-TX01")
    assert school.levels == ["continuing_education", "vocational_secondary"]
    assert School.objects.get(code="CN522723-ZZ01").boarding is True
    private = School.objects.filter(ownership="private", code__startswith="CN")
    inclusive = dict(private.values_list("code", "inclusive"))
    assert inclusive == {"CN522723-YE08": "yes", "CN522723-YE09": "no"}
    assert School.objects.get(code="CN522723-YE01").inclusive == "unknown"  # not recorded


def test_a_schools_file_with_an_unknown_inclusive_status_loads_nothing(tmp_path):
    load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
    path = write(
        tmp_path,
        "code,name,levels,unit_code,ownership,boarding,inclusive\n"
        "K1,Kindergarten,preschool,522723100000,private,0,maybe\n"
        "K2,Kindergarten,preschool,522723100000,private,0,yes\n",
    )
    with pytest.raises(ReferenceDataError) as raised:
        load_schools(actor=command_line_actor(), path=path)
    assert ":2: unknown inclusive 'maybe'" in str(raised.value)
    assert not School.objects.filter(code__in=["K1", "K2"]).exists()


def test_only_an_administrator_loads_reference_data(world, tmp_path):
    path = write(tmp_path, "code,name,level,parent_code\nVN,Việt Nam,country,\n")
    before = Unit.objects.count()
    with pytest.raises(NotAllowed):
        load_units(actor=world.users["district"], path=path)
    with pytest.raises(NotAllowed):
        load_schools(actor=world.users["district"], path=DATA_DIR / "schools-demo.csv")
    assert Unit.objects.count() == before
