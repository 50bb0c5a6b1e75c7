"""Session-log forms: log or correct a session (with up to three follow-up actions), void one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from mediation.appointments.codes import SessionMode
from mediation.cases.codes import NoteVisibility, SessionType
from mediation.core.codes import choices
from mediation.core.forms import TODAY, BaseForm, CheckboxList, time_field
from mediation.counselling.rules import DURATION_MAX, DURATION_MIN, FOLLOW_UPS_MAX, TEXT_MAX, VOID_REASON_MAX

NONE = ""


class FollowUpForm(BaseForm):
    class Meta:
        csrf = False

    description = StringField(_l("Follow-up action"),
                              validators=[Length(max=VOID_REASON_MAX, message=_l("Use at most %(max)d characters."))])
    due_on = DateField(_l("Due date"), validators=[Optional()])
    # Choices: the case's staff (public ids), set by the route.
    assigned_to = SelectField(_l("Assigned to"), choices=[], default=NONE, validate_choice=True)


def text_area(label) -> TextAreaField:
    return TextAreaField(label, validators=[Length(max=TEXT_MAX, message=_l("Use at most %(max)d characters."))],
                         render_kw={"rows": 6, "maxlength": TEXT_MAX})


class SessionForm(BaseForm):
    type = SelectField(_l("Type of session"), choices=[SelectChoice(NONE, _l("Choose…")), *choices(SessionType)],
                       default=NONE, validators=[InputRequired(_l("Choose the type of session."))])
    mode = SelectField(_l("How it was held"), choices=choices(SessionMode), default=SessionMode.IN_PERSON.value,
                       validators=[InputRequired(_l("Choose how the session was held."))])
    day = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))], render_kw={"max": TODAY})
    start = time_field(_l("Start time (HH:MM)"), _l("Enter the start time."))
    duration_min = IntegerField(_l("Duration (minutes)"),
                                validators=[InputRequired(_l("Enter a duration from 1 to 480 minutes.")),
                                            NumberRange(DURATION_MIN, DURATION_MAX,
                                                        message=_l("Enter a duration from 1 to 480 minutes."))])
    # Choices set by the route: the case's staff and active participants (public ids).
    staff_ids = CheckboxList(_l("Held by"), choices=[], validate_choice=True)
    attendee_ids = CheckboxList(_l("Present"), choices=[], validate_choice=True)
    interpreter_used = BooleanField(_l("An interpreter was used"))
    parties_kept_apart = BooleanField(_l("The parties were kept apart"),
                                      description=_l("Required for shuttle mediation."))
    summary = text_area(_l("Summary"))
    next_steps = text_area(_l("Next steps"))
    visibility = SelectField(_l("Who may this note be shared with?"),
                             choices=[SelectChoice(NONE, _l("As usual for this type of session")),
                                      *choices(NoteVisibility)],
                             default=NONE,
                             description=_l("Psychological sessions are always staff only."))
    follow_ups = FieldList(FormField(FollowUpForm), min_entries=FOLLOW_UPS_MAX, max_entries=FOLLOW_UPS_MAX)


class SessionEditForm(SessionForm):
    follow_ups = None  # follow-up actions are managed on their own once created
    # The session's version when the form was shown: compared with the stored one, never assigned.
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class VoidForm(BaseForm):
    reason = TextAreaField(_l("Why is this session voided?"),
                           validators=[DataRequired(_l("Say why the session is voided.")),
                                       Length(max=VOID_REASON_MAX, message=_l("Use at most %(max)d characters."))],
                           render_kw={"rows": 3, "maxlength": VOID_REASON_MAX})
