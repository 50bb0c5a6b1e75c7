"""Supervision forms: a review, the review-due flag, a reassignment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from mediation.core.codes import choices
from mediation.core.forms import TODAY, BaseForm, version_field
from mediation.supervision.codes import SupervisionDecision, SupervisionTrigger
from mediation.supervision.rules import REASSIGN_REASON_MAX, REVIEW_NOTE_MAX

NONE = ""


class ReviewForm(BaseForm):
    reviewed_on = DateField(_l("Date of the review"), validators=[InputRequired(_l("Enter the date of the review."))],
                            render_kw={"max": TODAY})
    trigger = SelectField(_l("Why this review"),
                          choices=[SelectChoice(NONE, _l("Choose…")), *choices(SupervisionTrigger)],
                          default=NONE, validators=[InputRequired(_l("Choose why the case is reviewed."))])
    decision = SelectField(_l("Decision"), choices=[SelectChoice(NONE, _l("Choose…")), *choices(SupervisionDecision)],
                           default=NONE, validators=[InputRequired(_l("Choose the decision."))])
    note = TextAreaField(_l("Comments (staff only)"),
                         validators=[Length(max=REVIEW_NOTE_MAX, message=_l("Use at most %(max)d characters."))],
                         description=_l("Never shown to the parties."),
                         render_kw={"rows": 6, "maxlength": REVIEW_NOTE_MAX})
    next_review_on = DateField(_l("Next review (optional)"), validators=[Optional()],
                               description=_l("The case is flagged for review on that date."))
    version = version_field()


class ReviewDueForm(BaseForm):
    due_on = DateField(_l("Review due on"), validators=[Optional()],
                       description=_l("Leave empty to remove the flag."))
    version = version_field()


class ReassignForm(BaseForm):
    # Choices set by the route: the association's active staff members (public ids).
    # Checked by the service (another association, a deactivated account: a clear message, not "invalid choice").
    to_user = SelectField(_l("New lead"), choices=[], default=NONE, validate_choice=False,
                          validators=[InputRequired(_l("Choose the new lead."))])
    reason = TextAreaField(_l("Reason"),
                           validators=[Length(max=REASSIGN_REASON_MAX, message=_l("Use at most %(max)d characters."))],
                           render_kw={"rows": 3, "maxlength": REASSIGN_REASON_MAX})
    keep_previous = BooleanField(_l("Keep the previous lead on the case as a co-worker"))
    version = version_field()
