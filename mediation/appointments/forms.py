"""Appointment forms: book or reschedule, and change the status (confirm, held, missed, cancel)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, FieldList, FormField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp
from wtforms.widgets import HiddenInput

from mediation.appointments.codes import SessionMode
from mediation.appointments.rules import CANCEL_REASON_MAX, LABEL_MAX, LINK_MAX
from mediation.cases.codes import SessionType
from mediation.core.codes import choices
from mediation.core.forms import TIME_MESSAGE, TIME_PATTERN, TODAY, BaseForm, CheckboxList, time_field, version_field

NONE = ""
# More rows than any case has adult parties; extra rows posted are dropped, never an error.
PARTY_TIMES_MAX = 10


def optional_time(label) -> StringField:
    """A time of day typed as HH:MM, or nothing (then the proposed time is taken)."""
    return StringField(label, validators=[Optional(), Regexp(TIME_PATTERN, message=TIME_MESSAGE)],
                       render_kw={"inputmode": "numeric", "placeholder": "09:30", "dir": "ltr", "autocomplete": "off"})


class HiddenChoice(SelectField):
    """A choice the page carries in a hidden input (which party a row is for), checked against the choices."""

    widget = HiddenInput()

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)


class PartyTimesForm(BaseForm):
    """One adult party's own arrival and departure, under staggered arrival (docs/domain.md, DOM68)."""

    class Meta:
        csrf = False

    # Choices set by the route: the case's adult parties (public ids); the row's label names the party.
    participant = HiddenChoice(choices=[], validate_choice=True)
    arrives = optional_time(_l("Arrives at (HH:MM)"))
    leaves = optional_time(_l("Leaves at (HH:MM)"))


class AppointmentForm(BaseForm):
    session_type = SelectField(_l("Type of meeting"),
                               choices=[SelectChoice(NONE, _l("Choose…")), *choices(SessionType)], default=NONE,
                               validators=[InputRequired(_l("Choose the type of meeting."))])
    mode = SelectField(_l("Where"), choices=choices(SessionMode), default=SessionMode.IN_PERSON.value,
                       validators=[InputRequired(_l("Choose how the meeting takes place."))])
    # Choices set by the route: the association's active rooms (public ids).
    room_id = SelectField(_l("Room"), choices=[], default=NONE, validate_choice=True,
                          description=_l("For a meeting in person."))
    video_link = StringField(_l("Video link (optional)"),
                             validators=[Optional(),
                                         Length(max=LINK_MAX, message=_l("Use at most %(max)d characters."))],
                             description=_l("Kept confidential: never sent in reminders or calendar feeds."),
                             render_kw={"dir": "ltr", "autocomplete": "off"})
    day = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))], render_kw={"min": TODAY})
    start = time_field(_l("Start time (HH:MM)"), _l("Enter the start time."))
    end = time_field(_l("End time (HH:MM)"), _l("Enter the end time."))
    # Choices set by the route: the association's active staff and the case's people (public ids).
    staff_ids = CheckboxList(_l("Staff"), choices=[], validate_choice=True)
    participant_ids = CheckboxList(_l("Invited"), choices=[], validate_choice=True)
    intake_label = StringField(
        _l("Who is it with?"),
        validators=[Length(max=LABEL_MAX, message=_l("Use at most %(max)d characters."))],
        description=_l("For a family without a case yet: a short description colleagues will recognise. "
                       "It stays confidential."),
    )
    # Shown only when the case's decision staggers the parties' arrivals; one row per adult party. The
    # label names the group in the error summary of the page.
    party_times = FieldList(FormField(PartyTimesForm), _l("Arrival and departure of each party"),
                            max_entries=PARTY_TIMES_MAX)
    version = version_field()


class StatusForm(BaseForm):
    # Posted by the buttons of the appointment page; the labels are never shown.
    action = SelectField(choices=[SelectChoice(value, value) for value in
                                  ("confirm", "held", "missed", "cancel_party", "cancel_service")],
                         validators=[InputRequired()])
    # Choices set by the route: the invited people (public ids).
    participant_id = SelectField(_l("Who cancelled?"), choices=[], default=NONE, validate_choice=True)
    reason = TextAreaField(_l("Reason for the cancellation"),
                           validators=[Length(max=CANCEL_REASON_MAX, message=_l("Use at most %(max)d characters."))],
                           render_kw={"rows": 3, "maxlength": CANCEL_REASON_MAX})
    version = version_field()
