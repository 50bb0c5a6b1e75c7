"""Matrix rows of notes, closure and reopening (merged by tests/matrix.py), and the builders they need.

Variants per case-scoped rule: mediator A1's own case, mediator A2's case (a
colleague's), association B's case, an unknown id. Note rules add a note of
another case reached through the own case's URL (404: objects belong to their
case) and an unknown note id. Closure rules add the own case once closed.

POST rows send an empty form: field errors re-render the form (422). The
notes and the closure a row needs are made lazily, inside the test's
rolled-back transaction, the first time a URL function asks for them.

The note and closure tests import the builders below, so this module must not
import tests.matrix while it loads (tests.matrix imports every matrix_rows
module): ROWS is built on first access instead.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from mediation.accounts.models import StaffUser
from mediation.cases.codes import NoteVisibility, Outcome
from mediation.cases.models import Case, Note, NoteVersion
from mediation.cases.services import closure as closure_service
from mediation.cases.services import notes as note_service
from mediation.extensions import db

STAFF_ONLY = dict(admin=403, ministry=403)
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"  # as tests.matrix.UNKNOWN_ID
LEADS = {"own": "mediator.a1", "colleague": "mediator.a2", "other": "mediator.b1"}
# persona allowed on each case variant (besides the supervisor of its association)
CASE_STAFF = {"own": ("mediator_a1", "supervisor_a"), "colleague": ("mediator_a2", "supervisor_a"),
              "other": ("mediator_b1", "supervisor_b")}


# Builders, also used by the note and closure tests (call them outside any app context).


def actor(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def case_by_public_id(public_id: str) -> Case:
    return db.session.scalar(select(Case).where(Case.public_id == uuid.UUID(str(public_id))))


def write_note(app, case_id: str, username: str, body: str = "ملاحظة مشتركة",
               visibility: NoteVisibility = NoteVisibility.JOINT, participant_id=None) -> str:
    """Add a note through the service; returns its public id."""
    with app.app_context():
        note = note_service.add_note(
            db.session, case_by_public_id(case_id),
            note_service.NewNote(visibility=visibility, body=body, participant_id=participant_id),
            actor=actor(username),
        )
        db.session.commit()
        return str(note.public_id)


def close_now(app, case_id: str, username: str, outcome: Outcome = Outcome.LOST_CONTACT, **values) -> str:
    """Close a case through the service; returns the closure's public id."""
    with app.app_context():
        closure = closure_service.close_case(
            db.session, case_by_public_id(case_id), closure_service.ClosureData(outcome=outcome, **values),
            actor=actor(username),
        )
        db.session.commit()
        return str(closure.public_id)




def _matrix_note(app, case_id: str, username: str) -> str:
    """A note by the case's lead, stored directly: whatever other rows did to the case (closed it...)."""
    with app.app_context():
        author = actor(username)
        note = Note(case_id=case_by_public_id(case_id).id, author_id=author.id, visibility=NoteVisibility.JOINT,
                    versions=[NoteVersion(number=1, body="ملاحظة", edited_by_id=author.id)])
        db.session.add(note)
        db.session.commit()
        return str(note.public_id)


def _extras(world) -> dict:
    extras = getattr(world.cases, "notes_matrix", None)
    if extras is None:
        app = world.app
        extras = {key: _matrix_note(app, getattr(world.cases, key), LEADS[key]) for key in LEADS}
        world.cases.notes_matrix = extras
    return extras


def _closed_own(world) -> str:
    if not getattr(world.cases, "own_closed", False):
        with world.app.app_context():
            still_open = case_by_public_id(world.cases.own).is_open  # another feature's rows may have closed it
        if still_open:
            close_now(world.app, world.cases.own, LEADS["own"])
        world.cases.own_closed = True
    return world.cases.own


def _matrix():
    # Imported when the rows are built: tests.matrix has defined these by then.
    from tests.matrix import Row, expect

    return Row, expect


def case_url(key: str, suffix: str):
    return lambda world: f"/cases/{getattr(world.cases, key)}{suffix}"


def note_url(case_key: str, note_key: str | None, suffix: str):
    def url(world) -> str:
        note_id = UNKNOWN_ID if note_key is None else _extras(world)[note_key]
        return f"/cases/{getattr(world.cases, case_key)}/notes/{note_id}{suffix}"

    return url


def closed_url(suffix: str):
    return lambda world: f"/cases/{_closed_own(world)}{suffix}"


def staff(key: str, ok: int, **overrides: int) -> dict[str, int]:
    """`ok` for the case's staff and supervisor, 404 for every other association persona, 403 for the rest."""
    _, expect = _matrix()
    table = expect(404, **STAFF_ONLY, **{persona: ok for persona in CASE_STAFF[key]})
    table.update(overrides)
    return table


def case_variants(endpoint: str, method: str, suffix: str, ok: int) -> list:
    """One row per case variant: own, colleague's, other association's, unknown."""
    Row, expect = _matrix()
    rows = [Row(endpoint, method, case_url(key, suffix), staff(key, ok), variant=key) for key in CASE_STAFF]
    rows.append(Row(endpoint, method, f"/cases/{UNKNOWN_ID}{suffix}", expect(404, **STAFF_ONLY), variant="unknown"))
    return rows


def note_variants(endpoint: str, method: str, suffix: str, ok: int, supervisor: int) -> list:
    """A note of each case (its lead wrote it), another case's note through the own case, an unknown note."""
    Row, expect = _matrix()
    rows = [Row(endpoint, method, note_url(key, key, suffix), staff(key, ok, **{supervisor_persona: supervisor}),
                variant=key)
            for key, (_, supervisor_persona) in CASE_STAFF.items()]
    rows += [
        Row(endpoint, method, note_url("own", "colleague", suffix), expect(404, **STAFF_ONLY),
            variant="note_of_another_case"),
        Row(endpoint, method, note_url("own", None, suffix), expect(404, **STAFF_ONLY), variant="unknown_note"),
    ]
    return rows


# Closing: the lead (any outcome but opened_in_error) or a supervisor (opened_in_error only).
# Reopening: a supervisor of the association, once the case is closed.
MEDIATORS_403 = dict(mediator_a1=403, mediator_a2=403, mediator_b1=403)
CLOSED_OWN = dict(mediator_a1=403, supervisor_a=403)


def _rows() -> list:
    Row, _ = _matrix()
    rows = [
        *case_variants("cases.note_new", "GET", "/notes/new", 200),
        *case_variants("cases.note_new", "POST", "/notes/new", 422),
        Row("cases.note_new", "GET", closed_url("/notes/new"), staff("own", 200, **CLOSED_OWN),
            variant="closed_case"),
        *note_variants("cases.note_edit", "GET", "/edit", 200, supervisor=403),  # only the author edits
        *note_variants("cases.note_edit", "POST", "/edit", 422, supervisor=403),
        *note_variants("cases.note_history", "GET", "/history", 200, supervisor=200),
        *case_variants("cases.close", "GET", "/close", 200),
        *case_variants("cases.close", "POST", "/close", 422),
        Row("cases.close", "GET", closed_url("/close"), staff("own", 200, **CLOSED_OWN), variant="closed_case"),
        Row("cases.close", "POST", closed_url("/close"), staff("own", 200, **CLOSED_OWN), variant="closed_case"),
        # An open case cannot be reopened: 403 for its supervisor too.
        *case_variants("cases.reopen", "GET", "/reopen", 403),
        *case_variants("cases.reopen", "POST", "/reopen", 403),
        Row("cases.reopen", "GET", closed_url("/reopen"), staff("own", 200), variant="closed_case"),
        Row("cases.reopen", "POST", closed_url("/reopen"), staff("own", 422), variant="closed_case"),
    ]
    # Mediators never hold CASE_REOPEN: the login gate refuses them before any case is loaded.
    for row in rows:
        if row.endpoint == "cases.reopen":
            row.expected.update(MEDIATORS_403)
    return rows


def __getattr__(name: str):
    """ROWS, built on first access (see the module docstring)."""
    if name == "ROWS":
        globals()["ROWS"] = rows = _rows()
        return rows
    raise AttributeError(name)
