"""Matrix rows of the session log (merged by tests/matrix.py).

Variants per case-scoped rule: mediator A1's own case, mediator A2's case, association B's case, an unknown
case. Session rules add a session of another case reached through the own case's URL (404) and an unknown
session id. The sessions are stored directly by each case's lead, lazily, inside the test's transaction.
POST rows send an empty form: field errors re-render the page (422). ROWS is built on first access, since
tests.matrix imports this module while it loads.
"""

from __future__ import annotations

from datetime import UTC, datetime

from mediation.appointments.codes import SessionMode
from mediation.cases.codes import NoteVisibility, SessionType
from mediation.extensions import db
from tests.cases.matrix_rows_notes import (
    CASE_STAFF,
    LEADS,
    STAFF_ONLY,
    UNKNOWN_ID,
    actor,
    case_by_public_id,
    case_variants,
    staff,
)


def _matrix_session(app, case_id: str, username: str) -> str:
    from mediation.counselling.models import CounsellingSession, SessionStaff

    with app.app_context():
        lead = actor(username)
        counselling_session = CounsellingSession(
            case_id=case_by_public_id(case_id).id, type=SessionType.FOLLOW_UP, mode=SessionMode.PHONE,
            started_at=datetime(2026, 11, 20, 10, tzinfo=UTC), duration_min=30,
            visibility=NoteVisibility.STAFF_ONLY, author_id=lead.id, summary="ملخص",
            staff=[SessionStaff(user_id=lead.id)],
        )
        db.session.add(counselling_session)
        db.session.commit()
        return str(counselling_session.public_id)


def _sessions(world) -> dict:
    sessions = getattr(world.cases, "sessions_matrix", None)
    if sessions is None:
        sessions = {key: _matrix_session(world.app, getattr(world.cases, key), LEADS[key]) for key in LEADS}
        world.cases.sessions_matrix = sessions
    return sessions


def session_url(case_key: str, session_key: str | None, suffix: str):
    def url(world) -> str:
        session_id = UNKNOWN_ID if session_key is None else _sessions(world)[session_key]
        return f"/cases/{getattr(world.cases, case_key)}/sessions/{session_id}{suffix}"

    return url


def session_variants(endpoint: str, method: str, suffix: str, ok: int) -> list:
    from tests.matrix import Row, expect

    rows = [Row(endpoint, method, session_url(key, key, suffix), staff(key, ok), variant=key) for key in CASE_STAFF]
    rows += [
        Row(endpoint, method, session_url("own", "colleague", suffix), expect(404, **STAFF_ONLY),
            variant="session_of_another_case"),
        Row(endpoint, method, session_url("own", None, suffix), expect(404, **STAFF_ONLY), variant="unknown_session"),
    ]
    return rows


def _rows() -> list:
    return [
        *case_variants("counselling.session_new", "GET", "/sessions/new", 200),
        *case_variants("counselling.session_new", "POST", "/sessions/new", 422),
        *session_variants("counselling.session_detail", "GET", "", 200),
        # The author within the window, the association's supervisor at any time.
        *session_variants("counselling.session_edit", "GET", "/edit", 200),
        *session_variants("counselling.session_edit", "POST", "/edit", 422),
        *session_variants("counselling.session_void", "POST", "/void", 422),
    ]


def __getattr__(name: str):
    """ROWS, built on first access (see the module docstring)."""
    if name == "ROWS":
        globals()["ROWS"] = rows = _rows()
        return rows
    raise AttributeError(name)
