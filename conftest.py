import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the live-server
# tests make around it are synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    """Tests make thousands of users (six in every `world`), each hashed when made; at the real
    cost (PBKDF2, a million rounds: about half a second of one core) hashing took a third of the
    suite's time. The tests sign in with the same password whatever the hash, so they use a cheap
    one; production keeps Django's default, which no setting of Reach's changes."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Services and commands speak English in tests (as on the command line); web requests
    still get the language of the request (Vietnamese by default)."""
    from django.utils import translation

    with translation.override("en"):
        yield


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page():
    """A page of Debian's chromium driven by Playwright (never a browser Playwright downloads);
    skipped where chromium is missing, except under CI, where that fails."""
    if not os.path.exists(CHROMIUM):
        message = "Debian's chromium is not installed (apt-get install chromium chromium-driver)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": browser tests cannot be skipped under CI")
        pytest.skip(message + "; browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(15000)
        yield page
        browser.close()
