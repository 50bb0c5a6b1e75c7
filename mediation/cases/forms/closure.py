"""Closing a case (outcome and what it needs) and reopening it (a reason)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from mediation.cases.rules import AGREEMENT_POINTS_MAX, CLOSURE_NOTE_MAX, REOPEN_REASON_MAX
from mediation.core.forms import BaseForm

NONE = ""
LENGTH_MESSAGE = _l("Use at most %(max)d characters.")


def _case_version() -> IntegerField:
    # The case's version when the form was shown: compared, never assigned (docs/security.md, S31).
    return IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class ClosureForm(BaseForm):
    # Choices depend on who closes (the lead, or a supervisor for opened_in_error): set by the route.
    outcome = SelectField(_l("Closure outcome"), choices=[], default=NONE,
                          validators=[InputRequired(_l("Choose the outcome of the case."))])
    # No agreement level: the outcome (full or partial agreement) names it (docs/domain.md, DOM54).
    agreement_points = TextAreaField(
        _l("Points agreed"),
        validators=[Optional(), Length(max=AGREEMENT_POINTS_MAX, message=LENGTH_MESSAGE)],
        description=_l("Optional: what the parties settled, when the case has no agreement recorded."),
        render_kw={"rows": 6, "maxlength": AGREEMENT_POINTS_MAX},
    )
    # No destination either: a referral outcome takes it from the case's referral record (docs/domain.md, DOM88).
    follow_up_on = DateField(
        _l("Follow-up date (optional)"),
        validators=[Optional()],
        # Kept for any outcome (docs/domain.md, DOM93): a closure with an agreement or a reconciliation also plans
        # its post-closure follow-ups, which the application lists on their own.
        description=_l("After today, for any outcome. A closure with an agreement or a reconciliation "
                       "also plans its post-closure follow-ups by itself."),
        render_kw={"dir": "ltr"},
    )
    note = TextAreaField(_l("Closure note (optional)"),
                         validators=[Optional(), Length(max=CLOSURE_NOTE_MAX, message=LENGTH_MESSAGE)],
                         render_kw={"rows": 4, "maxlength": CLOSURE_NOTE_MAX})
    version = _case_version()


class ReopenForm(BaseForm):
    reason = TextAreaField(_l("Why is the case reopened?"),
                           validators=[DataRequired(_l("Give the reason for reopening the case.")),
                                       Length(max=REOPEN_REASON_MAX, message=LENGTH_MESSAGE)],
                           render_kw={"rows": 4, "maxlength": REOPEN_REASON_MAX})
    version = _case_version()
