"""The form that attaches a document to a case."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length

from mediation.attachments.codes import AttachmentKind, AttachmentVisibility
from mediation.attachments.rules import LABEL_MAX
from mediation.core.codes import choices
from mediation.core.forms import TODAY, BaseForm

NONE = ""


class AttachmentForm(BaseForm):
    kind = SelectField(_l("Kind of document"), choices=[SelectChoice(NONE, _l("Choose…")), *choices(AttachmentKind)],
                       default=NONE, validators=[InputRequired(_l("Choose the kind of document."))])
    label = StringField(_l("Short description"),
                        validators=[InputRequired(_l("Describe the document in a few words.")),
                                    Length(max=LABEL_MAX, message=_l("Use at most %(max)d characters."))],
                        description=_l("For example: letter of the family court of 3 March."),
                        render_kw={"maxlength": LABEL_MAX})
    document_date = DateField(_l("Date of the document"),
                              validators=[InputRequired(_l("Enter the date of the document."))],
                              render_kw={"max": TODAY})
    # Choices set by the route: only a psychologist may mark a document as psychological.
    visibility = RadioField(_l("Who may open it"), choices=choices(AttachmentVisibility),
                            default=AttachmentVisibility.CASE_STAFF.value,
                            validators=[InputRequired(_l("Choose who may open it."))])
    # Its description, which names the configured limit, is set by the route (limit_description).
    # HEIC: a phone's photographs, kept as JPEG (docs/security.md, S80).
    file = FileField(_l("File"), render_kw={
        "accept": "application/pdf,image/jpeg,image/png,image/heic,image/heif,.heic,.heif"})


def limit_description(form: AttachmentForm, max_mb: int) -> None:
    form.file.description = gettext("PDF, JPEG or PNG, at most %(max)d MB. Photographs lose their location and "
                                    "camera data.", max=max_mb)
