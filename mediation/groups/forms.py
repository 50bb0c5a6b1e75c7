"""Forms of the groups (docs/domain.md, DOM120-DOM125). Choices of rows are set by the routes (public ids)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from mediation.cases.codes import AgeBand, PreferredLanguage, Sex
from mediation.core.codes import choices
from mediation.core.forms import (
    TODAY,
    BaseForm,
    BirthField,
    CheckboxList,
    keep_choice_error,
    person_name,
    time_field,
    version_field,
)
from mediation.groups.codes import ActivityTheme, ProgrammeTarget
from mediation.groups.rules import (
    ACTIVITY_SEXES,
    EMAIL_MAX,
    FRAMEWORK_MAX,
    MAX_CAPACITY,
    MAX_COUNT,
    MAX_PLANNED_SESSIONS,
    NAME_MAX,
    PARTICIPANT_AGE_BANDS,
    PARTICIPANT_NAME_MAX,
    PHONE_MAX,
    SCORE_MAX,
)

NONE = ""
TOO_LONG = _l("Use at most %(max)d characters.")
SESSIONS_RANGE = _l("Give a number of sessions from 1 to 52.")


def planned_sessions_field() -> IntegerField:
    """The number of planned sessions, the same on a programme and on a group (DOM120, DOM121)."""
    return IntegerField(_l("Number of planned sessions"),
                        validators=[InputRequired(SESSIONS_RANGE),
                                    NumberRange(1, MAX_PLANNED_SESSIONS, SESSIONS_RANGE)],
                        render_kw={"inputmode": "numeric"})


class ProgrammeForm(BaseForm):
    name = StringField(_l("Name of the programme"), validators=[InputRequired(_l("Give the programme's name.")),
                                                               Length(max=NAME_MAX, message=TOO_LONG)])
    planned_sessions = planned_sessions_field()
    target = RadioField(_l("For whom"), choices=choices(ProgrammeTarget),
                        validators=[InputRequired(_l("Choose whom the programme is for."))])
    framework = StringField(_l("Reference framework (optional)"),
                            validators=[Optional(), Length(max=FRAMEWORK_MAX, message=TOO_LONG)])


class ProgrammeEditForm(ProgrammeForm):
    version = version_field()


class _GroupFields(BaseForm):
    """What a group is given at its creation and may change while it runs (docs/domain.md, DOM121, DOM135)."""

    room_id = SelectField(_l("Room"), choices=[], validate_choice=True,
                          validators=[InputRequired(_l("Choose a room of this service point."))])
    start_on = DateField(_l("Date of the first session"),
                         validators=[InputRequired(_l("Give the date of the first session."))])
    language = SelectField(_l("Language of the group"), choices=choices(PreferredLanguage),
                           validators=[InputRequired(_l("Choose the language of the group."))])
    capacity = IntegerField(_l("Capacity"), default=12,
                            validators=[InputRequired(_l("Give a capacity from 1 to 60.")),
                                        NumberRange(1, MAX_CAPACITY, _l("Give a capacity from 1 to 60."))],
                            render_kw={"inputmode": "numeric"})
    facilitator_ids = CheckboxList(_l("Facilitators"), choices=[], validate_choice=True,
                                   validators=[InputRequired(_l("Choose the facilitators among your "
                                                                "association's active staff."))])


class GroupForm(_GroupFields):
    programme_id = SelectField(_l("Programme"), choices=[], validate_choice=True,
                               validators=[InputRequired(_l("Choose a programme of your association."))])
    name = StringField(_l("Name of the group"), description=_l("How the team calls the cycle, never a "
                                                                "participant's name."),
                       validators=[InputRequired(_l("Give the group's name.")), Length(max=NAME_MAX, message=TOO_LONG)])
    service_point_id = SelectField(_l("Service point"), choices=[], validate_choice=True,
                                   validators=[InputRequired(_l("Choose a service point of your association."))])
    planned_sessions = IntegerField(_l("Number of planned sessions (optional)"),
                                    description=_l("Leave empty to take the programme's number."),
                                    validators=[Optional(), NumberRange(1, MAX_PLANNED_SESSIONS, SESSIONS_RANGE)],
                                    render_kw={"inputmode": "numeric"})


class GroupEditForm(_GroupFields):
    """What may change in a group that is neither finished nor cancelled (docs/domain.md, DOM135)."""

    planned_sessions = planned_sessions_field()
    version = version_field()


class CancelGroupForm(BaseForm):
    reason = StringField(_l("Reason for the cancellation"),
                         validators=[InputRequired(_l("Give the reason for the cancellation.")),
                                     Length(max=500, message=TOO_LONG)])
    version = version_field()


class SessionForm(BaseForm):
    day = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))], render_kw={"min": TODAY})
    start = time_field(_l("Start time (HH:MM)"), _l("Enter the start time."))
    end = time_field(_l("End time (HH:MM)"), _l("Enter the end time."))


class CancelSessionForm(BaseForm):
    reason = StringField(_l("Reason for the cancellation"),
                         validators=[InputRequired(_l("Give the reason for the cancellation.")),
                                     Length(max=500, message=TOO_LONG)])


class EnrolForm(BaseForm):
    full_name = StringField(_l("Full name"),
                            validators=[InputRequired(_l("Give the participant's name.")), person_name,
                                        Length(max=PARTICIPANT_NAME_MAX, message=TOO_LONG)])
    birth_date = BirthField(_l("Birth date (optional)"), validators=[Optional()], oldest_age=120,
                            description=_l("Only to recognise a person the association already knows from a "
                                           "case; it is not stored for the group."))
    sex = RadioField(_l("Sex"), choices=choices(Sex), validators=[InputRequired(_l("Choose the sex."))])
    age_band = SelectField(_l("Age band"), choices=[SelectChoice(NONE, _l("Choose…")),
                                                     *choices(PARTICIPANT_AGE_BANDS)],
                           validators=[keep_choice_error, InputRequired(_l("Choose the age band."))])
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), Length(max=PHONE_MAX, message=TOO_LONG)],
                        render_kw={"inputmode": "tel", "dir": "ltr", "autocomplete": "off"})
    email = StringField(_l("E-mail (optional)"), validators=[Optional(), Length(max=EMAIL_MAX, message=TOO_LONG)],
                        description=_l("Only for reminders of the sessions, with the consent to be contacted."),
                        render_kw={"inputmode": "email", "dir": "ltr", "autocomplete": "off"})
    consent_data_processing = BooleanField(_l("Agrees to the processing of their data for the group"))
    consent_contact = BooleanField(_l("Agrees to be contacted by phone or SMS"))


class EnrolmentForm(BaseForm):
    dropped_out = BooleanField(_l("Dropped out"))
    pre_score = IntegerField(_l("Questionnaire score before the cycle (0–100, optional)"),
                             validators=[Optional(), NumberRange(0, SCORE_MAX, _l("Give a score from 0 to 100."))],
                             render_kw={"inputmode": "numeric"})
    post_score = IntegerField(_l("Questionnaire score after the cycle (0–100, optional)"),
                              validators=[Optional(), NumberRange(0, SCORE_MAX, _l("Give a score from 0 to 100."))],
                              render_kw={"inputmode": "numeric"})
    satisfaction = RadioField(_l("Satisfaction (1 to 5, optional)"), coerce=int, validate_choice=True,
                              choices=[SelectChoice(value, str(value)) for value in range(1, 6)],
                              validators=[keep_choice_error, Optional()])
    version = version_field()


class AttendanceForm(BaseForm):
    # Choices set by the route: the enrolments on the sheet (public ids). Not ticked means absent.
    present = CheckboxList(_l("Present"), choices=[], validate_choice=True)


class ActivityForm(BaseForm):
    held_on = DateField(_l("Date of the activity"), validators=[InputRequired(_l("Give the date of the activity."))],
                        render_kw={"max": TODAY})
    theme = RadioField(_l("Theme"), choices=choices(ActivityTheme), validators=[InputRequired(_l("Choose the theme."))])
    title = StringField(_l("Subject (optional)"), validators=[Optional(), Length(max=FRAMEWORK_MAX, message=TOO_LONG)],
                        description=_l("What the activity was about; never a participant's name."))
    service_point_id = SelectField(_l("Service point"), choices=[], validate_choice=True,
                                   validators=[InputRequired(_l("Choose a service point of your association."))])
    facilitator_ids = CheckboxList(_l("Facilitators"), choices=[], validate_choice=True,
                                   validators=[InputRequired(_l("Choose the facilitators among your "
                                                                "association's active staff."))])

    def count_rows(self):
        """(age band, [field per sex]) for the attendance grid, in band order."""
        return [(band, [getattr(self, count_name(sex, band)) for sex in ACTIVITY_SEXES]) for band in AgeBand]

    def count_data(self) -> dict[tuple[str, str], int | None]:
        return {(sex.value, band.value): getattr(self, count_name(sex, band)).data
                for sex in ACTIVITY_SEXES for band in AgeBand}


def count_name(sex, band) -> str:
    return f"count_{sex.value}_{band.value}"


for _sex in ACTIVITY_SEXES:
    for _band in AgeBand:
        setattr(ActivityForm, count_name(_sex, _band), IntegerField(
            _sex.label, validators=[Optional(), NumberRange(0, MAX_COUNT, _l("Give numbers from 0 to 10000."))],
            render_kw={"inputmode": "numeric", "min": 0, "max": MAX_COUNT, "size": 4}))
