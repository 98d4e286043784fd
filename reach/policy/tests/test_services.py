"""Loading policy files and reference tables into the database: versions, audit, all or nothing."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from reach.accounts.models import AuditEvent
from reach.accounts.tests.factories import UserFactory
from reach.policy.calc import default_policies_dir
from reach.policy.loader import PolicyFileError
from reach.policy.models import Benefit, Policy, PolicyVersion, ReferenceTable, ReferenceValue
from reach.policy.selectors import get_current_policy_version, get_reference_book
from reach.policy.services import (
    delete_reference_value,
    load_policies_dir,
    load_policy_file,
    load_policy_files,
    load_reference_file,
    save_reference_value,
)
from reach.policy.tests.factories import (
    base_salary_table,
    benefit,
    policy_document,
    tuition_fee_table,
    write_yaml,
)

pytestmark = pytest.mark.django_db


def audit_events(model: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=model).order_by("id"))


def test_loading_a_policy_makes_version_1_with_its_benefits_and_an_audit_event(tmp_path):
    path = write_yaml(
        tmp_path / "test.yaml",
        policy_document(
            benefit("learning_cost_support", effective={"from": "2021-10-15"}),
            benefit("tuition_exemption", exclusive_group="tuition"),
        ),
    )
    clerk = UserFactory(username="clerk")
    version = load_policy_file(path=path, actor=clerk)
    assert (version.policy.code, version.number, version.source_file) == (
        "test-policy",
        1,
        "test.yaml",
    )
    assert version.loaded_by == clerk
    assert version.document["code"] == "test-policy"
    benefits = list(version.benefits.order_by("position"))
    assert [(b.code, b.position, b.exclusive_group) for b in benefits] == [
        ("learning_cost_support", 0, ""),
        ("tuition_exemption", 1, "tuition"),
    ]
    assert benefits[0].effective_from == dt.date(2021, 10, 15)
    assert benefits[0].amount == {"per": "month", "value": 150000, "months": 9}
    assert benefits[0].funding == [{"source": "state_budget", "share": 100}]
    assert benefits[0].in_force(dt.date(2024, 9, 5))
    [event] = audit_events("policy.policyversion")
    assert (event.object_id, event.actor_name) == (str(version.pk), "clerk")
    assert event.after == {"version": 1, "checksum": version.checksum}


def test_loading_an_unchanged_file_returns_the_current_version_and_makes_none(tmp_path):
    path = write_yaml(tmp_path / "test.yaml", policy_document())
    first = load_policy_file(path=path)
    path.write_text("# only a comment is new\n" + path.read_text("utf-8"), "utf-8")
    again = load_policy_file(path=path)
    assert again.pk == first.pk
    assert PolicyVersion.objects.count() == 1
    assert len(audit_events("policy.policyversion")) == 1


def test_a_changed_file_makes_version_2_and_keeps_version_1(tmp_path):
    path = write_yaml(tmp_path / "test.yaml", policy_document())
    first = load_policy_file(path=path)
    changed = benefit(
        "learning_cost_support", amount={"per": "month", "value": 160000, "months": 9}
    )
    write_yaml(path, policy_document(changed, names={"vi": "Mới", "zh": "新", "en": "New"}))
    second = load_policy_file(path=path)
    assert (second.number, second.policy_id) == (2, first.policy_id)
    assert second.checksum != first.checksum
    assert Benefit.objects.get(version=first).amount["value"] == 150000
    assert Benefit.objects.get(version=second).amount["value"] == 160000
    assert Policy.objects.get().names["en"] == "New"
    assert get_current_policy_version("test-policy") == second
    events = audit_events("policy.policyversion")
    assert [e.after for e in events] == [
        {"version": 1, "checksum": first.checksum},
        {"version": 2, "checksum": second.checksum},
    ]


def test_a_file_with_errors_loads_nothing_and_lists_every_error(tmp_path):
    bad = benefit("b", amount={"per": "month", "value": 1, "months": 0}, kind="loan")
    path = write_yaml(tmp_path / "bad.yaml", policy_document(benefit("a"), bad))
    with pytest.raises(PolicyFileError) as caught:
        load_policy_file(path=path)
    assert caught.value.errors == [
        "bad.yaml: benefits[1] (code b).kind: must be one of exemption, reduction, subsidy, "
        "grant, meal, scholarship",
        "bad.yaml: benefits[1] (code b).amount.months: must be a whole number 1-12",
    ]
    assert not Policy.objects.exists()
    assert not AuditEvent.objects.exists()


def test_an_error_in_a_changed_file_keeps_the_current_version(tmp_path):
    path = write_yaml(tmp_path / "test.yaml", policy_document())
    load_policy_file(path=path)
    write_yaml(path, policy_document(currency="EUR"))
    with pytest.raises(PolicyFileError):
        load_policy_file(path=path)
    assert PolicyVersion.objects.get().number == 1


def test_a_policy_may_take_a_percent_of_a_loaded_table_only(tmp_path):
    amount = {"percent": 40, "of": "base_salary", "per": "month", "months": 9}
    path = write_yaml(tmp_path / "p.yaml", policy_document(benefit("food", amount=amount)))
    with pytest.raises(PolicyFileError, match="amount.of: unknown reference table 'base_salary'"):
        load_policy_file(path=path)
    load_reference_file(path=write_yaml(tmp_path / "ref" / "base.yaml", base_salary_table()))
    assert load_policy_file(path=path).number == 1


# -- reference tables -----------------------------------------------------------------------


def test_loading_a_reference_table_replaces_its_values_when_changed(tmp_path):
    path = write_yaml(tmp_path / "base_salary.yaml", base_salary_table())
    table = load_reference_file(path=path)
    assert list(table.values.values_list("value_minor", flat=True)) == [1_800_000, 2_340_000]
    load_reference_file(path=path)  # unchanged: nothing happens
    assert len(audit_events("policy.referencetable")) == 1
    values = [{"from": "2024-07-01", "value": 2340000, "source": "Nghị định 73/2024/NĐ-CP"}]
    write_yaml(path, base_salary_table(values=values))
    table = load_reference_file(path=path)
    assert list(ReferenceValue.objects.values_list("value_minor", flat=True)) == [2_340_000]
    created, updated = audit_events("policy.referencetable")
    assert (created.action, updated.action) == ("create", "update")
    assert updated.before == {"checksum": created.after["checksum"]}
    assert updated.after == {"checksum": table.checksum, "values": 1}


def test_reference_book_from_the_database_finds_the_longest_unit_prefix(tmp_path):
    load_reference_file(path=write_yaml(tmp_path / "fee.yaml", tuition_fee_table()))
    load_reference_file(path=write_yaml(tmp_path / "base.yaml", base_salary_table()))
    book = get_reference_book()
    fee = book.value(
        "tuition_fee",
        reference_date=dt.date(2024, 9, 5),
        school_year=2024,
        level="lower_secondary",
        unit_path="VN.79.761",
    )
    salary = book.value("base_salary", reference_date=dt.date(2024, 9, 5), school_year=2024)
    assert (fee, salary) == (300_000, 2_340_000)


def test_load_policies_dir_loads_reference_tables_first(tmp_path):
    amount = {"percent": 40, "of": "base_salary", "per": "month", "months": 9}
    write_yaml(tmp_path / "a-policy.yaml", policy_document(benefit("food", amount=amount)))
    write_yaml(tmp_path / "reference" / "base_salary.yaml", base_salary_table())
    outcomes = load_policies_dir(path=tmp_path)
    assert [str(o) for o in outcomes] == [
        "base_salary: table loaded (2 values)",
        "test-policy: version 1 loaded (1 benefit)",
    ]
    assert [str(o) for o in load_policies_dir(path=tmp_path)] == [
        "base_salary: unchanged (2 values)",
        "test-policy: unchanged (version 1)",
    ]


def test_load_policy_files_is_all_or_nothing(tmp_path):
    good = write_yaml(tmp_path / "good.yaml", policy_document())
    bad = write_yaml(tmp_path / "bad.yaml", policy_document(code="other", currency="EUR"))
    table = write_yaml(tmp_path / "base.yaml", base_salary_table())
    with pytest.raises(PolicyFileError) as caught:
        load_policy_files(paths=[good, bad, table])
    assert caught.value.errors == ["bad.yaml: currency: must be one of VND, CNY"]
    assert not Policy.objects.exists() and not ReferenceTable.objects.exists()


def test_two_files_with_the_same_code_are_an_error(tmp_path):
    one = write_yaml(tmp_path / "one.yaml", policy_document())
    two = write_yaml(tmp_path / "two.yaml", policy_document())
    with pytest.raises(PolicyFileError, match="two.yaml: code: test-policy is also the code of"):
        load_policy_files(paths=[one, two])


def test_the_shipped_policies_load():
    directory = default_policies_dir()
    if not any(directory.glob("*.yaml")):
        pytest.skip("no policy files shipped yet")
    outcomes = load_policies_dir(path=directory)
    assert outcomes and all(outcome.created for outcome in outcomes)
    assert not any(outcome.created for outcome in load_policies_dir(path=directory))


# -- the command ----------------------------------------------------------------------------


def run_load(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("load_policy", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_load_policy_command_says_loaded_then_unchanged_then_version_2(tmp_path):
    path = write_yaml(tmp_path / "test.yaml", policy_document(benefit("a"), benefit("b")))
    assert run_load(str(path))[0] == "test-policy: version 1 loaded (2 benefits)\n"
    assert run_load(str(path))[0] == "test-policy: unchanged (version 1)\n"
    write_yaml(path, policy_document(benefit("a")))
    assert run_load(str(path))[0] == "test-policy: version 2 loaded (1 benefit)\n"


def test_load_policy_command_loads_a_directory_reference_first(tmp_path):
    write_yaml(tmp_path / "p.yaml", policy_document())
    write_yaml(tmp_path / "reference" / "fee.yaml", tuition_fee_table())
    UserFactory(username="admin")
    out, _err = run_load(str(tmp_path), "--user", "admin")
    assert out.splitlines() == [
        "tuition_fee: table loaded (4 values)",
        "test-policy: version 1 loaded (1 benefit)",
    ]
    assert PolicyVersion.objects.get().loaded_by.username == "admin"


def test_load_policy_command_lists_every_error_and_fails(tmp_path):
    bad = benefit("x", funding=[{"source": "a", "share": 50}])
    path = write_yaml(tmp_path / "bad.yaml", policy_document(bad, currency="JPY"))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="2 errors: nothing was loaded"):
        call_command("load_policy", str(path), stdout=out, stderr=err)
    assert err.getvalue().splitlines() == [
        "bad.yaml: currency: must be one of VND, CNY",
        "bad.yaml: benefits[0] (code x).funding: shares add up to 50, not 100",
    ]
    assert out.getvalue() == ""
    assert not Policy.objects.exists()


def test_load_policy_command_rejects_a_file_that_is_neither_kind(tmp_path):
    path = tmp_path / "notes.yaml"
    path.write_text("title: hello\n", "utf-8")
    with pytest.raises(CommandError):
        call_command("load_policy", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def test_only_an_administrator_may_save_an_edited_policy_text(world):
    from reach.common.errors import NotAllowed
    from reach.policy.services import load_policy_text

    with pytest.raises(NotAllowed):
        load_policy_text(code="any-policy", text="code: any-policy", actor=world.users["district"])


# -- a table whose values an administrator enters (each province's private-school support) ----


def province_table(tmp_path, **extra):
    document = {
        "code": "private_tuition_support",
        "names": {"vi": "Hỗ trợ", "zh": "补助", "en": "Support"},
        "currency": "VND",
        "per": "month",
        "keys": ["level", "unit"],
        "admin_values": True,
    } | extra
    return write_yaml(tmp_path / "private_tuition_support.yaml", document)


def province_value(table: ReferenceTable, **fields) -> ReferenceValue:
    defaults = {
        "school_year": 2025,
        "keys": {"level": "lower_secondary", "unit": "VN.79"},
        "value_minor": 200000,
    }
    return ReferenceValue(table=table, **(defaults | fields))


def test_the_shipped_province_table_loads_empty_and_its_values_are_entered_in_the_admin():
    load_policies_dir(path=default_policies_dir())
    table = ReferenceTable.objects.get(code="private_tuition_support")
    assert table.admin_values and table.keys == ["level", "unit"]
    assert not table.values.exists()


def test_an_administrators_value_is_audited_and_survives_loading_the_changed_file(tmp_path):
    admin = UserFactory(username="root", is_superuser=True)
    table = load_reference_file(path=province_table(tmp_path), actor=None)

    value = save_reference_value(actor=admin, value=province_value(table), reason="admin")
    load_reference_file(path=province_table(tmp_path, notes="level of 2025"), actor=None)

    assert list(table.values.values_list("pk", "value_minor")) == [(value.pk, 200000)]
    [event] = audit_events("policy.referencevalue")
    assert (event.action, event.actor, event.reason) == ("create", admin, "admin")
    assert event.after["keys"] == {"level": "lower_secondary", "unit": "VN.79"}
    assert event.after["value_minor"] == 200000
    book = get_reference_book()
    assert (
        book.value(
            "private_tuition_support",
            reference_date=dt.date(2025, 9, 5),
            school_year=2025,
            level="lower_secondary",
            unit_path="VN.79.761.26734",
        )
        == 200000
    )


def test_changing_and_deleting_a_province_value_are_audited_with_before_and_after(tmp_path):
    admin = UserFactory(username="root", is_superuser=True)
    table = load_reference_file(path=province_table(tmp_path), actor=None)
    value = save_reference_value(actor=admin, value=province_value(table))

    value.value_minor = 250000
    save_reference_value(actor=admin, value=value)
    delete_reference_value(actor=admin, value=value)

    created, changed, deleted = audit_events("policy.referencevalue")
    assert (changed.before["value_minor"], changed.after["value_minor"]) == (200000, 250000)
    assert (deleted.action, deleted.before["value_minor"]) == ("delete", 250000)
    assert not table.values.exists()


def test_a_province_value_is_refused_naming_every_error_and_nothing_is_saved(tmp_path):
    admin = UserFactory(username="root", is_superuser=True)
    table = load_reference_file(path=province_table(tmp_path), actor=None)
    bad = province_value(
        table, school_year=None, keys={"level": "kindergarten", "unit": "VN 79"}, value_minor=-1
    )

    with pytest.raises(PolicyFileError) as raised:
        save_reference_value(actor=admin, value=bad)

    message = " ".join(raised.value.errors)
    for part in ("needs from (a date) or school_year", ".level", ".unit", ".value"):
        assert part in message
    assert not table.values.exists() and not audit_events("policy.referencevalue")


def test_only_an_administrator_enters_a_province_value_and_only_in_a_table_filled_in_the_admin(
    tmp_path,
):
    from reach.common.errors import NotAllowed

    clerk = UserFactory(username="clerk")
    admin = UserFactory(username="root", is_superuser=True)
    table = load_reference_file(path=province_table(tmp_path), actor=None)
    with pytest.raises(NotAllowed):
        save_reference_value(actor=clerk, value=province_value(table))
    shipped = load_reference_file(
        path=write_yaml(tmp_path / "base_salary.yaml", base_salary_table()), actor=None
    )
    with pytest.raises(PolicyFileError):
        save_reference_value(actor=admin, value=province_value(shipped))
    assert not ReferenceValue.objects.filter(table=table).exists()


def test_a_second_value_for_the_same_year_level_and_unit_is_refused(tmp_path):
    admin = UserFactory(username="root", is_superuser=True)
    table = load_reference_file(path=province_table(tmp_path), actor=None)
    first = save_reference_value(actor=admin, value=province_value(table))

    with pytest.raises(PolicyFileError):
        save_reference_value(actor=admin, value=province_value(table, value_minor=300000))
    first.value_minor = 300000
    save_reference_value(actor=admin, value=first)  # changing the value itself is allowed

    assert list(table.values.values_list("value_minor", flat=True)) == [300000]
