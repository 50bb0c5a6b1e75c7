"""Editing what intake recorded about the case, and its co-workers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp
from wtforms.widgets import HiddenInput

from mediation.cases.codes import CourtStage, Issue, ReferralSource
from mediation.cases.forms.common import MultiCheckboxField, long_text
from mediation.core.codes import choices
from mediation.core.forms import BaseForm


class CaseDetailsForm(BaseForm):
    issues = MultiCheckboxField(_l("Issues"), choices=choices(Issue),
                                validators=[DataRequired(_l("Choose at least one issue."))])
    referral_source = SelectField(_l("Referred by"), choices=choices(ReferralSource), validators=[InputRequired()])
    court_stage = SelectField(_l("Court proceedings"), choices=choices(CourtStage), validators=[InputRequired()])
    court_file_no = StringField(_l("Court file number (optional)"),
                                validators=[Optional(), Length(max=40),
                                            Regexp(r"^[0-9A-Za-z/\- ]+$",
                                                   message=_l("Digits, letters, / and - only."))],
                                render_kw={"dir": "ltr"})
    request_summary = long_text(_l("The request, in the family's words"))
    follow_up_on = DateField(_l("Next follow-up (optional)"), validators=[Optional()], render_kw={"dir": "ltr"})
    # The case's version when the form was shown: compared, never assigned (docs/security.md, S31).
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class CoWorkerForm(BaseForm):
    # Public ids: database ids never leave the server.
    user_id = SelectField(_l("Staff member"), validators=[InputRequired(_l("Choose a staff member."))])
