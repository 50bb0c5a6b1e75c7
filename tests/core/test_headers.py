"""Security headers and caching on every response (docs/security.md, S18, S19)."""

from __future__ import annotations

import re

import pytest

from mediation.core.errors import DomainError
from mediation.core.security import CONTENT_SECURITY_POLICY
from tests.matrix import MATRIX, PERSONAS

EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

def get_urls(world) -> list[str]:
    """Every GET row of the matrix, object variants included.

    The matrix builds each row's objects in a transaction of its own; here they share one, so a row whose
    objects another row's made impossible (a case already closed another way) is left to the matrix."""
    urls = set()
    for row in MATRIX:
        if row.method != "GET":
            continue
        try:
            urls.add(row.url(world) if callable(row.url) else row.url)
        except DomainError:
            continue
    return sorted(urls)


# A document downloaded from a case carries a stricter policy of its own (docs/security.md, S46).
DOWNLOAD_CSP = "sandbox; default-src 'none'"


def assert_headers(response, *, static: bool = False):
    download = response.headers.get("Content-Disposition", "").startswith("attachment;")
    for name, value in EXPECTED.items():
        if name == "Content-Security-Policy" and download and response.headers.get(name) == DOWNLOAD_CSP:
            continue
        assert response.headers.get(name) == value, name
    if static:
        assert response.headers.get("Cache-Control") != "no-store"
    else:
        assert response.headers.get("Cache-Control") == "no-store"
    assert "Server" not in response.headers


# The personas whose rendered pages are also read for inline script (S18), from the same responses.
SCRIPT_PERSONAS = ("admin", "supervisor_a", "mediator_a1", "ministry")


def assert_no_inline_script(url: str, response) -> None:
    if url.startswith("/static") or url == "/healthz":
        return
    if response.mimetype != "text/html":
        return  # downloads (a spreadsheet, a calendar file) are not pages
    body = response.get_data(as_text=True).lower()
    # A script is a file of the site's own (the strict CSP allows nothing else), never inline code.
    for attributes, code in re.findall(r"<script([^>]*)>(.*?)</script>", body, re.S):
        assert re.search(r'src="/static/[^"]+\.js"', attributes) and not code.strip(), attributes
    assert body.count("<script") == len(re.findall(r"<script[^>]*>.*?</script>", body, re.S))
    assert " onclick=" not in body and " onload=" not in body


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_get_route_carries_the_headers_and_its_pages_no_inline_script(persona, login_as, world, cases):
    """Every GET route, as each persona, carries the headers (S18, S19); for four personas the same responses
    are read for inline script or handlers too (one request per page serves both checks)."""
    client = login_as(persona)
    for url in get_urls(world):
        with client.get(url) as response:  # a static file's response holds the file open until closed
            assert_headers(response, static=url.startswith("/static/"))
            if persona in SCRIPT_PERSONAS:
                assert_no_inline_script(url, response)


def test_error_pages_carry_the_headers(client, world, login_as):
    assert_headers(client.get("/no/such/page"))
    assert_headers(client.get("/logout"))  # 405
    assert client.get("/logout").status_code == 405
    login_as("mediator_a1")
    assert_headers(client.get("/admin/associations"))  # 403


def test_a_forced_500_has_headers_and_no_trace(failing_app):
    client = failing_app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    assert_headers(response)
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "CANARY-boom" not in body
    assert 'dir="rtl"' in body


def test_oversized_body_is_refused_with_413(client):
    response = client.post("/login", data={"username": "x", "password": "y" * (1024 * 1024 + 1)})
    assert response.status_code == 413
    assert_headers(response)


def test_only_the_print_stylesheet_is_declared_cacheable(app):
    """A view the browser may keep holds nothing about anyone (docs/security.md, S74): adding one is a
    decision this list records."""
    declared = {endpoint for endpoint, view in app.view_functions.items() if getattr(view, "cacheable", False)}
    assert declared == {"documents.print_marks"}
