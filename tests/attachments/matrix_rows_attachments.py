"""Matrix rows of attachments (merged by tests/matrix.py).

Variants per case-scoped rule: mediator A1's own case, mediator A2's case, association B's case, an unknown
case. The case's staff and the association's supervisor attach and open documents; a closed case still takes
them (papers arrive after the closure). The download adds a document of another case reached through the own
case's address (404) and an unknown id. Documents are stored directly by each case's lead, lazily, inside the
test's transaction. POST rows send an empty form (422). ROWS is built on first access, since tests.matrix
imports this module while it loads.
"""

from __future__ import annotations

from datetime import date

from mediation.attachments.codes import AttachmentKind, AttachmentVisibility, ContentType
from mediation.attachments.models import Attachment
from mediation.attachments.storage import storage_for
from mediation.extensions import db
from tests.cases.matrix_rows_notes import (
    CASE_STAFF,
    LEADS,
    STAFF_ONLY,
    UNKNOWN_ID,
    actor,
    case_by_public_id,
    case_variants,
    closed_url,
    staff,
)


def _stored(world) -> dict:
    stored = getattr(world.cases, "attachments_matrix", None)
    if stored is None:
        stored = {}
        with world.app.app_context():
            for key in LEADS:
                row = Attachment(case_id=case_by_public_id(getattr(world.cases, key)).id,
                                 kind=AttachmentKind.COURT_ORDER, visibility=AttachmentVisibility.CASE_STAFF,
                                 label="حكم", document_date=date(2026, 11, 20), content_type=ContentType.PDF,
                                 size=9, chunk_count=0, added_by_id=actor(LEADS[key]).id)
                db.session.add(row)
                db.session.flush()
                row.chunk_count = storage_for(db.session).put(row.storage_key, [b"%PDF-1.4\n"])
                stored[key] = str(row.public_id)
            db.session.commit()
        world.cases.attachments_matrix = stored
    return stored


def _download_url(case_key: str, row_key: str | None):
    def url(world) -> str:
        row_id = UNKNOWN_ID if row_key is None else _stored(world)[row_key]
        return f"/cases/{getattr(world.cases, case_key)}/attachments/{row_id}"

    return url


def _rows() -> list:
    from tests.matrix import Row, expect

    endpoint = "attachments.attachment_download"
    return [
        *case_variants("attachments.attachment_new", "GET", "/attachments/new", 200),
        *case_variants("attachments.attachment_new", "POST", "/attachments/new", 422),
        Row("attachments.attachment_new", "GET", closed_url("/attachments/new"), staff("own", 200),
            variant="closed_case"),
        *[Row(endpoint, "GET", _download_url(key, key), staff(key, 200), variant=key) for key in CASE_STAFF],
        Row(endpoint, "GET", _download_url("own", "colleague"), expect(404, **STAFF_ONLY),
            variant="attachment_of_another_case"),
        Row(endpoint, "GET", _download_url("own", None), expect(404, **STAFF_ONLY), variant="unknown_attachment"),
    ]


def __getattr__(name: str):
    """ROWS, built on first access (see the module docstring)."""
    if name == "ROWS":
        globals()["ROWS"] = rows = _rows()
        return rows
    raise AttributeError(name)
