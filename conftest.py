import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the live-server
# tests make around it are synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Services and commands speak English in tests (as on the command line); web requests
    still get the language of the request (Vietnamese by default)."""
    from django.utils import translation

    with translation.override("en"):
        yield
