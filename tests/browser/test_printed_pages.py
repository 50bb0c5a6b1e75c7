"""Printed pages in Chromium: every sheet of a case page marked confidential and internal (docs/domain.md,
DOM158), and the Arabic agreement as a person sees it (DOM150, DOM157). Screenshots and PDFs go to
tests/browser/artifacts/ for a person to look at."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from sqlalchemy import select

from mediation.accounts.models import StaffUser
from mediation.agreements.models import AgreementVersion
from mediation.cases.models import Case, CaseAssignment
from mediation.extensions import db
from tests.browser.support import log_in, t
from tests.browser.test_phone_layout import _case_with_internal_note

needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is missing")


def _pages_text(path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    return [page for page in text.split("\f") if page.strip()]


@needs_pdftotext
def test_every_sheet_of_the_internal_print_is_marked(served_app, new_page, artifacts):
    page = new_page(1280, 900)
    log_in(page, served_app, "mediator.a1", "fr")
    url = _case_with_internal_note(page)
    page.goto(url + "?print=internal")
    path = artifacts / "print-fr-internal.pdf"
    page.pdf(path=str(path), format="A4", prefer_css_page_size=True)
    sheets = _pages_text(path)
    mark = t(served_app, "fr", "Confidential — internal")
    assert len(sheets) >= 2, "a case page runs over several sheets"
    for number, sheet in enumerate(sheets, start=1):
        assert mark in sheet, f"sheet {number} has no mark"
        assert re.search(rf"\b{number} ?/ ?{len(sheets)}\b", sheet), f"sheet {number} has no number"


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_a_page_view_asks_the_server_for_no_print_stylesheet_it_already_has(served_app, new_page, language):
    """The print stylesheet is fetched once, with the page's language in its address, and kept: the page views
    after it cost no second request through the login gate (docs/security.md, S74)."""
    asked: list[str] = []
    serve = served_app.wsgi_app

    def counting(environ, start_response):
        if environ.get("PATH_INFO") == "/print.css":
            asked.append(environ.get("QUERY_STRING", ""))
        return serve(environ, start_response)

    page = new_page(1280, 900)
    log_in(page, served_app, "mediator.a1", language)
    served_app.wsgi_app = counting
    try:
        page.goto("/notices")
        page.goto("/")
        page.goto("/notices")
        page.goto("/")
    finally:
        served_app.wsgi_app = serve
    linked = page.evaluate("[...document.styleSheets].filter(s => s.media.mediaText === 'print')"
                           ".map(s => new URL(s.href).pathname + new URL(s.href).search)")
    assert linked == [f"/print.css?lang={language}"]
    assert asked == [], f"page views asked the server for the print stylesheet again: {asked}"


@needs_pdftotext
def test_the_arabic_agreement_prints_as_a_person_reads_it(served_app, new_page, artifacts):
    with served_app.app_context():
        mediator = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
        case_id = db.session.scalar(
            select(Case.public_id).join(AgreementVersion, AgreementVersion.case_id == Case.id)
            .join(CaseAssignment, CaseAssignment.case_id == Case.id)
            .where(AgreementVersion.concluded_on.is_not(None), CaseAssignment.user_id == mediator.id).limit(1))
    if case_id is None:
        pytest.skip("the demo gives mediator.a1 no concluded agreement")
    page = new_page(1280, 900)
    log_in(page, served_app, "mediator.a1", "ar")
    page.goto(f"/cases/{case_id}/documents")
    page.get_by_label(t(served_app, "ar", "Document")).select_option("agreement")
    page.get_by_label(t(served_app, "ar", "Arabic")).check()
    page.get_by_role("button", name=t(served_app, "ar", "Produce the document")).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "اتفاق وساطة أسرية"
    page.screenshot(path=artifacts / "document-ar-agreement.png", full_page=True)
    page.emulate_media(media="print")
    assert not page.locator(".document-toolbar").is_visible()
    path = artifacts / "document-ar-agreement-browser.pdf"
    page.pdf(path=str(path), format="A4", prefer_css_page_size=True)
    text = re.sub("[\u202a-\u202e]", "", "\n".join(_pages_text(path)))
    assert "محضر" not in text
