"""Recording a post-closure follow-up (docs/domain.md, DOM94)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from mediation.aftercare.codes import AftercareAction, ContactMode
from mediation.aftercare.rules import NOTE_MAX
from mediation.cases.codes import FollowUpResult
from mediation.core.codes import choices
from mediation.core.forms import BaseForm, keep_choice_error

PROCEEDINGS_CHOICES = [
    SelectChoice("no", _l("No")),
    SelectChoice("yes", _l("Yes")),
    SelectChoice("unknown", _l("Not known: nobody was reached")),
]


class FollowUpRecordForm(BaseForm):
    contact_mode = RadioField(_l("How did the contact go?"), choices=choices(ContactMode),
                              validators=[InputRequired(_l("Say how the contact went."))])
    # Choices set by the route: only the parties whose contact profile allows contact (DOM94).
    contacted = RadioField(_l("Party contacted"), choices=[], validators=[keep_choice_error, Optional()],
                           description=_l("Only the parties who agreed to be contacted are offered. "
                                          "Leave empty when nobody was reached."))
    result = RadioField(_l("Result"), choices=choices(FollowUpResult),
                        validators=[InputRequired(_l("Choose the result."))])
    new_proceedings = RadioField(_l("Have new court proceedings been started?"), choices=PROCEEDINGS_CHOICES,
                                 validators=[InputRequired(_l("Say whether new court proceedings were started."))])
    action = RadioField(_l("What follows"), choices=choices(AftercareAction), default=AftercareAction.NONE.value,
                        validators=[InputRequired(_l("Choose what follows."))],
                        description=_l("An agreement not holding, new proceedings or a request to reopen go to "
                                       "a supervisor."))
    note = TextAreaField(_l("Note (optional)"),
                         validators=[Optional(), Length(max=NOTE_MAX, message=_l("Use at most %(max)d characters."))],
                         render_kw={"rows": 5, "maxlength": NOTE_MAX})
    # The follow-up's version when the form was shown: compared, never assigned (docs/security.md, S31).
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
