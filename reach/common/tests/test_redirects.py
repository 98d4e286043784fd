"""A `next` address is followed only when it stays on this site."""

import pytest
from django.test import RequestFactory

from reach.common.redirects import redirect_to_next, safe_next


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
        "",
        None,
    ],
)
def test_a_next_address_off_this_site_is_not_followed(target):
    assert safe_next(RequestFactory().get("/"), target) is None


@pytest.mark.parametrize("target", ["/cases/", "/cases/?year=2024", "http://testserver/cases/"])
def test_a_next_address_on_this_site_is_followed(target):
    assert safe_next(RequestFactory().get("/"), target) == target


def test_redirect_to_next_falls_back_to_the_named_page(settings):
    settings.ROOT_URLCONF = "reach.urls"
    unsafe = RequestFactory().post("/", {"next": "https://evil.example/"})
    safe = RequestFactory().get("/", {"next": "/payments/"})

    assert redirect_to_next(unsafe, "casework:board").url == "/cases/"
    assert redirect_to_next(safe, "casework:board").url == "/payments/"
