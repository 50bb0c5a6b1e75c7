"""Matrix rows of produced documents (merged by tests/matrix.py; docs/security.md, S70).

Variants per case-scoped rule: mediator A1's own case, mediator A2's case, association B's case, an unknown
case. A document's routes add a document of another case reached through the own case's address (404) and an
unknown id. Each case's lead has an attestation for its requesting party, stored directly, lazily, inside the
test's transaction. POST rows send an empty form (422). ROWS is built on first access, since tests.matrix
imports this module while it loads.
"""

from __future__ import annotations

from sqlalchemy import select

from mediation.cases.models import Participant
from mediation.documents import pdf
from mediation.documents.codes import DocumentKind, DocumentLanguage
from mediation.documents.models import GeneratedDocument
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
    stored = getattr(world.cases, "documents_matrix", None)
    if stored is None:
        stored = {}
        with world.app.app_context():
            for key in LEADS:
                case = case_by_public_id(getattr(world.cases, key))
                party = db.session.scalar(select(Participant.id).where(
                    Participant.case_id == case.id, Participant.is_requesting_party.is_(True)))
                row = GeneratedDocument(case_id=case.id, number=1, kind=DocumentKind.ATTESTATION,
                                        language=DocumentLanguage.AR, template_version=1, participant_id=party,
                                        created_by_id=actor(LEADS[key]).id)
                db.session.add(row)
                db.session.flush()
                stored[key] = str(row.public_id)
            db.session.commit()
        world.cases.documents_matrix = stored
    return stored


def _document_url(case_key: str, row_key: str | None, suffix: str = ""):
    def url(world) -> str:
        row_id = UNKNOWN_ID if row_key is None else _stored(world)[row_key]
        return f"/cases/{getattr(world.cases, case_key)}/documents/{row_id}{suffix}"

    return url


def _document_rows(endpoint: str, method: str, suffix: str, ok: int) -> list:
    from tests.matrix import Row, expect

    return [
        *[Row(endpoint, method, _document_url(key, key, suffix), staff(key, ok), variant=key) for key in CASE_STAFF],
        Row(endpoint, method, _document_url("own", "colleague", suffix), expect(404, **STAFF_ONLY),
            variant="document_of_another_case"),
        Row(endpoint, method, _document_url("own", None, suffix), expect(404, **STAFF_ONLY),
            variant="unknown_document"),
    ]


def _rows() -> list:
    from tests.matrix import Row, expect

    return [
        # The print stylesheet holds no data: every signed-in account reads it.
        Row("documents.print_marks", "GET", "/print.css", expect(200)),
        *case_variants("documents.index", "GET", "/documents", 200),
        *case_variants("documents.produce", "POST", "/documents", 422),
        Row("documents.index", "GET", closed_url("/documents"), staff("own", 200), variant="closed_case"),
        *_document_rows("documents.page", "GET", "", 200),
        *_document_rows("documents.pdf_file", "GET", "/pdf", 200 if pdf.available() else 503),
        *_document_rows("documents.signed", "GET", "/signed", 200),
        *_document_rows("documents.signed", "POST", "/signed", 422),
    ]


def __getattr__(name: str):
    """ROWS, built on first access (see the module docstring)."""
    if name == "ROWS":
        globals()["ROWS"] = rows = _rows()
        return rows
    raise AttributeError(name)
