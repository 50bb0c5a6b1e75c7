"""Forms of the data-subject request register."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from mediation.core.codes import choices
from mediation.core.forms import TODAY, BaseForm, version_field
from mediation.subject_requests.codes import RequestOutcome, RequestType
from mediation.subject_requests.rules import NOTE_MAX

NONE = ""
TOO_LONG = _l("Use at most %(max)d characters.")
_LENGTH = Length(max=NOTE_MAX, message=TOO_LONG)


# The services check every value again (a clear message instead of "Not a valid choice").
class RequestForm(BaseForm):
    type = SelectField(_l("Kind of request"), choices=[SelectChoice(NONE, _l("Choose…")), *choices(RequestType)],
                       default=NONE, validate_choice=False)
    received_on = DateField(_l("Received on"), validators=[Optional()], render_kw={"max": TODAY})
    note = TextAreaField(_l("What the person asks (optional)"), validators=[_LENGTH],
                         render_kw={"rows": 4, "maxlength": NOTE_MAX})


class AnswerForm(BaseForm):
    answered_on = DateField(_l("Answered on"), validators=[Optional()], render_kw={"max": TODAY})
    outcome = SelectField(_l("Outcome"), choices=[SelectChoice(NONE, _l("Choose…")), *choices(RequestOutcome)],
                          default=NONE, validate_choice=False)
    note = TextAreaField(_l("How it was handled (optional)"), validators=[_LENGTH],
                         description=_l("For a rectification, correct the data through the party's edit page first."),
                         render_kw={"rows": 4, "maxlength": NOTE_MAX})
    version = version_field()


class ParticipantSearchForm(BaseForm):
    """Find a participant known only from parenting groups (docs/domain.md, DOM137): sent by POST, so that the
    name never reaches a URL or a log."""

    full_name = StringField(_l("Full name"), validators=[InputRequired(_l("Give the person's name.")),
                                                         Length(max=200, message=TOO_LONG)],
                            render_kw={"autocomplete": "off"})
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), Length(max=40, message=TOO_LONG)],
                        render_kw={"inputmode": "tel", "dir": "ltr", "autocomplete": "off"})


class EraseForm(BaseForm):
    """Erasing cannot be undone: the supervisor ticks that they mean it (docs/domain.md, DOM139)."""

    confirm = BooleanField(_l("I confirm the erasure: it cannot be undone."),
                           validators=[InputRequired(_l("Tick the box to confirm the erasure."))])
    version = version_field()
