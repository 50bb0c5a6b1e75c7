"""Every printed page is marked confidential and internal, in its own language (docs/domain.md, DOM158)."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize(("language", "mark"), [
    ("ar", "سري — للاستعمال الداخلي"), ("fr", "Confidentiel — usage interne"), ("en", "Confidential — internal")])
def test_the_print_stylesheet_carries_the_mark_in_the_page_language(app, login_as, world, language, mark):
    response = login_as("mediator_a1").get(f"/print.css?lang={language}")
    assert response.status_code == 200 and response.mimetype == "text/css"
    css = response.get_data(as_text=True)
    assert f'@top-center {{ content: "{mark}";' in css
    assert "counter(page)" in css


def test_every_page_links_the_print_stylesheet_in_its_language(app, login_as, cases):
    client = login_as("mediator_a1")
    for url in (f"/cases/{cases.own}?lang=fr", f"/cases/{cases.own}?print=internal&lang=fr", "/?lang=fr"):
        page = client.get(url).get_data(as_text=True)
        assert '<link rel="stylesheet" media="print" href="/print.css?lang=fr">' in page, url


@pytest.mark.parametrize(("language", "mark"), [
    ("ar", "سري — للاستعمال الداخلي"), ("fr", "Confidentiel — usage interne"), ("en", "Confidential — internal")])
def test_the_linked_print_stylesheet_is_kept_by_the_browser_in_each_language(app, login_as, world, language,
                                                                              mark):
    """The page's own link answers its language's mark, kept a day by the browser alone, then revalidated
    by its ETag: a page view costs no second request through the login gate (docs/security.md, S74)."""
    client = login_as("mediator_a1")
    page = client.get(f"/?lang={language}").get_data(as_text=True)
    href = re.search(r'<link rel="stylesheet" media="print" href="([^"]+)">', page).group(1)
    response = client.get(href)
    assert response.status_code == 200 and response.mimetype == "text/css"
    css = response.get_data(as_text=True)
    assert f'@top-center {{ content: "{mark}";' in css and "counter(page)" in css
    assert response.cache_control.private and response.cache_control.max_age == 86400
    assert not response.cache_control.no_store and not response.cache_control.public
    etag = response.headers["ETag"]
    again = client.get(href, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.cache_control.max_age == 86400


def test_the_print_stylesheet_asked_without_its_language_is_not_kept(app, login_as, world):
    """Without the language in its address, the same address could answer another language: not kept."""
    response = login_as("mediator_a1").get("/print.css")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert login_as("mediator_a1").get("/print.css?lang=xx").headers["Cache-Control"] == "no-store"


def test_the_print_stylesheet_is_never_kept_for_someone_logged_out(client, world):
    response = client.get("/print.css?lang=fr")
    assert response.status_code == 302 and response.headers["Cache-Control"] == "no-store"
