"""The API keeps the promises of its OpenAPI schema under generated input.

Schemathesis reads `/api/v1/openapi.json` from the application itself and, for every
operation, sends a few generated requests (valid and invalid ones) as the ward officer of the
small `world`, with a case, a work group, a campaign and a finished run added. Half of the
generated record ids are replaced by ids of those records, so writes also meet real records,
in and out of the officer's ward. Whatever is sent, the answer is never a server error, its
status is one the operation declares, and its body matches the declared schema.

The examples are few and derandomized, so a run is quick and the same on every machine; a
failure names the operation and the request to replay. The token endpoints are left out: issuing
takes no token, and repeated wrong passwords would lock the account out; revoking would revoke
the very token the run calls with."""

import datetime as dt

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from reach.accounts.services import issue_api_token
from reach.casework.models import Campaign
from reach.casework.tests.factories import (
    CaseVisitFactory,
    DropoutCaseFactory,
    WorkGroupFactory,
    WorkGroupMemberFactory,
)
from reach.entitlements.choices import RunStatus
from reach.entitlements.tests.factories import EntitlementRunFactory
from reach.registry.models import Enrolment

EXAMPLES_PER_OPERATION = 5

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
schema.config.generation.update(
    max_examples=EXAMPLES_PER_OPERATION, deterministic=True, database="none"
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# Ids of the records the `records` fixture made, by the name of the path parameter.
KNOWN_IDS: dict[str, list[int]] = {}


@schema.hook
def map_path_parameters(context, path_parameters):
    """An even generated id becomes the id of a record that exists (an odd one stays, most
    likely a record that does not)."""
    if not path_parameters:
        return path_parameters
    mapped = dict(path_parameters)
    for name, value in path_parameters.items():
        ids = KNOWN_IDS.get(name)
        if ids and isinstance(value, int) and not isinstance(value, bool) and value % 2 == 0:
            mapped[name] = ids[(value // 2) % len(ids)]
    return mapped


@pytest.fixture(autouse=True)
def connection_kept_across_requests():
    """The requests go through the real WSGI handler, which closes the database connection
    after each one; the test's transaction lives on that connection, so keep it open, as
    Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def records(world):
    """Per ward: a visited case and a work group with a member; a campaign over the
    district; a finished run of each ward."""
    cases, groups, runs = [], [], []
    for ward in ("ward1", "ward2"):
        case = DropoutCaseFactory(person=world.persons[ward], opened_on=dt.date(2024, 9, 2))
        CaseVisitFactory(case=case, visited_on=dt.date(2024, 9, 9))
        group = WorkGroupFactory(unit=world.units[ward])
        WorkGroupMemberFactory(work_group=group)
        run = EntitlementRunFactory(unit=world.units[ward], status=RunStatus.DONE)
        cases.append(case.pk)
        groups.append(group.pk)
        runs.append(run.pk)
    campaign = Campaign.objects.create(
        name="Sau hè",
        kind="after_summer",
        unit=world.units["d12"],
        school_year=2024,
        starts_on=dt.date(2024, 9, 1),
        ends_on=dt.date(2024, 10, 31),
    )
    KNOWN_IDS.clear()
    KNOWN_IDS.update(
        household_id=sorted(h.pk for h in world.households.values()),
        person_id=sorted(p.pk for p in world.persons.values()),
        enrolment_id=sorted(Enrolment.objects.values_list("pk", flat=True)),
        case_id=cases,
        group_id=groups,
        run_id=runs,
        campaign_id=[campaign.pk],
    )
    yield world
    KNOWN_IDS.clear()


@pytest.fixture
def ward_officer_headers(records) -> dict:
    return {"Authorization": f"Bearer {issue_api_token(user=records.users['ward01']).secret}"}


@(
    schema.exclude(path="/api/v1/auth/token")
    .exclude(method="DELETE", path_regex="/auth/tokens/")
    .parametrize()
)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_every_operation_keeps_its_schema_under_generated_input(case, ward_officer_headers):
    case.call_and_validate(headers=ward_officer_headers, checks=CHECKS)
