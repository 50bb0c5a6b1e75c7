"""Files for the attachment tests, made here: a PDF written by hand, images made with Pillow."""

from __future__ import annotations

import io
import uuid

from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from mediation.attachments.models import Attachment, AttachmentChunk
from mediation.extensions import db

# Placed in every file the tests upload: it must never be found in clear in the database.
MARKER = b"CANARY-attachment-8d41c7"


def minimal_pdf(payload: bytes = MARKER, *, padding: int = 0) -> bytes:
    """A valid one-page PDF, its cross-reference table computed from the real offsets; `padding` bytes of
    a comment make it as large as a test needs."""
    text = b"BT /F1 12 Tf 72 720 Td (" + payload + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    if padding:
        line = b"% " + payload + b" " + b"x" * 60 + b"\n"
        out.write(line * (padding // len(line) + 1))
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def image_bytes(fmt: str, *, size=(64, 48), exif: bytes | None = None, comment: bytes | None = None) -> bytes:
    """A small picture in `fmt` (JPEG or PNG), with EXIF and a comment when asked."""
    image = Image.new("RGB", size, (200, 30, 60))
    out = io.BytesIO()
    options: dict = {}
    if exif is not None:
        options["exif"] = exif
    if comment is not None and fmt == "JPEG":
        options["comment"] = comment
    image.save(out, format=fmt, **options)
    return out.getvalue()


def heic_bytes(*, size=(96, 64), exif: bytes | None = None) -> bytes:
    """A photograph as a phone takes it: HEIC, written by pillow-heif (libheif and its HEVC encoder)."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, format="HEIF", quality=80,
                                                **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def gps_exif() -> bytes:
    """EXIF with a GPS position (Rabat) and a camera model carrying the marker."""
    exif = Image.Exif()
    exif[0x0110] = MARKER.decode()  # camera model
    exif[0x8825] = {1: "N", 2: (34.0, 1.0, 15.0), 3: "W", 4: (6.0, 50.0, 0.0)}  # GPSInfo IFD
    return exif.tobytes()


def upload(client, case_id: str, content: bytes, *, name: str = "scan.pdf", mimetype: str = "application/pdf",
           lang: str = "en", **fields):
    data = {"kind": "court_order", "label": "Lettre du tribunal", "document_date": "2026-11-20",
            "visibility": "case_staff", **fields}
    data["file"] = FileStorage(io.BytesIO(content), filename=name, content_type=mimetype)
    # Encoded in memory: the test client's own encoding spools a large body to a file it never closes.
    boundary, body = encode_multipart(data)
    return client.post(f"/cases/{case_id}/attachments/new?lang={lang}", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Attachment)),
                db.session.scalar(select(func.count()).select_from(AttachmentChunk)))


def newest(app) -> Attachment:
    with app.app_context():
        row = db.session.scalar(select(Attachment).order_by(Attachment.id.desc()).limit(1))
        db.session.expunge(row)
        return row


def download_url(case_id: str, attachment_id: uuid.UUID | str) -> str:
    return f"/cases/{case_id}/attachments/{attachment_id}"
