"""The status-change form; the route offers only the changes allowed to the user."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired, Length

from mediation.cases.codes import CaseStatus
from mediation.cases.forms.common import long_text
from mediation.core.codes import choices
from mediation.core.forms import BaseForm


class StatusForm(BaseForm):
    to_status = SelectField(_l("New status"), choices=choices(CaseStatus),
                            validators=[DataRequired(_l("Choose the new status."))])
    reason = long_text(
        _l("Reason"),
        description=_l("Required for a suspension: new disclosure, safety, capacity, party unavailable."),
    )
    # The status the page showed: a change made meanwhile by someone else is not overwritten.
    current = HiddenField(validators=[DataRequired(), Length(max=32)])
