"""A database's refusal reaches the user as a reference, and the log under that reference
keeps what an operator needs without the values of the row."""

import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from reach.common.errors import report_database_error

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"reference ([0-9a-f]{8})\b")


def test_a_database_error_is_told_by_reference_and_logged_without_the_row(caplog):
    User = get_user_model()
    User.objects.create(username="nguyen-van-an-079080000001")
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        User.objects.create(username="nguyen-van-an-079080000001")
    assert "nguyen-van-an" in str(raised.value) or "username" in str(raised.value)

    with caplog.at_level(logging.ERROR, logger="reach.errors"):
        message = report_database_error(raised.value, during="a test")

    (reference,) = REFERENCE.findall(message)
    assert message == f"A database error occurred (reference {reference})."
    (record,) = caplog.records
    logged = record.getMessage()
    assert f"reference {reference}" in logged and "IntegrityError" in logged
    assert "079080000001" not in logged and "079080000001" not in message
    assert "test_errors.py" in logged  # the code path, for the operator


def test_each_report_has_its_own_reference():
    error = IntegrityError("duplicate key value violates unique constraint")
    first = report_database_error(error, during="a test")
    second = report_database_error(error, during="a test")
    assert REFERENCE.findall(first) != REFERENCE.findall(second)


def test_found_passes_a_record_through_and_answers_nothing_as_out_of_scope():
    from reach.common.errors import OutOfScope, found

    record = object()
    assert found(record) is record
    with pytest.raises(OutOfScope, match="Unit not found"):
        found(None, "Unit not found")
