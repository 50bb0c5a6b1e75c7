"""The forms that produce a document and attach its signed scan."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, SelectChoice, SelectField
from wtforms.validators import InputRequired, Optional

from mediation.core.codes import choices
from mediation.core.forms import TODAY, BaseForm, CheckboxList
from mediation.documents.codes import BringItem, DocumentKind, DocumentLanguage

NONE = ""


class DocumentForm(BaseForm):
    kind = SelectField(_l("Document"), choices=[SelectChoice(NONE, _l("Choose…")), *choices(DocumentKind)],
                       default=NONE, validators=[InputRequired(_l("Choose the document."))])
    language = RadioField(_l("Language of the document"), choices=choices(DocumentLanguage),
                          validators=[InputRequired(_l("Choose the language of the document."))],
                          description=_l("The language the recipient reads: Arabic or French."))
    # Choices set by the route: the case's parties, and its coming appointments.
    participant = SelectField(_l("Addressed to"), choices=[], validators=[Optional()],
                              description=_l("One party only. Not needed for the agreement, which names every "
                                             "party who signs it."))
    appointment = SelectField(_l("Appointment"), choices=[], validators=[Optional()],
                              description=_l("For a convocation: a coming appointment the party is invited to."))
    bring = CheckboxList(_l("What to bring"), choices=choices(BringItem), validators=[Optional()],
                         description=_l("For a convocation."))


class SignedScanForm(BaseForm):
    document_date = DateField(_l("Date of signature"),
                              validators=[InputRequired(_l("Enter the date of the document."))],
                              render_kw={"max": TODAY})
    file = FileField(_l("Scan of the signed document"), render_kw={"accept": "application/pdf,image/jpeg,image/png"},
                     description=_l("PDF, JPEG or PNG. It is checked, encrypted and kept with the case's documents."))
