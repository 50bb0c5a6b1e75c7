"""Every printed page is marked confidential and internal, in its own language (docs/domain.md, DOM158)."""

from __future__ import annotations

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
