import pytest

from reach.accounts.choices import AuditAction
from reach.accounts.models import ApiToken, hash_token
from reach.accounts.services import issue_api_token, record_export, snapshot
from reach.accounts.tests.factories import UserFactory
from reach.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_api_token_is_stored_only_as_a_hash():
    user = UserFactory()
    raw = issue_api_token(user=user)
    stored = ApiToken.objects.get(user=user)
    assert stored.key_hash == hash_token(raw)
    assert raw not in stored.key_hash


def test_snapshot_is_json_ready_with_foreign_keys_as_ids():
    person = PersonFactory(full_name="Lò Thị Mai")
    values = snapshot(person)
    assert values["full_name"] == "Lò Thị Mai"
    assert values["birth_date"] == "2015-05-01"
    assert values["household_id"] == person.household_id
    assert "id" not in values


def test_an_export_is_audited_with_who_what_filters_and_rows():
    user = UserFactory(username="exporter")
    event = record_export(
        actor=user, name="registry.households", filters={"unit": "761"}, rows=12, masked=True
    )
    event.refresh_from_db()
    assert (event.actor, event.actor_name, event.action) == (user, "exporter", AuditAction.EXPORT)
    assert (event.object_type, event.object_id) == ("export", "registry.households")
    assert event.after == {"filters": {"unit": "761"}, "rows": 12, "masked": True}
