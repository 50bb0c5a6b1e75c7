"""Case notes: visibility, versions and history, optimistic locking, read-only closed cases.

docs/domain.md, DOM39; docs/security.md, S13, S27, S31. Direct database work happens inside
`with app.app_context():`; requests are made outside it.
"""

from __future__ import annotations

import re
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, text, update

from mediation.cases.codes import NoteVisibility
from mediation.cases.models import Note, NoteVersion, Participant
from mediation.cases.services import notes as note_service
from mediation.cases.services.intake import add_co_worker
from mediation.core.audit import AuditEvent
from mediation.core.errors import StaleRecord, ValidationFailed
from mediation.extensions import db
from tests.cases.matrix_rows_notes import actor, case_by_public_id, close_now, write_note
from tests.conftest import login
from tests.strategies import FUZZ, nasty_strings

JOINT = "اتفق الطرفان على موعد الجلسة المقبلة"
PRIVATE = "CANARY-note-private-6f1e2d3c4b5a"


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def requesting_party(app, case_id: str) -> str:
    """The public id of a case's requesting participant."""
    with app.app_context():
        case = case_by_public_id(case_id)
        return str(db.session.scalar(select(Participant.public_id).where(Participant.case_id == case.id)))


def note_row(app, note_id: str) -> tuple[Note, list[str]]:
    with app.app_context():
        note = db.session.scalar(select(Note).where(Note.public_id == uuid.UUID(note_id)))
        bodies = [version.body for version in note.versions]
        db.session.expunge(note)
        return note, bodies


def last_events(app, after: int) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(event.action, event.entity, event.entity_id) for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.seq > after).order_by(AuditEvent.seq))]


def head(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0)))


# -- writing a note ------------------------------------------------------------------------


def test_a_joint_note_is_written_encrypted_and_audited_by_id(app, login_as, cases):
    client = login_as("mediator_a1")
    seq = head(app)
    response = client.post(f"/cases/{cases.own}/notes/new", data={"visibility": "joint", "body": JOINT})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{cases.own}#notes"
    with app.app_context():
        note = db.session.scalar(select(Note))
        assert (note.visibility, note.participant_id, note.author.username) == ("joint", None, "mediator.a1")
        assert [(v.number, v.body, v.edited_by.username) for v in note.versions] == [(1, JOINT, "mediator.a1")]
        raw = db.session.execute(text("SELECT body FROM case_note_version")).scalar_one()
        assert JOINT.encode() not in bytes(raw)
        note_id = str(note.public_id)
    events = last_events(app, seq)
    assert events == [("create", "note", note_id)]
    with app.app_context():
        body = db.session.scalar(select(AuditEvent.body).where(AuditEvent.seq > seq))
    assert "اتفق".encode("unicode_escape") not in body


def test_a_private_note_names_a_participant_of_this_case(app, login_as, cases):
    client = login_as("mediator_a1")
    mine, theirs = requesting_party(app, cases.own), requesting_party(app, cases.colleague)
    url = f"/cases/{cases.own}/notes/new?lang=en"
    form = client.get(url).get_data(as_text=True)
    assert f'value="{mine}"' in form and theirs not in form and "فاطمة الزهراء بناني" in form

    missing = client.post(url, data={"visibility": "private_party", "body": PRIVATE})
    assert missing.status_code == 422
    assert "Choose the party of this case who confided it." in missing.get_data(as_text=True)
    assert PRIVATE in missing.get_data(as_text=True), "the text is kept"
    other_case = client.post(url, data={"visibility": "private_party", "participant_id": theirs, "body": PRIVATE})
    assert other_case.status_code == 422
    joint_with_party = client.post(url, data={"visibility": "joint", "participant_id": mine, "body": PRIVATE})
    assert joint_with_party.status_code == 422
    assert "Choose a party only for a note private with one party." in joint_with_party.get_data(as_text=True)
    assert count(app, Note) == 0 and count(app, NoteVersion) == 0

    assert client.post(url, data={"visibility": "private_party", "participant_id": mine,
                                  "body": PRIVATE}).status_code == 302
    with app.app_context():
        note = db.session.scalar(select(Note))
        assert note.visibility == "private_party"
        assert str(db.session.get(Participant, note.participant_id).public_id) == mine


def test_the_service_checks_the_participant_too(app, cases):
    """Defence in depth: the service refuses what the form's choices would have hidden."""
    theirs = uuid.UUID(requesting_party(app, cases.colleague))
    with app.app_context():
        case, author = case_by_public_id(cases.own), actor("mediator.a1")
        for visibility, participant in (("private_party", theirs), ("private_party", None),
                                        ("staff_only", theirs), ("not_a_code", None)):
            with pytest.raises(ValidationFailed):
                note_service.add_note(db.session, case, note_service.NewNote(visibility, "x", participant),
                                      actor=author)
        with pytest.raises(ValidationFailed):
            note_service.add_note(db.session, case, note_service.NewNote("joint", "  \n "), actor=author)
        with pytest.raises(ValidationFailed):
            note_service.add_note(db.session, case, note_service.NewNote("joint", "x" * 10_001), actor=author)
        db.session.rollback()
    assert count(app, Note) == 0


@pytest.mark.parametrize("length, status", [(10_000, 302), (10_001, 422)])
def test_a_note_holds_up_to_ten_thousand_characters(app, login_as, cases, length, status):
    response = login_as("mediator_a1").post(f"/cases/{cases.own}/notes/new",
                                            data={"visibility": "staff_only", "body": "ن" * length})
    assert response.status_code == status
    assert count(app, Note) == (1 if status == 302 else 0)


def test_the_case_page_lists_notes_newest_first_with_their_visibility(app, login_as, cases):
    party = requesting_party(app, cases.own)
    write_note(app, cases.own, "mediator.a1", "FIRST-joint-note")
    write_note(app, cases.own, "mediator.a1", "SECOND-private-note", NoteVisibility.PRIVATE_PARTY,
               uuid.UUID(party))
    write_note(app, cases.own, "supervisor.a", "THIRD-staff-note", NoteVisibility.STAFF_ONLY)
    page = login_as("mediator_a1").get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    positions = [page.index(marker) for marker in ("THIRD-staff-note", "SECOND-private-note", "FIRST-joint-note")]
    assert positions == sorted(positions), "newest first"
    assert 'data-visibility="staff_only">Staff only<' in page
    assert 'data-visibility="private_party">Private with one party<' in page
    assert 'data-visibility="joint">Shared with the parties<' in page
    assert 'Confided by: <span dir="auto">فاطمة الزهراء بناني</span>' in page  # isolated in any language
    # Only the author's own notes offer an edit link.
    assert len(re.findall(r"/notes/[0-9a-f-]+/edit", page)) == 2
    assert page.count("/history") == 3


# -- editing, history, optimistic locking --------------------------------------------------


def test_an_edit_adds_a_version_and_the_history_keeps_every_text(app, login_as, cases):
    note_id = write_note(app, cases.own, "mediator.a1", "النص الأول")
    client = login_as("mediator_a1")
    url = f"/cases/{cases.own}/notes/{note_id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert "النص الأول" in form and 'name="version" value="1"' in form
    seq = head(app)
    assert client.post(url, data={"body": "النص الثاني", "version": "1"}).status_code == 302
    assert last_events(app, seq) == [("update", "note", note_id)]
    assert client.post(url, data={"body": "النص الثالث", "version": "2"}).status_code == 302
    note, bodies = note_row(app, note_id)
    assert bodies == ["النص الأول", "النص الثاني", "النص الثالث"] and note.version_id == 3

    history = client.get(f"/cases/{cases.own}/notes/{note_id}/history?lang=en").get_data(as_text=True)
    positions = [history.index(body) for body in ("النص الثالث", "النص الثاني", "النص الأول")]
    assert positions == sorted(positions), "newest version first"
    assert "Version 3" in history and "Version 1" in history and "Current version" in history
    page = client.get(f"/cases/{cases.own}").get_data(as_text=True)
    assert "النص الثالث" in page and "النص الأول" not in page


def test_an_unchanged_text_adds_no_version(app, login_as, cases):
    note_id = write_note(app, cases.own, "mediator.a1", "same text")
    client = login_as("mediator_a1")
    assert client.post(f"/cases/{cases.own}/notes/{note_id}/edit",
                       data={"body": "  same text \n", "version": "1"}).status_code == 302
    note, bodies = note_row(app, note_id)
    assert bodies == ["same text"] and note.version_id == 1


def test_a_stale_edit_gets_409_with_both_texts_and_the_first_save_wins(app, cases):
    note_id = write_note(app, cases.own, "mediator.a1", "ORIGINAL-text")
    url = f"/cases/{cases.own}/notes/{note_id}/edit?lang=en"
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        assert login(client, "mediator.a1").status_code == 302
        assert 'name="version" value="1"' in client.get(url).get_data(as_text=True)

    assert first.post(url, data={"body": "FIRST-edit", "version": "1"}).status_code == 302
    response = second.post(url, data={"body": "SECOND-edit <b>kept</b>", "version": "1"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "SECOND-edit &lt;b&gt;kept&lt;/b&gt;" in page, "the user's text is shown again, escaped"
    assert "FIRST-edit" in page, "next to the current text"
    assert "Someone else saved this note while you were editing it." in page
    assert 'name="version" value="2"' in page, "saving again is a deliberate choice on the current version"
    note, bodies = note_row(app, note_id)
    assert bodies == ["ORIGINAL-text", "FIRST-edit"] and note.version_id == 2

    assert second.post(url, data={"body": "SECOND-edit", "version": "2"}).status_code == 302
    assert note_row(app, note_id)[1][-1] == "SECOND-edit"


def test_a_concurrent_flush_is_caught_by_the_version_column(app, cases):
    """Two writers that both read version 1: the database refuses the second (StaleDataError -> StaleRecord)."""
    note_id = write_note(app, cases.own, "mediator.a1", "v1")
    with app.app_context():
        note = db.session.scalar(select(Note).where(Note.public_id == uuid.UUID(note_id)))
        case, author = case_by_public_id(cases.own), actor("mediator.a1")
        # Another transaction committed an edit after this one read the note.
        db.session.execute(update(Note.__table__).where(Note.__table__.c.id == note.id)
                           .values(version_id=Note.__table__.c.version_id + 1))
        with pytest.raises(StaleRecord, match="this note"):
            note_service.edit_note(db.session, case, note, "v2", expected_version=1, actor=author)
        db.session.rollback()
    assert note_row(app, note_id)[1] == ["v1"]


def test_the_version_and_the_author_cannot_be_assigned(app, login_as, cases):
    note_id = write_note(app, cases.own, "mediator.a1", "text one")
    with app.app_context():
        other_id = actor("mediator.a2").id
    login_as("mediator_a1").post(
        f"/cases/{cases.own}/notes/{note_id}/edit",
        data={"body": "text two", "version": "1", "version_id": "99", "author_id": str(other_id),
              "visibility": "joint", "participant_id": "1", "case_id": "1"},
    )
    note, bodies = note_row(app, note_id)
    assert bodies == ["text one", "text two"]
    assert note.version_id == 2 and note.visibility == "joint" and note.participant_id is None
    with app.app_context():
        assert db.session.get(Note, note.id).author.username == "mediator.a1"


def test_only_the_author_edits(app, login_as, cases):
    note_id = write_note(app, cases.own, "mediator.a1", "AUTHOR-text")
    with app.app_context():
        add_co_worker(db.session, case_by_public_id(cases.own), actor("mediator.a2").id, actor=actor("mediator.a1"))
        db.session.commit()
    url = f"/cases/{cases.own}/notes/{note_id}/edit"
    for persona in ("supervisor_a", "mediator_a2"):
        client = login_as(persona)
        assert client.get(f"/cases/{cases.own}").status_code == 200  # they do see the case
        assert client.get(url).status_code == 403
        assert client.post(url, data={"body": "overwritten", "version": "1"}).status_code == 403
        assert client.get(f"/cases/{cases.own}/notes/{note_id}/history").status_code == 200
    assert note_row(app, note_id)[1] == ["AUTHOR-text"]
    # The co-worker writes notes of their own.
    assert login_as("mediator_a2").post(f"/cases/{cases.own}/notes/new",
                                        data={"visibility": "joint", "body": "co-worker"}).status_code == 302


def test_notes_of_a_closed_case_are_read_only(app, login_as, cases):
    note_id = write_note(app, cases.own, "mediator.a1", "BEFORE-closure")
    close_now(app, cases.own, "mediator.a1")
    client = login_as("mediator_a1")
    assert client.get(f"/cases/{cases.own}/notes/new").status_code == 403
    assert client.post(f"/cases/{cases.own}/notes/new", data={"visibility": "joint", "body": "x"}).status_code == 403
    assert client.get(f"/cases/{cases.own}/notes/{note_id}/edit").status_code == 403
    assert client.post(f"/cases/{cases.own}/notes/{note_id}/edit",
                       data={"body": "after", "version": "1"}).status_code == 403
    assert client.get(f"/cases/{cases.own}/notes/{note_id}/history").status_code == 200
    page = client.get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    assert "BEFORE-closure" in page and "/notes/new" not in page and "/edit" not in page
    assert "its notes can be read but no longer changed" in page
    assert note_row(app, note_id)[1] == ["BEFORE-closure"] and count(app, Note) == 1


# -- scope, permissions, audit -------------------------------------------------------------


def note_urls(case_id: str, note_id: str) -> list[tuple[str, str]]:
    return [("GET", f"/cases/{case_id}/notes/new"), ("POST", f"/cases/{case_id}/notes/new"),
            ("GET", f"/cases/{case_id}/notes/{note_id}/edit"), ("POST", f"/cases/{case_id}/notes/{note_id}/edit"),
            ("GET", f"/cases/{case_id}/notes/{note_id}/history")]


def test_other_mediators_get_404_and_admin_and_ministry_403(app, login_as, cases):
    note_id = write_note(app, cases.own, "mediator.a1", PRIVATE)
    for persona, expected in (("mediator_a2", 404), ("mediator_b1", 404), ("supervisor_b", 404),
                              ("admin", 403), ("ministry", 403)):
        client = login_as(persona)
        for method, url in note_urls(cases.own, note_id):
            response = client.open(url, method=method, data={"visibility": "joint", "body": "x", "version": "1"})
            assert response.status_code == expected, (persona, method, url)
            assert PRIVATE not in response.get_data(as_text=True)
    assert note_row(app, note_id)[1] == [PRIVATE] and count(app, Note) == 1


def test_a_note_is_reached_only_through_its_own_case(app, login_as, cases):
    theirs = write_note(app, cases.colleague, "mediator.a2", PRIVATE)
    client = login_as("supervisor_a")  # sees both cases
    assert client.get(f"/cases/{cases.colleague}/notes/{theirs}/history").status_code == 200
    assert client.get(f"/cases/{cases.own}/notes/{theirs}/history").status_code == 404
    author = login_as("mediator_a2")
    with app.app_context():
        add_co_worker(db.session, case_by_public_id(cases.own), actor("mediator.a2").id, actor=actor("mediator.a1"))
        db.session.commit()
    assert author.get(f"/cases/{cases.own}/notes/{theirs}/edit").status_code == 404


def test_each_note_route_writes_one_audit_event(app, login_as, cases):
    client = login_as("mediator_a1")
    seq = head(app)
    client.get(f"/cases/{cases.own}/notes/new")
    assert last_events(app, seq) == [("view", "case", cases.own)]
    seq = head(app)
    client.post(f"/cases/{cases.own}/notes/new", data={"visibility": "joint", "body": "a"})
    with app.app_context():
        note_id = str(db.session.scalar(select(Note.public_id)))
    assert last_events(app, seq) == [("create", "note", note_id)]
    for method, expected in (("GET", "view"), ("POST", "update")):
        seq = head(app)
        client.open(f"/cases/{cases.own}/notes/{note_id}/edit", method=method, data={"body": "b", "version": "1"})
        assert last_events(app, seq) == [(expected, "note", note_id)]
    seq = head(app)
    client.get(f"/cases/{cases.own}/notes/{note_id}/history")
    assert last_events(app, seq) == [("view", "note", note_id)]


# -- generated input -----------------------------------------------------------------------

nasty_text = nasty_strings(200, short_size=40, repeated="ن", repeats=(9_990, 10_010))
extra_fields = st.dictionaries(st.sampled_from(["version_id", "author_id", "case_id", "created_at", "number"]),
                               st.text(max_size=10), max_size=3)


@FUZZ
@given(visibility=st.one_of(st.sampled_from(["joint", "private_party", "staff_only", ""]), st.text(max_size=20)),
       party=st.one_of(st.just("mine"), st.just("theirs"), st.just(""), st.text(max_size=40)),
       body=nasty_text, extra=extra_fields)
def test_generated_new_notes_never_fail(app, login_as, cases, visibility, party, body, extra):
    mine, theirs = requesting_party(app, cases.own), requesting_party(app, cases.colleague)
    participant = {"mine": mine, "theirs": theirs}.get(party, party)
    client = login_as("mediator_a1")
    before = count(app, Note), count(app, NoteVersion)
    response = client.post(f"/cases/{cases.own}/notes/new",
                           data={**extra, "visibility": visibility, "participant_id": participant, "body": body})
    assert response.status_code in (302, 422), response.status_code
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    if response.status_code == 302:
        assert (count(app, Note), count(app, NoteVersion)) == (before[0] + 1, before[1] + 1)
        with app.app_context():
            note = db.session.scalars(select(Note).order_by(Note.id.desc())).first()
            assert note.current.body == body.strip(), "the text round-trips byte-exact"
            assert (note.visibility == "private_party") == (note.participant_id is not None)
    else:
        assert (count(app, Note), count(app, NoteVersion)) == before


@FUZZ
@given(body=nasty_text, version=st.one_of(st.sampled_from(["1", "0", "2", "-1", "", "9" * 40, "1.5"]),
                                          st.text(max_size=10)),
       extra=extra_fields)
def test_generated_note_edits_never_fail(app, login_as, cases, body, version, extra):
    with app.app_context():
        note = db.session.scalar(select(Note).where(Note.case_id == case_by_public_id(cases.own).id))
        note_id = str(note.public_id) if note else None
    if note_id is None:
        note_id = write_note(app, cases.own, "mediator.a1", "fuzz base")
    before, bodies = note_row(app, note_id)
    client = login_as("mediator_a1")
    response = client.post(f"/cases/{cases.own}/notes/{note_id}/edit",
                           data={**extra, "body": body, "version": version})
    assert response.status_code in (302, 409, 422), response.status_code
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    after, new_bodies = note_row(app, note_id)
    if response.status_code == 302:
        assert new_bodies[-1] == body.strip()
        assert len(new_bodies) - len(bodies) == after.version_id - before.version_id in (0, 1)
    else:
        assert (new_bodies, after.version_id) == (bodies, before.version_id), "nothing half-saved"
