"""Case notes: a new note (visibility, the party of a private note, the text) and an edit (the text)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import HiddenInput

from mediation.cases.codes import NoteVisibility
from mediation.cases.rules import CASE_NOTE_MAX
from mediation.core.codes import choices
from mediation.core.forms import BaseForm

NO_PARTY = ""


def note_body() -> TextAreaField:
    return TextAreaField(
        # Translators: the text of a case note (French "Note", Arabic ملاحظة).
        _l("Note"),
        validators=[DataRequired(_l("Write the note.")),
                    Length(max=CASE_NOTE_MAX, message=_l("Use at most %(max)d characters."))],
        render_kw={"rows": 8, "maxlength": CASE_NOTE_MAX},
    )


class NoteForm(BaseForm):
    visibility = SelectField(
        _l("Who may this note be shared with?"),
        choices=[SelectChoice(NO_PARTY, _l("Choose…")), *choices(NoteVisibility)],
        default=NO_PARTY,
        validators=[InputRequired(_l("Choose who may see this note."))],
    )
    # Choices are the participants of this case, set by the route (public ids).
    participant_id = SelectField(
        _l("The party who confided it"),
        choices=[],
        default=NO_PARTY,
        validate_choice=True,
        description=_l("Only for a note private with one party; leave empty otherwise."),
    )
    body = note_body()


class NoteEditForm(BaseForm):
    body = note_body()
    # The note's version when the form was shown: compared with the stored one, never assigned (S31).
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
