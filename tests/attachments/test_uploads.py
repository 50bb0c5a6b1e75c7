"""Uploads: what is accepted and refused, by content; images cleaned; downloads never inline; audited
(docs/domain.md, DOM106, DOM107; docs/security.md, S44, S46-S48)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import select

from mediation.attachments.services import NewAttachment, add_attachment
from mediation.core.audit import AuditEvent
from mediation.core.errors import ValidationFailed
from mediation.extensions import db
from tests.attachments.helpers import (
    MARKER,
    counts,
    download_url,
    gps_exif,
    heic_bytes,
    image_bytes,
    minimal_pdf,
    newest,
    upload,
)
from tests.cases.matrix_rows_notes import actor, case_by_public_id

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _refused(app, client, case_id, content, message, **options):
    before = counts(app)
    response = upload(client, case_id, content, **options)
    body = response.get_data(as_text=True)
    assert response.status_code == 422, response.status_code
    assert message in body
    assert 'value="Lettre du tribunal"' in body, "the other fields are kept"
    assert counts(app) == before, "nothing stored"


def test_files_that_are_not_what_they_claim_are_refused_and_nothing_is_stored(app, login_as, cases):
    client = login_as("mediator_a1")
    not_accepted = "is not a PDF document, a JPEG image or a PNG image"
    _refused(app, client, cases.own, HTML, not_accepted, name="letter.pdf")
    _refused(app, client, cases.own, SVG, not_accepted, name="photo.png", mimetype="image/png")
    # Polyglots: a PDF whose first bytes are a web page, and a PNG signature in front of HTML.
    _refused(app, client, cases.own, b"%PDF-1.4\n" + HTML + b"\nstartxref\n0\n%%EOF\n", not_accepted)
    _refused(app, client, cases.own, b"\x89PNG\r\n\x1a\n" + HTML, not_accepted, name="x.png", mimetype="image/png")
    # A PDF without its trailer, and an image cut short.
    _refused(app, client, cases.own, minimal_pdf()[:-40], "seems damaged or incomplete")
    jpeg = image_bytes("JPEG", size=(400, 300))
    _refused(app, client, cases.own, jpeg[: len(jpeg) // 2], "seems damaged or incomplete", name="a.jpg",
             mimetype="image/jpeg")
    png = image_bytes("PNG", size=(400, 300))
    _refused(app, client, cases.own, png[: len(png) - 30], "seems damaged or incomplete", name="a.png",
             mimetype="image/png")
    _refused(app, client, cases.own, b"", "Choose the file to attach.")


def test_an_image_declaring_too_many_pixels_is_refused_before_decoding(app, login_as, cases):
    # A small file (a blank PNG compresses to almost nothing) that would decode to 41 million pixels.
    image = Image.new("1", (10_000, 4_100))
    out = io.BytesIO()
    image.save(out, format="PNG")
    assert len(out.getvalue()) < 1024 * 1024
    _refused(app, login_as("mediator_a1"), cases.own, out.getvalue(), "too large to be checked", name="a.png",
             mimetype="image/png")


def test_a_file_over_the_limit_is_refused_and_a_much_larger_body_gets_the_413_page(app, login_as, cases,
                                                                                  monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_MB", 1)
    client = login_as("mediator_a1")
    _refused(app, client, cases.own, minimal_pdf(padding=1024 * 1024 + 10), "larger than 1 MB")
    before = counts(app)
    response = upload(client, cases.own, minimal_pdf(padding=3 * 1024 * 1024), lang="fr")
    assert response.status_code == 413
    assert "plus volumineux" in response.get_data(as_text=True) or "trop" in response.get_data(as_text=True)
    assert counts(app) == before


def test_a_real_pdf_is_kept_byte_for_byte_and_never_served_inline(app, login_as, cases, backend):
    client = login_as("mediator_a1")
    pdf = minimal_pdf(padding=200_000)  # several chunks
    response = upload(client, cases.own, pdf, name="whatever.exe", mimetype="text/html")
    assert response.status_code == 302, response.get_data(as_text=True)
    attachment = newest(app)
    assert (attachment.content_type.value, attachment.size, attachment.chunk_count) == ("pdf", len(pdf), 4)
    assert attachment.storage.value == ("database" if backend is None else "object_store")
    if backend is not None:
        assert len(backend.names()) == 4
    page = client.get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    assert 'id="attachments"' in page and "Lettre du tribunal" in page
    downloaded = client.get(download_url(cases.own, attachment.public_id))
    assert downloaded.status_code == 200 and downloaded.get_data() == pdf
    assert downloaded.headers["Content-Type"] == "application/pdf"
    assert downloaded.headers["Content-Disposition"].startswith("attachment;")
    assert downloaded.headers["X-Content-Type-Options"] == "nosniff"
    assert downloaded.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_images_are_re_encoded_without_their_metadata(app, login_as, cases, backend):
    client = login_as("mediator_a1")
    photo = image_bytes("JPEG", size=(120, 80), exif=gps_exif(), comment=MARKER)
    with Image.open(io.BytesIO(photo)) as original:
        assert original.getexif().get_ifd(0x8825), "the test photo does carry a GPS position"
    assert upload(client, cases.own, photo, name="IMG_0001.JPG", mimetype="image/jpeg").status_code == 302
    jpeg = newest(app)
    back = client.get(download_url(cases.own, jpeg.public_id)).get_data()
    assert MARKER not in back
    with Image.open(io.BytesIO(back)) as cleaned:
        assert cleaned.format == "JPEG" and cleaned.size == (120, 80)
        assert not cleaned.getexif() and "exif" not in cleaned.info and "comment" not in cleaned.info
    png = image_bytes("PNG", exif=gps_exif())
    assert upload(client, cases.own, png, name="scan.pdf", mimetype="application/pdf").status_code == 302
    stored = newest(app)
    assert stored.content_type.value == "png"
    with Image.open(io.BytesIO(client.get(download_url(cases.own, stored.public_id)).get_data())) as cleaned:
        assert cleaned.format == "PNG" and not cleaned.getexif()


def test_a_heic_photograph_from_a_phone_is_kept_as_a_jpeg_without_its_metadata(app, login_as, cases):
    """docs/security.md, S80: read through libheif, re-encoded as JPEG like the others; a cut one is refused."""
    client = login_as("mediator_a1")
    photo = heic_bytes(exif=gps_exif())
    assert photo[4:12] == b"ftypheic" and MARKER in photo, "a real HEIC file, carrying the marked EXIF"
    with Image.open(io.BytesIO(photo)) as original:
        assert original.format == "HEIF" and original.getexif().get_ifd(0x8825), "with a GPS position"
    response = upload(client, cases.own, photo, name="IMG_4032.HEIC", mimetype="image/heic")
    assert response.status_code == 302, response.get_data(as_text=True)[-500:]
    stored = newest(app)
    assert stored.content_type.value == "jpeg"
    downloaded = client.get(download_url(cases.own, stored.public_id))
    assert downloaded.headers["Content-Type"] == "image/jpeg"
    assert downloaded.headers["Content-Disposition"].endswith('.jpg"')
    back = downloaded.get_data()
    assert MARKER not in back and len(back) == stored.size
    with Image.open(io.BytesIO(back)) as cleaned:
        assert cleaned.format == "JPEG" and cleaned.size == (96, 64)
        assert not cleaned.getexif() and "exif" not in cleaned.info
        assert cleaned.getpixel((48, 32))[2] > 150, "the picture itself is kept"
    _refused(app, client, cases.own, photo[: len(photo) * 2 // 3], "seems damaged or incomplete",
             name="IMG_4033.HEIC", mimetype="image/heic")


def test_upload_and_download_are_audited_with_ids_only(app, login_as, cases):
    client = login_as("mediator_a1")
    with app.app_context():
        seq = db.session.scalar(select(db.func.max(AuditEvent.seq)))
    assert upload(client, cases.own, minimal_pdf()).status_code == 302
    attachment = newest(app)
    assert client.get(download_url(cases.own, attachment.public_id)).status_code == 200
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.seq > seq)).all()
        rows = [(e.action, e.entity, e.entity_id) for e in events]
        bodies = b"".join(bytes(e.body) for e in events)
    assert ("create", "attachment", str(attachment.public_id)) in rows
    assert ("export", "attachment", str(attachment.public_id)) in rows
    assert b"Lettre" not in bodies and MARKER not in bodies


def test_a_psychological_document_opens_for_the_case_psychologists_only(app, login_as, cases):
    # Mediator A2 is a psychologist and the lead of the colleague's case; mediator A1 is neither.
    mediator = login_as("mediator_a1")
    assert 'value="psychologists"' not in mediator.get(f"/cases/{cases.own}/attachments/new").get_data(as_text=True)
    before = counts(app)
    assert upload(mediator, cases.own, minimal_pdf(), visibility="psychologists").status_code == 422
    assert counts(app) == before
    with app.app_context():  # the service refuses it too, whatever a form sends
        with pytest.raises(ValidationFailed, match="Only a psychologist"):
            add_attachment(db.session, case_by_public_id(cases.own), NewAttachment(
                "court_order", "psychologists", "x", date(2026, 11, 20)), io.BytesIO(minimal_pdf()),
                actor=actor("mediator.a1"))
        db.session.rollback()
    psychologist = login_as("mediator_a2")
    assert upload(psychologist, cases.colleague, minimal_pdf(b"psy"), visibility="psychologists",
                  label="Bilan psychologique").status_code == 302
    document = newest(app)
    assert psychologist.get(download_url(cases.colleague, document.public_id)).status_code == 200
    supervisor = login_as("supervisor_a")
    assert supervisor.get(download_url(cases.colleague, document.public_id)).status_code == 404
    assert "Bilan psychologique" not in supervisor.get(f"/cases/{cases.colleague}").get_data(as_text=True)


def test_a_document_of_another_case_answers_404(app, login_as, cases):
    client = login_as("mediator_a1")
    assert upload(client, cases.own, minimal_pdf()).status_code == 302
    document = newest(app)
    assert login_as("mediator_a2").get(download_url(cases.colleague, document.public_id)).status_code == 404
    assert login_as("supervisor_b").get(download_url(cases.own, document.public_id)).status_code == 404
