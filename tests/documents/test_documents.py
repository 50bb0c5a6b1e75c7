"""Produced documents: each kind in Arabic and French, as a page and a PDF, and nothing confidential in any
(docs/domain.md, DOM150-DOM157; docs/security.md, S70-S72)."""

from __future__ import annotations

import re
import shutil

import pytest
from sqlalchemy import func, select

from mediation.attachments.models import Attachment
from mediation.cases.codes import Outcome
from mediation.core.audit import AuditEvent
from mediation.documents import pdf
from mediation.documents.models import GeneratedDocument
from mediation.extensions import db
from tests.agreements.fixtures import FULL, write_agreement
from tests.attachments.helpers import minimal_pdf
from tests.cases.matrix_rows_notes import close_now
from tests.cases.test_safety import add_participant, decide, requesting_party, screen
from tests.documents.helpers import (
    ADDRESS_MARKER,
    MARKERS,
    RATIONALE_MARKER,
    SCREENING_MARKER,
    coming_appointment,
    held_session,
    pdf_text,
    private_note,
    set_person,
)

needs_pdf = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")


def _produce(client, case_id: str, **fields):
    return client.post(f"/cases/{case_id}/documents?lang=en", data=fields)


def _document_url(app, response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.headers["Location"]


@pytest.fixture
def leaky_case(app, login_as, cases):
    """The own case, with both parties, a screening, a supervisor's decision, private notes, the other party's
    address, a held session, a coming appointment, a concluded agreement; closed for safety at the end."""
    case = cases.own
    first = requesting_party(app, case)
    other = add_participant(app, case, "Youssef Bennani")
    set_person(app, other, address=f"{ADDRESS_MARKER} 12 rue", contact_allowed="yes")
    set_person(app, first, address=f"{ADDRESS_MARKER} 7 derb", contact_allowed="yes")
    mediator = login_as("mediator_a1")
    assert screen(mediator, case, first, violence="past", notes=f"{SCREENING_MARKER} notes").status_code == 302
    assert decide(login_as("supervisor_a"), case, "proceed", rationale=f"{RATIONALE_MARKER} raison").status_code == 302
    private_note(app, case, first)
    private_note(app, case, other)
    held_session(app, case, [first])
    appointment = coming_appointment(app, case, first)
    write_agreement(app, case, "mediator.a1", FULL)
    return {"case": case, "first": first, "other": other, "appointment": appointment}


def _all_kinds(app, login_as, leaky_case, language: str) -> list[str]:
    client = login_as("mediator_a1")
    case, first = leaky_case["case"], leaky_case["first"]
    urls = [
        _document_url(app, _produce(client, case, kind="agreement", language=language)),
        _document_url(app, _produce(client, case, kind="convocation", language=language, participant=first,
                                    appointment=leaky_case["appointment"], bring=["identity_card", "court_papers"])),
        _document_url(app, _produce(client, case, kind="attestation", language=language, participant=first)),
    ]
    close_now(app, case, "mediator.a1", Outcome.TERMINATED_SAFETY)
    urls.append(_document_url(app, _produce(login_as("mediator_a1"), case, kind="closure_letter", language=language,
                                            participant=leaky_case["other"])))
    return urls


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_no_marker_reaches_any_document_in_either_language(app, login_as, leaky_case, language):
    urls = _all_kinds(app, login_as, leaky_case, language)
    client = login_as("mediator_a1")
    for url in urls:
        page = client.get(url)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert f'<html lang="{language}"' in html
        for marker in MARKERS:
            assert marker not in html, (url, marker)
        assert "محضر" not in html
        if pdf.available() and shutil.which("pdftotext"):
            response = client.get(f"{url}/pdf")
            assert response.status_code == 200
            assert response.headers["Content-Disposition"].startswith("attachment;")
            text = pdf_text(response.data)
            assert text.strip(), url
            for marker in MARKERS:
                assert marker not in text, (url, marker)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GeneratedDocument)) == 4
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "generated_document")).all()
        assert {event.action for event in events} >= {"create", "view"}


def test_the_closure_letter_after_a_safety_closure_gives_no_reason(app, login_as, leaky_case):
    urls = _all_kinds(app, login_as, leaky_case, "fr")
    html = login_as("mediator_a1").get(urls[-1]).get_data(as_text=True)
    assert "a décidé de clôturer" in html
    assert "sécurité" not in html and "violence" not in html.lower()


@needs_pdf
@pytest.mark.skipif(not pdf.available(), reason="WeasyPrint's libraries are not installed")
def test_the_arabic_agreement_pdf_gives_back_arabic_in_logical_order(app, login_as, leaky_case):
    client = login_as("mediator_a1")
    url = _document_url(app, _produce(client, leaky_case["case"], kind="agreement", language="ar"))
    # pdftotext wraps right-to-left runs in embedding marks (U+202B...U+202C): not letters, set aside.
    text = re.sub("[\u202a-\u202e]", "", pdf_text(client.get(f"{url}/pdf").data))
    # The title and a sentence of the template, read in logical order (shaped letters map back to their
    # characters): a PDF laid out visually or without shaping gives them reversed or as presentation forms.
    assert "اتفاق وساطة أسرية" in text
    assert "نص النقطة" in text, "the parties' own words, as typed"
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", text), "presentation forms instead of letters"


def test_a_convocation_is_refused_when_the_party_may_not_be_contacted(app, login_as, leaky_case):
    set_person(app, leaky_case["first"], contact_allowed="no")
    client = login_as("mediator_a1")
    before = _count(app)
    response = _produce(client, leaky_case["case"], kind="convocation", language="ar",
                        participant=leaky_case["first"], appointment=leaky_case["appointment"])
    assert response.status_code == 422
    assert "contact profile does not allow" in response.get_data(as_text=True)
    assert _count(app) == before


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(GeneratedDocument))


def test_bad_choices_are_refused_and_nothing_is_recorded(app, login_as, leaky_case, cases):
    client = login_as("mediator_a1")
    case = leaky_case["case"]
    for fields, message in [
        ({"kind": "", "language": "ar"}, "Choose the document."),
        ({"kind": "attestation", "language": "en"}, "Not a valid choice"),
        ({"kind": "attestation", "language": "fr"}, "Choose the party the document is addressed to."),
        ({"kind": "convocation", "language": "fr", "participant": leaky_case["other"],
          "appointment": leaky_case["appointment"]}, "Choose a coming appointment this party is invited to."),
        ({"kind": "attestation", "language": "fr", "participant": leaky_case["other"]},
         "No session this party was expected at has been held yet."),
        ({"kind": "closure_letter", "language": "fr", "participant": leaky_case["first"]},
         "once the case is closed"),
    ]:
        response = _produce(client, case, **fields)
        assert response.status_code == 422, fields
        assert message in response.get_data(as_text=True), fields
    assert _count(app) == 0


def test_without_weasyprint_the_page_works_and_the_pdf_button_says_why(app, login_as, leaky_case, monkeypatch):
    client = login_as("mediator_a1")
    url = _document_url(app, _produce(client, leaky_case["case"], kind="agreement", language="fr"))
    monkeypatch.setitem(__import__("sys").modules, "weasyprint", None)  # `import weasyprint` now fails
    pdf._weasyprint.cache_clear()
    try:
        page = client.get(f"{url}?lang=en")
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert "Accord de médiation familiale" in body
        assert "The PDF cannot be produced on this server" in body
        assert client.get(f"{url}/pdf?lang=en").status_code == 503
    finally:
        monkeypatch.undo()
        pdf._weasyprint.cache_clear()


def test_the_signed_scan_becomes_an_attachment_of_the_case(app, login_as, leaky_case):
    client = login_as("mediator_a1")
    url = _document_url(app, _produce(client, leaky_case["case"], kind="agreement", language="ar"))
    import io

    response = client.post(f"{url}/signed?lang=en", data={
        "document_date": "2026-01-05", "file": (io.BytesIO(minimal_pdf()), "scan.pdf", "application/pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    with app.app_context():
        document = db.session.scalar(select(GeneratedDocument))
        attachment = db.session.get(Attachment, document.attachment_id)
        assert attachment.kind.value == "signed_agreement"
        assert attachment.case_id == document.case_id
    assert client.get(f"{url}/signed").status_code == 403, "attached once"


@pytest.mark.skipif(not pdf.available(), reason="WeasyPrint's libraries are not installed")
def test_the_pdf_layout_reads_the_static_folder_and_nothing_else(app):
    with app.test_request_context():
        fetcher = pdf.static_fetcher()
        root = pdf.static_root()
        response = fetcher.fetch((root / "css" / "documents.css").as_uri())
        try:
            assert b"@font-face" in response.read()
        finally:
            response.close()
        for address in ("file:///etc/hostname", (root / ".." / "__init__.py").as_uri(),
                        "http://127.0.0.1:9/x.css", "data:text/css,body{}"):
            with pytest.raises(ValueError):
                fetcher.fetch(address)


@pytest.mark.skipif(not pdf.available(), reason="WeasyPrint's libraries are not installed")
def test_a_truncated_image_is_still_refused_once_weasyprint_is_loaded(app, login_as, cases):
    """WeasyPrint's import turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process; the documents
    turn it off again, or the attachments' check would accept a cut image (docs/security.md, S44)."""
    from PIL import ImageFile

    from tests.attachments.helpers import counts, image_bytes, upload

    pdf._weasyprint.cache_clear()
    assert pdf.available()
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    jpeg = image_bytes("JPEG", size=(400, 300))
    before = counts(app)
    response = upload(login_as("mediator_a1"), cases.own, jpeg[: len(jpeg) // 2], name="a.jpg",
                      mimetype="image/jpeg")
    assert response.status_code == 422 and counts(app) == before
