"""The policies API."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_policy_code_holding_nul_is_not_found_not_a_server_error(world):
    client = Client()
    client.force_login(world.users["ward01"])

    response = client.get("/api/v1/policies/vn%00x")

    assert response.status_code == 404
