"""The task table of a plan, imported from seed 003's appendix as the Ministry laid it out: a
title above, a two-row heading with merged cells, the heading repeated at each page break,
sections numbered "I" or "IV." and organisations written with varying spacing."""

import datetime as dt
import io
from pathlib import Path

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command

from reach.accounts.models import AuditEvent
from reach.common.errors import NotAllowed
from reach.geo.models import Organisation
from reach.plans.choices import AssignmentRole, ImportStatus
from reach.plans.imports.services import ImportRejected, commit_task_import, stage_task_import
from reach.plans.models import PlanTask, TaskAssignment
from reach.plans.tests.factories import OrganisationFactory, PlanFactory
from reach.plans.tests.seed003 import APPENDIX

pytestmark = pytest.mark.django_db

HEADING_TOP = ["TT", "Nội dung công việc", "Thời gian triển khai", "Phân công thực hiện", None,
               "Sản phẩm hoàn thành"]  # fmt: skip
HEADING_BOTTOM = [None, None, None, "Đơn vị chủ trì", "Đơn vị phối hợp và tham gia thực hiện", None]
# Seed 003's pages begin before II.1, III.2, III.6, IV.4, IV.8 and VI.2 (indexes in APPENDIX).
PAGE_BREAKS = {6, 12, 16, 21, 25, 32}


def appendix_xlsx(rows=APPENDIX, *, merged: bool = True) -> bytes:
    """The appendix as a workbook: title lines, then the two-row heading again before every
    page break."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("Phụ lục")
    line = 0
    sheet.write(line, 0, "PHỤ LỤC")
    sheet.write(line + 1, 0, "PHÂN CÔNG NHIỆM VỤ TRIỂN KHAI THỰC HIỆN KẾ HOẠCH NĂM 2023")
    line = 3

    def heading():
        nonlocal line
        if merged:
            for column in (0, 1, 2, 5):
                sheet.merge_range(line, column, line + 1, column, HEADING_TOP[column])
            sheet.merge_range(line, 3, line, 4, HEADING_TOP[3])
        else:
            sheet.write_row(line, 0, HEADING_TOP)
        for column in (3, 4):
            sheet.write(line + 1, column, HEADING_BOTTOM[column])
        line += 2

    heading()
    for index, row in enumerate(rows):
        if index in PAGE_BREAKS:
            line += 1  # an empty line, then the heading of the next page
            heading()
        sheet.write_row(line, 0, row)
        line += 1
    workbook.close()
    return out.getvalue()


@pytest.fixture
def ministry(world):
    """The Ministry's plan 237 under the country unit, and the departments Reach already knows
    (one of them recorded as "Vụ GDTH", written "Vụ GD TH" in the table)."""
    vn = world.units["d12"].parent.parent
    for code, name in [
        ("VU-GDCTHSSV", "Vụ GDCTHSSV"),
        ("VU-KHTC", "Vụ KHTC"),
        ("VU-GDTH", "Vụ GDTH"),
        ("VU-GDTX", "Vụ GDTX"),
    ]:
        OrganisationFactory(code=code, name=name, unit=vn, kind="education_office")
    return PlanFactory(code="237/KH-BGDĐT", unit=vn, title="Kế hoạch giảm nghèo bền vững 2023")


def stage(plan, user, content: bytes, name="phu-luc.xlsx"):
    return stage_task_import(actor=user, plan=plan, file=io.BytesIO(content), filename=name)


def test_import_seed003_appendix_gives_6_sections_and_27_tasks_each_with_its_lead(world, ministry):
    admin = world.users["admin"]
    batch = stage(ministry, admin, appendix_xlsx())
    assert batch.errors == []
    assert (batch.summary["sections"], batch.summary["tasks"]) == (6, 27)
    commit_task_import(actor=admin, batch=batch)

    tasks = PlanTask.objects.filter(plan=ministry)
    assert sorted(tasks.filter(number="").values_list("section", flat=True)) == [
        "I", "II", "III", "IV", "V", "VI",
    ]  # fmt: skip
    per_section = {s: tasks.filter(section=s).exclude(number="").count() for s in
                   ("I", "II", "III", "IV", "V", "VI")}  # fmt: skip
    assert per_section == {"I": 4, "II": 4, "III": 6, "IV": 8, "V": 3, "VI": 2}  # 27
    without_lead = tasks.exclude(number="").exclude(assignments__role=AssignmentRole.LEAD)
    assert list(without_lead) == []


def test_import_matches_organisations_spacing_and_case_aside(world, ministry):
    admin = world.users["admin"]
    commit_task_import(actor=admin, batch=stage(ministry, admin, appendix_xlsx()))
    gdth = Organisation.objects.get(code="VU-GDTH")
    # IV.3 is led by "Vụ GD TH", IV.4 by "Vụ GDTH": one department.
    leads = TaskAssignment.objects.filter(task__plan=ministry, task__section="IV", role="lead")
    assert {a.task.number for a in leads.filter(organisation=gdth)} == {"3", "4", "5", "6", "7"}
    # "Các Vụ GD MN; GD TH; GD TX" lists three departments, two of them known.
    co = TaskAssignment.objects.filter(task__plan=ministry, task__section="II", task__number="1")
    names = [a.organisation.name for a in co.filter(role="co").order_by("position")]
    assert names == ["Vụ GD MN", "Vụ GDTH", "Vụ GDTX"]


def test_import_lists_unknown_organisations_in_the_preview_and_creates_them_on_commit(
    world, ministry
):
    admin = world.users["admin"]
    batch = stage(ministry, admin, appendix_xlsx())
    assert "Báo GDĐTĐ" in batch.new_organisations
    assert "NXB Đại học Thái Nguyên" in batch.new_organisations
    assert "Vụ GDCTHSSV" not in batch.new_organisations  # known
    assert not any(name.lower().startswith("các đơn vị") for name in batch.new_organisations)
    assert not Organisation.objects.filter(name="Báo GDĐTĐ").exists()  # not before the commit
    commit_task_import(actor=admin, batch=batch)
    created = Organisation.objects.get(name="Báo GDĐTĐ")
    assert (created.unit, created.kind) == (ministry.unit, "other")
    assert AuditEvent.objects.filter(object_type="geo.organisation", object_id=str(created.pk))


def test_import_reads_the_windows_of_the_appendix_cả_năm_as_the_plan_year(world, ministry):
    admin = world.users["admin"]
    commit_task_import(actor=admin, batch=stage(ministry, admin, appendix_xlsx()))
    task = PlanTask.objects.get
    assert (task(plan=ministry, section="I", number="").starts_on,
            task(plan=ministry, section="I", number="").ends_on) == (
        dt.date(2023, 1, 1), dt.date(2023, 12, 31))  # fmt: skip
    assert task(plan=ministry, section="III", number="5").starts_on == dt.date(2023, 5, 1)
    assert task(plan=ministry, section="III", number="5").ends_on == dt.date(2023, 11, 30)
    assert task(plan=ministry, section="IV", number="2").window_text == ""  # left blank


def test_import_twice_changes_nothing(world, ministry):
    admin = world.users["admin"]
    commit_task_import(actor=admin, batch=stage(ministry, admin, appendix_xlsx()))
    before = (
        list(PlanTask.objects.values_list("pk", "content", "starts_on", "ends_on", "status")),
        list(TaskAssignment.objects.values_list("task", "organisation", "role")),
        Organisation.objects.count(),
        AuditEvent.objects.count(),
    )
    second = commit_task_import(actor=admin, batch=stage(ministry, admin, appendix_xlsx()))
    assert second.summary["unchanged"] == 33 and second.summary["created"] == 0
    assert second.summary["organisations_created"] == 0
    after = (
        list(PlanTask.objects.values_list("pk", "content", "starts_on", "ends_on", "status")),
        list(TaskAssignment.objects.values_list("task", "organisation", "role")),
        Organisation.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_import_a_changed_row_updates_that_task_only(world, ministry):
    admin = world.users["admin"]
    commit_task_import(actor=admin, batch=stage(ministry, admin, appendix_xlsx()))
    rows = [
        r if r[1] != APPENDIX[2][1] else (r[0], r[1], "Tháng 04/2023", *r[3:]) for r in APPENDIX
    ]
    batch = commit_task_import(actor=admin, batch=stage(ministry, admin, appendix_xlsx(rows)))
    assert (batch.summary["updated"], batch.summary["unchanged"]) == (1, 32)
    assert PlanTask.objects.get(plan=ministry, section="I", number="2").ends_on == dt.date(
        2023, 4, 30
    )


def test_import_without_merged_cells_reads_the_same_table(world, ministry):
    batch = stage(ministry, world.users["admin"], appendix_xlsx(merged=False))
    assert (batch.errors, batch.summary["sections"], batch.summary["tasks"]) == ([], 6, 27)


def test_import_bad_rows_are_named_by_line_and_nothing_is_stored(world, ministry):
    rows = list(APPENDIX)
    rows[3] = ("3a", *rows[3][1:])  # neither a section nor a task number
    rows[4] = (rows[4][0], "", *rows[4][2:])  # no content
    rows[7] = ("1.", *rows[7][1:])  # II.1 twice
    admin = world.users["admin"]
    batch = stage(ministry, admin, appendix_xlsx(rows))
    assert batch.status == ImportStatus.REJECTED
    # Title on lines 1-2, the heading on 4-5: I is line 6, I.3 line 9, I.4 line 10, II line 11;
    # the page break before II.1 adds an empty line and two heading lines: II.2 is line 16.
    assert [(e["line"], e["column"]) for e in batch.errors] == [
        (9, "number"), (10, "content"), (16, "number"),
    ]  # fmt: skip
    assert "3a" in batch.errors[0]["reason"] and "II.1" in batch.errors[2]["reason"]
    with pytest.raises(ImportRejected):
        commit_task_import(actor=admin, batch=batch)
    assert not PlanTask.objects.exists()
    assert not Organisation.objects.filter(name="Báo GDĐTĐ").exists()


def test_import_csv_with_chinese_headings(world, ministry):
    content = ("序号,工作内容,时间,牵头单位,配合单位,成果\n一、,not a numeral,,,,\n").encode()
    batch = stage(ministry, world.users["admin"], content, "tasks.csv")
    assert batch.status == ImportStatus.REJECTED  # 一、 is no Roman numeral: named, not guessed
    content = (
        "序号,工作内容,时间,牵头单位,配合单位,成果\n"
        "I,控辍保学,全年,县教育局,各乡镇,报告\n"
        "1,摸底排查,2023年3月,县教育局,,名单\n"
    ).encode()
    batch = stage(ministry, world.users["admin"], content, "tasks.csv")
    assert batch.errors == [] and batch.summary == {**batch.summary, "sections": 1, "tasks": 1}
    assert batch.rows[1]["ends_on"] == "2023-03-31"
    assert batch.new_organisations == ["县教育局"]  # 各乡镇 ("every township") names no one


def test_import_by_a_ward_officer_of_another_unit_is_refused(world, ministry):
    with pytest.raises(NotAllowed):
        stage(ministry, world.users["ward01"], appendix_xlsx())


def test_reach_import_plan_tasks_dry_run_then_commit(world, ministry, tmp_path: Path):
    path = tmp_path / "phu-luc.xlsx"
    path.write_bytes(appendix_xlsx())
    out = io.StringIO()
    call_command("import", "plan-tasks", str(path), "--plan", ministry.code, stdout=out)
    assert "6 sections, 27 tasks: 33 new" in out.getvalue()
    assert "new organisation: Báo GDĐTĐ" in out.getvalue()
    assert not PlanTask.objects.exists()
    call_command("import", "plan-tasks", str(path), "--plan", ministry.code, "--commit", stdout=out)
    assert PlanTask.objects.filter(plan=ministry).count() == 33


def test_reach_import_plan_tasks_names_bad_lines(world, ministry, tmp_path: Path):
    rows = list(APPENDIX)
    rows[3] = ("3a", *rows[3][1:])
    path = tmp_path / "phu-luc.xlsx"
    path.write_bytes(appendix_xlsx(rows))
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 errors"):
        call_command(
            "import", "plan-tasks", str(path), "--plan", ministry.code, "--commit", stdout=out
        )
    assert "line 9, number" in out.getvalue()
    assert not PlanTask.objects.exists()
