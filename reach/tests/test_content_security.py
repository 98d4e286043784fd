"""The content-security policy: every page is sent with it, and no page needs what it forbids.

The policy (settings, `CONTENT_SECURITY_POLICY`) lets a page run script and apply style only
from Reach's own files, so a page with an inline <script>, a <style> element, a style="..."
attribute or an on...= handler would break under it. The pages are those of the access matrix
(every named page of the URL conf, found from the URL conf, asked for as an administrator), so
a new page is checked the day it is added.
"""

from html.parser import HTMLParser

import pytest
from django.test import Client

from reach.tests import test_access_matrix as access

# The access matrix's world (a published run, cases, work groups, campaigns, import batches in
# each country): its fixture, registered in this module as `access_matrix`.
access_matrix = access.matrix

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


class InlineCode(HTMLParser):
    """Collects what a strict content-security policy refuses in a page: scripts without a
    source, style elements, style attributes and inline event handlers (htmx's hx-on too)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _value in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            elif name.startswith("on") or name.startswith(("hx-on", "data-hx-on")):
                self.found.append(f'<{tag} {name}="{value}">')
            elif value and value.strip().lower().startswith("javascript:"):
                self.found.append(f'<{tag} {name}="{value}">')

    handle_startendtag = handle_starttag


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def directives(header: str) -> dict[str, str]:
    pairs = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in pairs}


def test_the_inline_code_finder_finds_each_kind_and_passes_clean_markup():
    page = (
        '<script>alert(1)</script><script src="/static/reach/site.js" defer></script>'
        "<style>p{}</style>"
        '<span style="width: 5%"></span><select onchange="this.form.submit()"></select>'
        '<div hx-on:click="go()"></div><a href="javascript:go()">go</a>'
        '<svg class="bar"><rect width="50" height="10"/></svg>'
    )
    assert len(inline_code(page)) == 6
    assert inline_code('<p class="x"><svg><rect width="5"/></svg></p>') == []


def test_the_policy_header_sends_the_chosen_directives(client, world):
    response = client.get("/login/")
    assert directives(response["Content-Security-Policy"]) == POLICY


def test_every_page_carries_the_policy_and_holds_no_inline_script_or_style(world, access_matrix):
    matrix = access_matrix
    admin = world.users["admin"]
    client = Client()
    client.force_login(admin)
    pages = access._reads(access._page_endpoints(), matrix, admin)
    problems, html_pages = [], 0
    for endpoint in pages:
        _place, _inside, values = next(access._cases(endpoint, matrix, "admin"))
        for query in ({}, {"year": 2024}):
            url = endpoint.build(values)
            response = client.get(url, query)
            label = f"{endpoint.label} {url} {query or ''}"
            if response.status_code >= 500:
                problems.append(f"{label}: {response.status_code}")
                continue
            if "Content-Security-Policy" not in response:
                problems.append(f"{label}: no Content-Security-Policy header")
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                html_pages += 1
                found = inline_code(response.content.decode())
                problems += [f"{label}: {item}" for item in found]
    assert html_pages >= 40, f"only {html_pages} pages were rendered"
    assert not problems, "\n".join(problems)


def test_the_login_page_holds_no_inline_script_or_style(client, world):
    response = client.get("/login/")
    assert response.status_code == 200
    assert inline_code(response.content.decode()) == []
