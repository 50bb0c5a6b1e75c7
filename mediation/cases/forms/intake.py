"""The intake form: the request, the requesting party and their consents (docs/domain.md, DOM76), and the
rest of the family when they are known already: the other parent or spouse, the children (DOM103).

Its two dates, the first contact and the birth date, are typed the same way (DOM75)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FieldList, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from mediation.cases.codes import CourtStage, IntakeChannel, Issue, PreferredLanguage, ReferralSource
from mediation.cases.forms.common import (
    NAME_MAX,
    MultiCheckboxField,
    adult_role_choices,
    birth_field,
    long_text,
)
from mediation.cases.forms.duplicates import MatchChoice
from mediation.cases.forms.family import (
    ChildRowForm,
    OtherPartyForm,
    implied_sex_field,
    name_rows,
    nested_fields_in_error,
)
from mediation.cases.forms.safety import CONSENT_LEGEND, ConsentAnswersForm
from mediation.cases.rules import INTAKE_CHILD_ROWS
from mediation.core.codes import choices
from mediation.core.forms import DayField, NestedForm, person_name

YES_NO = [SelectChoice("no", _l("No")), SelectChoice("yes", _l("Yes"))]
PHONE_PATTERN = r"^\+?[0-9 ()\-]{6,20}$"


class IntakeForm(MatchChoice, ConsentAnswersForm):
    # The fieldsets of cases/new.html, in the order of the page (the error summary lists errors in it).
    LAYOUT = (
        (_l("The request"), ("service_point_id", "lead_mediator_id", "first_contact_on", "intake_channel",
                             "referral_source", "issues", "court_stage", "court_file_no", "request_summary")),
        (_l("Safety"), ("immediate_danger",)),
        (_l("The person who asks for help"), ("full_name", "full_name_latin", "requesting_role", "sex", "birth_date",
                                              "phone", "email", "address", "contact_allowed",
                                              "safe_contact_instructions", "preferred_language",
                                              "interpreter_needed")),
        (CONSENT_LEGEND, ConsentAnswersForm.CONSENT_FIELDS),
    )

    service_point_id = SelectField(_l("Service point"), coerce=int,
                                   validators=[InputRequired(_l("Choose a service point."))])
    lead_mediator_id = SelectField(_l("Lead staff member"), coerce=int, validate_choice=True,
                                   validators=[Optional()])
    first_contact_on = DayField(_l("First contact"), validators=[InputRequired(_l("Enter a date."))],
                                future_message=_l("The first contact cannot be in the future."))
    intake_channel = SelectField(_l("How the family came"), choices=choices(IntakeChannel),
                                 validators=[InputRequired()])
    referral_source = SelectField(_l("Referred by"), choices=choices(ReferralSource), validators=[InputRequired()])
    issues = MultiCheckboxField(_l("Issues"), choices=choices(Issue),
                                validators=[DataRequired(_l("Choose at least one issue."))])
    court_stage = SelectField(_l("Court proceedings"), choices=choices(CourtStage), validators=[InputRequired()])
    court_file_no = StringField(_l("Court file number (optional)"),
                                validators=[Optional(), Length(max=40),
                                            Regexp(r"^[0-9A-Za-z/\- ]+$",
                                                   message=_l("Digits, letters, / and - only."))],
                                render_kw={"dir": "ltr"})
    immediate_danger = RadioField(_l("Is anyone in immediate danger?"), choices=YES_NO,
                                  validators=[InputRequired(_l("Answer this question."))])
    request_summary = long_text(_l("The request, in the family's words"))

    full_name = StringField(_l("Full name"),
                            validators=[DataRequired(_l("Enter the name.")), Length(max=NAME_MAX), person_name])
    full_name_latin = StringField(_l("Name in Latin letters (optional)"),
                                  validators=[Optional(), Length(max=NAME_MAX), person_name], render_kw={"dir": "ltr"})
    requesting_role = SelectField(_l("Role in the family"), choices=adult_role_choices(),
                                  validators=[InputRequired()])
    # A mother's or a father's sex is not asked again (DOM103): the service reads it from the role.
    sex = implied_sex_field()
    birth_date = birth_field()
    phone = StringField(_l("Phone (optional)"),
                        validators=[Optional(), Length(max=20),
                                    Regexp(PHONE_PATTERN,
                                           message=_l("Enter a telephone number: digits, spaces and + ( ) - only."))],
                        render_kw={"dir": "ltr", "inputmode": "tel"})
    email = StringField(_l("E-mail (optional)"), validators=[Optional(), Length(max=200)], render_kw={"dir": "ltr"})
    address = long_text(_l("Address (optional)"))
    contact_allowed = RadioField(_l("May the service contact this person?"), choices=YES_NO,
                                 validators=[InputRequired(_l("Answer this question."))])
    safe_contact_instructions = long_text(
        _l("How and when to contact safely"),
        description=_l("For example: only by phone, mornings; never leave a message."))
    preferred_language = SelectField(_l("Preferred language"), choices=choices(PreferredLanguage),
                                     validators=[Optional()])
    interpreter_needed = BooleanField(_l("Needs an interpreter"))

    other = NestedForm(OtherPartyForm, _l("The other parent or spouse (optional)"))
    children = FieldList(NestedForm(ChildRowForm), _l("Children (optional)"),
                         min_entries=INTAKE_CHILD_ROWS, max_entries=INTAKE_CHILD_ROWS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        name_rows(self.other, self.children)

    def fields_in_error(self):
        # The fields of the family's rows are listed one by one, after the requesting party's.
        # A row's own list of errors (input that is not text) stays a field of the summary.
        return [field for field in super().fields_in_error() if not isinstance(field.errors, dict)
                and not (field.short_name == "children" and all(isinstance(e, dict) for e in field.errors))] + \
            nested_fields_in_error([self.other, self.children])
