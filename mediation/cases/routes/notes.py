"""Case routes: notes (write, edit with optimistic locking, history) and the notes section of the case page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from mediation.cases import queries
from mediation.cases.forms.notes import NO_PARTY, NoteEditForm, NoteForm
from mediation.cases.models import Case, Note
from mediation.cases.policies import can_add_note, can_edit_note
from mediation.cases.queries import active_participants
from mediation.cases.routes import bp, case_section
from mediation.cases.services import notes
from mediation.core.authz import Permission, require
from mediation.core.views import render_viewed, submit
from mediation.extensions import db


@dataclass(frozen=True)
class NoteRow:
    note: Note
    participant_name: str | None
    editable: bool


@case_section
def notes_section(case: Case, user) -> dict:
    """The case's notes, newest first, with their visibility; read-only once the case is closed."""
    rows = queries.notes_of(db.session, case)
    names = queries.participant_names(db.session, rows)
    return {
        "note_rows": [NoteRow(note, names.get(note.participant_id), can_edit_note(user, case, note))
                      for note in rows],
        "note_can_add": can_add_note(user, case),
    }


def _load_note(case: Case, note_id) -> Note:
    """A note of this case; a note of any other case is a 404, exactly as an unknown id."""
    return db.one_or_404(select(Note).where(Note.case_id == case.id, Note.public_id == note_id))



def _case_page(case: Case):
    return redirect(url_for("cases.detail", case_id=case.public_id, _anchor="notes"))


@bp.route("/<uuid:case_id>/notes/new", methods=["GET", "POST"])
@require(Permission.CASE_EDIT)
def note_new(case_id):
    case = queries.load_case(db.session, current_user, case_id)
    if not can_add_note(current_user, case):
        abort(403)
    form = NoteForm()
    form.participant_id.choices = [(NO_PARTY, "—")] + [
        (str(participant.public_id), f"{participant.person.full_name} · {participant.role.label}")
        for participant in active_participants(db.session, case)
    ]
    if request.method == "GET":
        return render_viewed("cases/note_new.html", entity="case", entity_id=case.public_id,
                             association_id=case.association_id, case=case, form=form)
    return submit(
        form,
        lambda: notes.add_note(db.session, case, notes.NewNote(visibility=form.visibility.data, body=form.body.data,
                                                               participant_id=_uuid(form.participant_id.data)),
                               actor=current_user),
        success=_("Note added."), done=lambda _note: _case_page(case),
        page=lambda status: (render_template("cases/note_new.html", case=case, form=form), status))


def _uuid(value: str | None) -> uuid.UUID | None:
    # The choice was validated against this case's participants; "" means none.
    return uuid.UUID(value) if value else None


@bp.route("/<uuid:case_id>/notes/<uuid:note_id>/edit", methods=["GET", "POST"])
@require(Permission.CASE_EDIT)
def note_edit(case_id, note_id):
    case = queries.load_case(db.session, current_user, case_id)
    note = _load_note(case, note_id)
    if not can_edit_note(current_user, case, note):
        abort(403)
    if request.method == "GET":
        form = NoteEditForm(data={"body": note.current.body})
        return render_viewed("cases/note_edit.html", entity="note", entity_id=note.public_id,
                             association_id=case.association_id, case=case, note=note, form=form,
                             version=note.version_id, stale=False)
    form = NoteEditForm()

    def page(status: int):
        if status == 409:
            return _stale(case_id, note_id, form)
        version = form.version.data if isinstance(form.version.data, int) else note.version_id
        return render_template("cases/note_edit.html", case=case, note=note, form=form,
                               version=version, stale=False), status

    return submit(form, lambda: notes.edit_note(db.session, case, note, form.body.data,
                                                expected_version=form.version.data, actor=current_user),
                  success=_("Note saved."), done=lambda _note: _case_page(case), page=page)


def _stale(case_id, note_id, form: NoteEditForm):
    """409: the user's text next to the stored one, with the current version (docs/security.md, S31)."""
    case = queries.load_case(db.session, current_user, case_id)
    note = _load_note(case, note_id)
    db.session.refresh(note)
    return render_viewed("cases/note_edit.html", entity="note", entity_id=note.public_id,
                         association_id=case.association_id, status=409, case=case, note=note, form=form,
                         version=note.version_id, stale=True)


@bp.route("/<uuid:case_id>/notes/<uuid:note_id>/history")
@require(Permission.CASE_VIEW)
def note_history(case_id, note_id):
    case = queries.load_case(db.session, current_user, case_id)
    note = _load_note(case, note_id)
    names = queries.participant_names(db.session, [note])
    return render_viewed("cases/note_history.html", entity="note", entity_id=note.public_id,
                         association_id=case.association_id, case=case, note=note,
                         participant_name=names.get(note.participant_id),
                         versions=list(reversed(note.versions)))
