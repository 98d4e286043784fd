"""Fixtures shared by the registry's background import tests."""

import io

import pytest
from django.core.management import call_command


@pytest.fixture
def work_off_the_queue(monkeypatch):
    """What `reach db_worker --batch` does: take every waiting job, then stop (keeping the
    test's connection, which the worker would otherwise close)."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def work() -> None:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO()
        )

    return work
