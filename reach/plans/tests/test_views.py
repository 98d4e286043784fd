"""The plan pages: list, detail with the plans implementing it, timeline, the task table's
upload → preview → import, a task's progress with evidence, overdue and my tasks."""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from reach.accounts.models import AuditEvent
from reach.plans.models import Plan, PlanTask, PlanTaskImport
from reach.plans.tests.test_import import appendix_xlsx

pytestmark = pytest.mark.django_db


def page(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_plan_list_shows_the_plans_with_progress_and_the_new_plan_form(world, plans):
    html = page(world, "district").get("/plans/").content.decode()
    assert "W1-2023" in html and "1 of 2 tasks done" in html and "Create the plan" in html


def test_plan_detail_lists_the_ward_plans_implementing_it(world, plans):
    html = page(world, "district").get(f"/plans/{plans['district'].pk}/").content.decode()
    assert 'id="implementing"' in html and "W1-2023" in html and "W2-2023" in html


def test_plan_of_another_ward_is_404(world, plans):
    assert page(world, "ward01").get(f"/plans/{plans['ward2'].pk}/").status_code == 404


def test_create_plan_from_the_form_cites_a_plan_by_its_code(world, plans):
    response = page(world, "ward01").post(
        "/plans/new/",
        {"code": "KH-TX-2024", "title": "Kế hoạch 2024", "unit": "26734",
         "implements": plans["district"].pk, "bases": "351/KH-GDĐT\nQuyết định 90/QĐ-TTg"},
    )  # fmt: skip
    plan = Plan.objects.get(code="KH-TX-2024")
    assert response.status_code == 302 and plan.implements == plans["district"]
    assert [b.cited_plan for b in plan.bases.all()] == [plans["district"], None]


def test_timeline_draws_a_bar_per_task(world, plans):
    html = page(world, "ward01").get(f"/plans/{plans['ward1'].pk}/timeline/").content.decode()
    assert html.count("<rect") == 3 and "style=" not in html


def test_import_on_the_page_upload_preview_then_import(world):
    vn = world.units["d12"].parent.parent
    plan = Plan.objects.create(code="237/KH-BGDĐT", title="Kế hoạch 2023", unit=vn,
                               starts_on="2023-01-01", ends_on="2023-12-31")  # fmt: skip
    client = page(world, "admin")
    upload = SimpleUploadedFile("phu-luc.xlsx", appendix_xlsx())
    response = client.post(f"/plans/{plan.pk}/import/", {"file": upload})
    batch = PlanTaskImport.objects.get()
    assert response.url == f"/plans/imports/{batch.pk}/"
    html = client.get(response.url).content.decode()
    assert "6 sections, 27 tasks: 33 new" in html and "Báo GDĐTĐ" in html
    assert not PlanTask.objects.exists()
    client.post(f"/plans/imports/{batch.pk}/commit/")
    assert PlanTask.objects.filter(plan=plan).count() == 33


def test_import_preview_names_the_bad_lines_and_offers_no_import(world, plans):
    client = page(world, "district")
    bad = io.BytesIO("TT,Nội dung công việc\nI,Section\n1.,\n".encode())
    response = client.post(
        f"/plans/{plans['district'].pk}/import/", {"file": SimpleUploadedFile("t.csv", bad.read())}
    )
    html = client.get(response.url).content.decode()
    assert "line 3, content" in html and "/commit/" not in html


def test_import_upload_by_a_ward_officer_on_the_district_plan_is_403(world, plans):
    client = page(world, "ward01")
    assert (
        client.post(
            f"/plans/{plans['ward1'].pk}/import/",
            {"file": SimpleUploadedFile("t.csv", b"TT,Content\n")},
        ).status_code
        == 302
    )  # own plan
    # the ward reads the district's plan but may not change it
    assert client.post(f"/plans/{plans['district'].pk}/import/", {
        "file": SimpleUploadedFile("t.csv", b"TT,Content\n")}).status_code == 403  # fmt: skip
    assert client.post(f"/plans/{plans['ward2'].pk}/import/", {
        "file": SimpleUploadedFile("t.csv", b"TT,Content\n")}).status_code == 404  # fmt: skip


def test_task_progress_with_evidence_then_download(world, plans):
    client = page(world, "ward01")
    task = plans["ward1"].tasks.get(number="2")
    client.post(
        f"/plans/tasks/{task.pk}/update/",
        {"status": "done", "note": "Xong", "evidence": SimpleUploadedFile("bb.pdf", b"%PDF-1")},
    )
    update = task.updates.get()
    html = client.get(f"/plans/tasks/{task.pk}/").content.decode()
    assert "bb.pdf" in html and "Done" in html
    response = client.get(f"/plans/updates/{update.pk}/evidence/")
    assert b"".join(response.streaming_content) == b"%PDF-1"
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action="export", object_id="plans.evidence").count() == 1
    assert page(world, "county").get(f"/plans/updates/{update.pk}/evidence/").status_code == 404


def test_task_update_out_of_scope_is_404_and_without_the_role_403(world, plans):
    task = plans["ward1"].tasks.get(number="2")
    update = {"status": "done", "note": "x"}
    assert page(world, "county").post(f"/plans/tasks/{task.pk}/update/", update).status_code == 404
    district_task = plans["district"].tasks.get(number="2")
    response = page(world, "ward01").post(f"/plans/tasks/{district_task.pk}/update/", update)
    assert response.status_code == 403


def test_overdue_and_my_tasks_pages(world, plans):
    client = page(world, "ward01")
    assert "Overdue tasks" in client.get("/plans/overdue/").content.decode()
    assert "No task." in client.get("/plans/mine/").content.decode()
