"""The policies' pages: benefits with their rules in words, versions, and editing by an
administrator, which validates the text like a file and makes a new version."""

import pytest
import yaml
from django.test import Client

from reach.accounts.models import AuditEvent
from reach.policy.calc import default_policies_dir
from reach.policy.models import PolicyVersion
from reach.policy.services import load_policies_dir

pytestmark = pytest.mark.django_db
VN_POLICY = "vn-poverty-education"


@pytest.fixture
def policies(world):
    load_policies_dir(path=default_policies_dir())


def logged_in(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def test_policy_list_and_page_show_the_rules_in_words(world, policies):
    client = logged_in(world, "ward01")

    listing = client.get("/policies/").content.decode()
    page = client.get(f"/policies/{VN_POLICY}/").content.decode()

    assert (
        f'href="/policies/{VN_POLICY}/"' in listing
        and 'href="/policies/cn-guiding-2015/"' in listing
    )
    assert "Hỗ trợ chi phí học tập" in page
    assert "cấp học là một trong mầm non" in page  # the rule, in Vietnamese
    assert "150.000 VND × 9 tháng" in page  # the amount, in Vietnamese
    assert "cả năm học từ năm học 2021-2022" in page  # Decree 81 governs whole school years
    assert "một tháng được tính khi có hiệu lực vào ngày 5" in page  # lunch counts months
    assert "chưa đặt (cần xác nhận)" in page  # Decree 86's learning-cost amount is not set
    assert "Nghị định 81/2021/NĐ-CP" in page
    assert "/edit/" not in page  # only administrators edit


def test_funding_sources_and_kinds_of_benefit_are_named_not_coded(world, policies):
    page = logged_in(world, "county").get("/policies/cn-guiding-2015/").content.decode()

    assert "higher_levels" not in page and "上级" in page
    assert "· exemption" not in page and "免除学费" in page


def test_only_administrators_may_edit_a_policy(world, policies):
    assert logged_in(world, "district").get(f"/policies/{VN_POLICY}/edit/").status_code == 404
    response = logged_in(world, "admin").get(f"/policies/{VN_POLICY}/edit/")
    assert response.status_code == 200
    assert yaml.safe_load(response.context["text"])["code"] == VN_POLICY


def edited_text(client) -> dict:
    return yaml.safe_load(client.get(f"/policies/{VN_POLICY}/edit/").context["text"])


def test_saving_a_changed_policy_makes_version_2_with_an_audit_event(world, policies):
    client = logged_in(world, "admin")
    document = edited_text(client)
    support = next(b for b in document["benefits"] if b["code"] == "learning_cost_support")
    support["amount"]["value"] = 160000

    response = client.post(
        f"/policies/{VN_POLICY}/edit/", {"document": yaml.safe_dump(document, allow_unicode=True)}
    )

    assert response.status_code == 302 and response.url == f"/policies/{VN_POLICY}/"
    version = PolicyVersion.objects.get(policy__code=VN_POLICY, number=2)
    assert version.loaded_by == world.users["admin"]
    assert version.benefits.get(code="learning_cost_support").amount["value"] == 160000
    assert AuditEvent.objects.filter(
        object_type="policy.policyversion", object_id=str(version.pk), actor=world.users["admin"]
    ).exists()
    assert "160.000 VND × 9 tháng" in client.get(f"/policies/{VN_POLICY}/").content.decode()


def test_saving_an_unchanged_policy_makes_no_version(world, policies):
    client = logged_in(world, "admin")
    text = client.get(f"/policies/{VN_POLICY}/edit/").context["text"]

    client.post(f"/policies/{VN_POLICY}/edit/", {"document": text})

    assert PolicyVersion.objects.filter(policy__code=VN_POLICY).count() == 1


def test_a_bad_edit_lists_every_error_with_its_path_and_saves_nothing(world, policies):
    client = logged_in(world, "admin")
    document = edited_text(client)
    benefits = {benefit["code"]: benefit for benefit in document["benefits"]}
    benefits["tuition_exemption_81"]["condition"] = {"field": "colour", "op": "eq", "value": "red"}
    benefits["tuition_reduction_70_81"]["funding"] = [{"source": "state_budget", "share": 90}]

    response = client.post(f"/policies/{VN_POLICY}/edit/", {"document": yaml.safe_dump(document)})
    broken = client.post(f"/policies/{VN_POLICY}/edit/", {"document": "code: [unclosed"})
    renamed = client.post(
        f"/policies/{VN_POLICY}/edit/",
        {"document": yaml.safe_dump({**edited_text(client), "code": "another"})},
    )

    assert response.status_code == 400
    errors = response.context["errors"]
    assert any("tuition_exemption_81" in e and "condition.field" in e for e in errors), errors
    assert any("funding" in e for e in errors), errors
    assert broken.status_code == 400 and ":1: " in broken.context["errors"][0]
    assert renamed.status_code == 400 and "code: " in renamed.context["errors"][0]
    assert PolicyVersion.objects.filter(policy__code=VN_POLICY).count() == 1
