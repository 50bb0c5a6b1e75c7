"""Why a supervisor opens a case outside their assignment (docs/security.md, P4)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from mediation.cases.codes import AccessReason
from mediation.cases.rules import ACCESS_NOTE_MAX
from mediation.core.forms import BaseForm


class AccessReasonForm(BaseForm):
    reason = RadioField(
        _l("Why are you opening this case?"),
        choices=[SelectChoice(reason.value, reason.label) for reason in AccessReason],
        validators=[DataRequired(_l("Choose why you are opening this case."))],
    )
    note = TextAreaField(_l("In a few words (required for another reason)"),
                         validators=[Optional(), Length(max=ACCESS_NOTE_MAX)])
    next = HiddenField()
