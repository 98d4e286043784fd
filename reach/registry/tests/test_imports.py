"""Household import: every error by spreadsheet line, preview, commit all or nothing."""

import csv
import datetime as dt
import io

import pytest
import xlsxwriter
from django.utils import translation

from reach.accounts.models import AuditEvent
from reach.accounts.permissions import command_line_actor
from reach.accounts.services import snapshot
from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.geo.models import Unit
from reach.geo.services import DATA_DIR, load_schools, load_units
from reach.registry.choices import ImportStatus
from reach.registry.imports.headings import COLUMNS
from reach.registry.imports.services import (
    ImportRejected,
    commit_household_import,
    stage_household_import,
)
from reach.registry.models import (
    Enrolment,
    Household,
    HouseholdYearStatus,
    ImportRow,
    Person,
)
from reach.registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

CN_ID = "11010519491231002X"  # the textbook example with a valid ISO 7064 MOD 11-2 check
BASE = {
    "household_code": "HH-1",
    "unit_code": "26734",
    "head_name": "Nguyễn Văn An",
    "address": "12 Đường số 3",
    "poverty_status": "poor",
    "status_year": "2024",
    "sex": "m",
    "ethnicity": "Kinh",
    "ethnic_minority": "0",
    "disabled": "",
    "orphan": "",
    "martyr_child": "",
    "education_completed": "",
}
PUPIL = {"school_code": "VN761-TH01", "school_year": "2024-2025", "level": "primary", "grade": "3"}


def person(full_name, birth_date, relation="child", **values):
    return BASE | {"full_name": full_name, "birth_date": birth_date, "relation": relation} | values


def good_rows() -> list[dict]:
    return [
        person("Nguyễn Văn An", "1980-02-01", "head", national_id="079080000001"),
        person("Trần Thị Hoa", "1983-07-15", "spouse", sex="f", national_id="079183000002"),
        person("Nguyễn Thị Bình", "2016-09-05", sex="f", **PUPIL),
        person(
            "Nguyễn Văn Cường", "2011-01-20", school_code="VN761-CS01", school_year="2024",
            level="lower_secondary", grade="8", boarding="x",
        ),
        person(
            "Lê Văn Dũng", "1975-03-03", "head", household_code="HH-2", unit_code="26737",
            head_name="Lê Văn Dũng", address="", poverty_status="near_poor",
        ),
        person(
            "王建国", "1949-12-31", "head", household_code="CN-1", unit_code="522723100000",
            head_name="王建国", address="城关镇", national_id=CN_ID, ethnicity="苗族",
            ethnic_minority="是", poverty_status="脱贫户",
        ),
    ]  # fmt: skip


def csv_bytes(rows: list[dict], headings=COLUMNS, blank_lines_after: int | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    for index, row in enumerate(rows):
        writer.writerow([row.get(column, "") for column in COLUMNS])
        if index == blank_lines_after:
            writer.writerow([""] * len(COLUMNS))
    return ("\ufeff" + out.getvalue()).encode()


def stage(rows=None, *, data: bytes | None = None, filename="households.csv", user=None):
    content = data if data is not None else csv_bytes(rows if rows is not None else good_rows())
    return stage_household_import(file=io.BytesIO(content), filename=filename, user=user)


def errors_of(batch) -> set[tuple[int, str]]:
    return {(e["line"], e["column"]) for e in batch.errors}


def registry_counts() -> tuple[int, ...]:
    models = (Household, HouseholdYearStatus, Person, Enrolment, AuditEvent)
    return tuple(model.objects.count() for model in models)


@pytest.fixture(autouse=True)
def demo_geo(db):
    load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
    load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")
    with translation.override("en"):
        yield


def test_good_file_stages_with_preview_then_commits_everything():
    batch = stage()
    assert batch.status == ImportStatus.STAGED, batch.errors
    assert batch.row_count == 6 and ImportRow.objects.filter(batch=batch).count() == 6
    assert batch.summary["households_new"] == 3 and batch.summary["persons_new"] == 6
    assert batch.summary["statuses_new"] == 3 and batch.summary["enrolments_new"] == 2
    assert Household.objects.count() == 0  # staging never touches the registry

    commit_household_import(batch=batch)

    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED and batch.committed_at is not None
    assert registry_counts() == (3, 3, 6, 2, 3 + 3 + 6 + 2)
    cn = Household.objects.get(code="CN-1")
    assert cn.statuses.get().status == "escaped_poor"
    assert cn.members.get().ethnic_minority is True
    pupil = Enrolment.objects.get(level="lower_secondary")
    assert (pupil.school_year, pupil.grade, pupil.boarding) == (2024, 8, True)
    event = AuditEvent.objects.get(object_type="registry.household", object_id=str(cn.pk))
    assert event.action == "create" and event.before is None and event.household_id == cn.pk
    assert event.reason == f"import households.csv #{batch.pk}"
    for obj in (cn, cn.statuses.get(), cn.members.get(), pupil):
        event = AuditEvent.objects.get(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        assert event.after == snapshot(obj) and event.object_repr == str(obj)
        assert event.household_id == (pupil.person.household_id if obj is pupil else cn.pk)


def test_every_bad_row_is_reported_by_spreadsheet_line_and_nothing_is_written():
    rows = good_rows()
    rows[1]["birth_date"] = "31/02/1983"  # line 3
    rows[2]["unit_code"] = "99999"  # line 4; a blank line follows it (line 5)
    rows[3]["sex"] = "?"  # line 6
    rows[3]["grade"] = "13"
    rows[4]["full_name"] = ""  # line 7
    rows[5]["birth_date"] = (dt.date.today() + dt.timedelta(days=1)).isoformat()  # line 8
    HouseholdFactory(code="HH-OLD", unit=Unit.objects.get(code="26734"))
    before = registry_counts()

    batch = stage(data=csv_bytes(rows, blank_lines_after=2))

    assert batch.status == ImportStatus.REJECTED
    assert errors_of(batch) == {
        (3, "birth_date"),
        (4, "unit_code"),
        (6, "sex"),
        (6, "grade"),
        (7, "full_name"),
        (8, "birth_date"),
    }
    reasons = {(e["line"], e["column"]): e["reason"] for e in batch.errors}
    assert reasons[(4, "unit_code")] == "Unknown unit code 99999"
    assert "future" in reasons[(8, "birth_date")]
    assert not ImportRow.objects.filter(batch=batch).exists()
    with pytest.raises(ImportRejected):
        commit_household_import(batch=batch)
    assert registry_counts() == before


def test_households_whose_rows_are_not_together_import_the_same():
    rows = good_rows()
    rows.insert(1, rows.pop(4))  # HH-2 between the rows of HH-1
    batch = stage(rows)
    assert batch.status == ImportStatus.STAGED, batch.errors
    assert batch.summary["households_new"] == 3 and batch.summary["persons_new"] == 6
    commit_household_import(batch=batch)
    assert registry_counts()[:4] == (3, 3, 6, 2)


def test_reimporting_the_same_file_creates_nothing_and_reports_unchanged():
    commit_household_import(batch=stage())
    before = registry_counts()

    again = commit_household_import(batch=stage())

    assert registry_counts() == before
    summary = again.summary
    assert summary["households_unchanged"] == 3 and summary["persons_unchanged"] == 6
    assert summary["statuses_unchanged"] == 3 and summary["enrolments_unchanged"] == 2
    assert sum(v for k, v in summary.items() if k.endswith(("_new", "_changed"))) == 0


def test_changed_head_name_and_status_are_updates_with_audit_before_and_after():
    commit_household_import(batch=stage())
    rows = [row for row in good_rows() if row["household_code"] == "HH-1"]
    for row in rows:
        row.update(head_name="Nguyễn Văn Ân", poverty_status="near_poor")

    batch = commit_household_import(batch=stage(rows))

    assert batch.summary["households_changed"] == 1 and batch.summary["statuses_changed"] == 1
    assert batch.summary["persons_unchanged"] == 4
    household = Household.objects.get(code="HH-1")
    assert household.head_name == "Nguyễn Văn Ân"
    event = AuditEvent.objects.get(action="update", object_type="registry.household")
    assert event.before["head_name"] == "Nguyễn Văn An"
    assert event.after["head_name"] == "Nguyễn Văn Ân"
    assert event.household_id == household.pk
    status_event = AuditEvent.objects.get(
        action="update", object_type="registry.householdyearstatus"
    )
    assert (status_event.before["status"], status_event.after["status"]) == ("poor", "near_poor")


def test_persons_on_record_but_absent_from_the_file_are_left_alone_and_counted():
    commit_household_import(batch=stage())
    household = Household.objects.get(code="HH-2")
    PersonFactory(household=household, full_name="Lê Thị Em")

    batch = stage(good_rows())

    assert batch.summary["persons_not_in_file"] == 1
    commit_household_import(batch=batch)
    assert household.members.count() == 2


def test_person_matched_by_name_and_birth_date_gets_national_id_and_other_values():
    commit_household_import(batch=stage())
    rows = good_rows()
    rows[2].update(full_name="NGUYỄN THỊ BÌNH", national_id="079316000123", disabled="có")

    batch = commit_household_import(batch=stage(rows))

    assert batch.summary["persons_changed"] == 1 and batch.summary["persons_new"] == 0
    pupil = Person.objects.get(national_id="079316000123")
    assert pupil.disabled is True and pupil.full_name == "NGUYỄN THỊ BÌNH"


VI_HEADINGS = [
    "Mã hộ", "Mã đơn vị", "Họ tên chủ hộ", "Địa chỉ", "Tình trạng hộ", "Năm", "Họ và tên",
    "Giới tính", "Ngày sinh", "Số định danh", "Dân tộc", "Dân tộc thiểu số", "Quan hệ với chủ hộ",
    "Khuyết tật", "Mồ côi", "Con liệt sĩ", "Trẻ em bị bỏ lại", "Trẻ em di cư",
    "Không có người nuôi dưỡng", "Người chăm sóc", "Quan hệ người chăm sóc", "Trình độ học vấn",
    "Mã trường", "Năm học", "Cấp học", "Lớp", "Bán trú/nội trú", "Tình trạng học",
]  # fmt: skip
ZH_HEADINGS = [
    "户编号", "单位代码", "户主姓名", "地址", "贫困状态", "年度", "姓名", "性别",
    "出生日期", "身份证号", "民族", "少数民族", "与户主关系", "残疾", "孤儿", "烈士子女",
    "留守儿童", "随迁子女", "事实无人抚养", "照料人", "照料人关系", "文化程度",
    "学校代码", "学年", "学段", "年级", "寄宿", "就读状态",
]  # fmt: skip


@pytest.mark.parametrize("headings", [VI_HEADINGS, ZH_HEADINGS], ids=["vi", "zh"])
def test_vietnamese_and_chinese_headings_are_accepted(headings):
    headings = [f"  {h.upper()} " if i % 2 else h for i, h in enumerate(headings)]
    batch = stage(data=csv_bytes(good_rows(), headings=headings))
    assert batch.status == ImportStatus.STAGED, batch.errors
    assert batch.summary["persons_new"] == 6


def test_unknown_and_missing_headings_are_errors_on_line_1():
    headings = [h for h in COLUMNS if h != "sex"] + ["favourite colour"]
    batch = stage(data=csv_bytes(good_rows(), headings=headings))
    assert batch.status == ImportStatus.REJECTED
    assert errors_of(batch) == {(1, "favourite colour"), (1, "sex")}


def test_day_month_year_dates_and_labels_are_accepted():
    rows = good_rows()
    rows[2].update(birth_date="05/09/2016", sex="nữ", relation="con", level="Tiểu học")
    rows[5].update(sex="男", relation="户主")
    batch = commit_household_import(batch=stage(rows))
    assert batch.summary["persons_new"] == 6
    pupil = Person.objects.get(full_name="Nguyễn Thị Bình")
    assert (pupil.birth_date, pupil.sex, pupil.relation) == (dt.date(2016, 9, 5), "f", "child")


def xlsx_bytes(rows: list[dict]) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, COLUMNS)
    for line, row in enumerate(rows, start=1):
        for position, column in enumerate(COLUMNS):
            value = row.get(column, "")
            if column == "birth_date":
                sheet.write_datetime(line, position, dt.datetime.fromisoformat(value), date_format)
            elif column in ("status_year", "grade") and value:
                sheet.write_number(line, position, int(value))
            else:
                sheet.write_string(line, position, value)
    workbook.close()
    return out.getvalue()


def test_xlsx_with_date_and_number_cells_imports_like_the_csv():
    batch = stage(data=xlsx_bytes(good_rows()), filename="households.xlsx")
    assert batch.status == ImportStatus.STAGED, batch.errors
    commit_household_import(batch=batch)
    again = stage(good_rows())  # the same content as CSV matches everything
    assert again.summary["persons_unchanged"] == 6 and again.summary["enrolments_unchanged"] == 2


@pytest.mark.parametrize(
    "unit_code, national_id, ok",
    [
        ("26734", "079080000001", True),
        ("26734", "123456789", True),
        ("26734", "07908000001", False),
        ("26734", "07908000000A", False),
        ("522723100000", CN_ID, True),
        ("522723100000", CN_ID.lower(), True),
        ("522723100000", "110105194912310021", False),  # wrong check digit
        ("522723100000", "079080000001", False),
    ],
)
def test_national_id_format_follows_the_units_country(unit_code, national_id, ok):
    row = person("Test Person", "1980-01-01", "head", unit_code=unit_code, national_id=national_id)
    batch = stage([row])
    assert (batch.status == ImportStatus.STAGED) is ok, batch.errors
    assert errors_of(batch) == (set() if ok else {(2, "national_id")})


def test_the_same_national_id_twice_in_the_file_is_an_error():
    rows = good_rows()
    rows[4]["national_id"] = rows[0]["national_id"]
    batch = stage(rows)
    assert errors_of(batch) == {(6, "national_id")}
    assert "line 2" in batch.errors[0]["reason"]


def test_the_same_person_twice_in_a_household_is_an_error():
    rows = good_rows()
    rows.append(dict(rows[2]))
    assert errors_of(stage(rows)) == {(8, "full_name")}


def test_household_columns_that_differ_within_a_household_are_errors():
    rows = good_rows()
    rows[1]["head_name"] = "Someone Else"
    rows[3]["unit_code"] = "26737"
    rows[2]["poverty_status"] = rows[2]["status_year"] = ""
    assert errors_of(stage(rows)) == {
        (3, "head_name"),
        (4, "poverty_status"),
        (4, "status_year"),
        (5, "unit_code"),
    }


def test_enrolment_needs_a_level_and_a_known_school():
    rows = good_rows()
    rows[2].update(level="", school_code="NO-SUCH-SCHOOL")
    rows[3].update(school_year="2024-2026")
    assert errors_of(stage(rows)) == {(4, "school_code"), (4, "level"), (5, "school_year")}


def test_national_id_of_a_person_in_another_household_is_an_error():
    other = HouseholdFactory(code="HH-OTHER", unit=Unit.objects.get(code="26734"))
    PersonFactory(household=other, national_id="079080000001")
    before = registry_counts()
    batch = stage()
    assert errors_of(batch) == {(2, "national_id")}
    assert "HH-OTHER" in batch.errors[0]["reason"]
    assert registry_counts() == before


def test_same_name_and_birth_date_in_another_household_is_a_possible_duplicate():
    other = HouseholdFactory(code="HH-OTHER", unit=Unit.objects.get(code="26734"))
    namesake = PersonFactory(
        household=other, full_name="Nguyễn Thị Bình", birth_date=dt.date(2016, 9, 5)
    )
    batch = stage()
    assert batch.status == ImportStatus.STAGED
    assert batch.duplicates == [
        {
            "line": 4,
            "reason": f"Same full name and birth date as person #{namesake.pk} of household "
            "HH-OTHER",
            "person_id": namesake.pk,
            "household_code": "HH-OTHER",
        }
    ]
    commit_household_import(batch=batch)  # a warning does not block the commit
    assert Person.objects.filter(full_name="Nguyễn Thị Bình").count() == 2


def test_unit_outside_the_users_scope_is_an_error():
    officer = MembershipFactory(
        user=UserFactory(username="ward01"), unit=Unit.objects.get(code="26734")
    ).user
    batch = stage(user=officer)
    assert errors_of(batch) == {(6, "unit_code"), (7, "unit_code")}
    assert "outside your area" in batch.errors[0]["reason"]
    in_scope = stage(good_rows()[:4], user=officer)
    assert in_scope.status == ImportStatus.STAGED


def test_commit_checks_the_database_again_and_writes_nothing_when_it_changed():
    batch = stage()
    other = HouseholdFactory(code="HH-LATE", unit=Unit.objects.get(code="26734"))
    PersonFactory(household=other, national_id=CN_ID)
    before = registry_counts()

    with pytest.raises(ImportRejected) as rejected:
        commit_household_import(batch=batch)

    assert [(e["line"], e["column"]) for e in rejected.value.errors] == [(7, "national_id")]
    assert registry_counts() == before
    batch.refresh_from_db()
    assert batch.status == ImportStatus.REJECTED


def test_a_committed_batch_cannot_be_committed_twice():
    batch = commit_household_import(batch=stage())
    with pytest.raises(ImportRejected):
        commit_household_import(batch=batch)


@pytest.mark.parametrize(
    "column, cell, expected",
    [
        ("sex", "Nữ", "f"), ("sex", "男", "m"), ("sex", "Male", "m"),
        ("disabled", "x", True), ("disabled", "Có", True), ("disabled", "是", True),
        ("disabled", "không", False), ("disabled", "FALSE", False), ("disabled", "", False),
        ("school_year", "2024", 2024), ("school_year", "2024-2025", 2024),
        ("birth_date", "2016年9月5日", "2016-09-05"), ("birth_date", "5.9.2016", "2016-09-05"),
        ("national_id", " 1101 0519 4912 3100 2x ", CN_ID),
    ],
)  # fmt: skip
def test_cell_values_in_vietnamese_chinese_and_english_forms(column, cell, expected):
    rows = good_rows()
    rows[5][column] = cell
    if column == "school_year":
        rows[5]["level"] = "continuing_education"
    batch = stage(rows)
    assert batch.status == ImportStatus.STAGED, batch.errors
    data = ImportRow.objects.get(batch=batch, line=7).data
    assert data[column] == expected


def test_poverty_status_and_status_year_go_together():
    rows = good_rows()
    rows[4]["status_year"] = ""
    rows[5]["poverty_status"] = "rich"
    assert errors_of(stage(rows)) == {(6, "status_year"), (7, "poverty_status")}


def test_the_key_group_columns_flag_a_child_and_name_its_caregiver():
    rows = good_rows()
    rows[2] |= {
        "left_behind": "có",
        "caregiver_name": "Nguyễn Văn Ông",
        "caregiver_relation": "grandparent",
    }
    rows[3] |= {"caregiver_relation": "neighbour"}
    refused = stage(rows)
    assert refused.status == ImportStatus.REJECTED
    assert errors_of(refused) == {(5, "caregiver_relation")}

    rows[3].pop("caregiver_relation")
    batch = stage(rows)
    commit_household_import(batch=batch)

    child = Person.objects.get(full_name="Nguyễn Thị Bình")
    assert (child.left_behind, child.migrant, child.caregiver_name, child.caregiver_relation) == (
        True,
        False,
        "Nguyễn Văn Ông",
        "grandparent",
    )
