"""Adding and editing the people of a case: an adult party or a child.

`LAYOUT` groups the fields into the fieldsets of the page, in order. The edit
forms carry the versions the user saw; they are compared, never assigned
(docs/security.md, S13, S31).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import HiddenInput

from mediation.cases.codes import ChildLivesWith, PreferredLanguage, Sex
from mediation.cases.forms.common import NAME_MAX, adult_role_choices, birth_field, long_text
from mediation.cases.forms.duplicates import MatchChoice
from mediation.cases.forms.family import implied_sex_field
from mediation.cases.forms.intake import PHONE_PATTERN, YES_NO
from mediation.cases.forms.safety import CONSENT_LEGEND, ConsentAnswersForm
from mediation.core.codes import choices
from mediation.core.forms import BaseForm, person_name

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
VERSION_MAX = 2**31 - 1
NOT_KNOWN = SelectChoice("", _l("Not known"))


def full_name_field() -> StringField:
    return StringField(_l("Full name"),
                       validators=[DataRequired(_l("Enter the name.")), Length(max=NAME_MAX), person_name],
                       description=_l("In Arabic or Latin letters, as colleagues know the person."),
                       render_kw={"dir": "auto"})


def latin_name_field() -> StringField:
    return StringField(_l("Name in Latin letters (optional)"),
                       validators=[Optional(), Length(max=NAME_MAX), person_name], render_kw={"dir": "ltr"})


def sex_field() -> SelectField:
    return SelectField(_l("Sex"), choices=choices(Sex), validators=[InputRequired()])


def version_field() -> IntegerField:
    return IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=0, max=VERSION_MAX)])


class PartyFields(BaseForm):
    """Who an adult party is and their part in the case: what adding and editing share."""

    LAYOUT: tuple = (
        (_l("Identity"), ("full_name", "full_name_latin", "sex", "birth_date")),
        (_l("Part in the case"), ("role", "is_requesting_party", "is_party")),
        (_l("Contact"), ("phone", "email", "address", "contact_allowed", "safe_contact_instructions",
                         "preferred_language", "interpreter_needed")),
    )

    full_name = full_name_field()
    full_name_latin = latin_name_field()
    sex = implied_sex_field()
    birth_date = birth_field()
    role = SelectField(_l("Role in the family"), choices=adult_role_choices(),
                       validators=[InputRequired(_l("Choose a role."))])
    is_requesting_party = BooleanField(_l("Requesting party"))
    is_party = BooleanField(_l("Takes part in mediation"), default=True)
    phone = StringField(_l("Phone (optional)"),
                        validators=[Optional(), Length(max=20),
                                    Regexp(PHONE_PATTERN,
                                           message=_l("Enter a telephone number: digits, spaces and + ( ) - only."))],
                        render_kw={"dir": "ltr", "inputmode": "tel"})
    email = StringField(_l("E-mail (optional)"),
                        validators=[Optional(), Length(max=200),
                                    Regexp(EMAIL_PATTERN, message=_l("Enter a valid e-mail address."))],
                        render_kw={"dir": "ltr"})
    address = long_text(_l("Address (optional)"))
    contact_allowed = RadioField(_l("May the service contact this person?"), choices=YES_NO,
                                 validators=[InputRequired(_l("Answer this question."))])
    safe_contact_instructions = long_text(
        _l("How and when to contact safely"),
        description=_l("For example: only by phone, mornings; never leave a message."))
    preferred_language = SelectField(_l("Preferred language"), choices=[NOT_KNOWN, *choices(PreferredLanguage)],
                                     validators=[Optional()])
    interpreter_needed = BooleanField(_l("Needs an interpreter"))


class PartyForm(MatchChoice, PartyFields, ConsentAnswersForm):
    """Adding a party records their consents on the same page (docs/domain.md, DOM76)."""

    LAYOUT = (*PartyFields.LAYOUT, (CONSENT_LEGEND, ConsentAnswersForm.CONSENT_FIELDS))


class ChildForm(MatchChoice, BaseForm):
    LAYOUT = (
        (_l("Identity"), ("full_name", "full_name_latin", "sex", "birth_date")),
        (_l("The child's situation"), ("lives_with", "in_school", "takes_part")),
    )

    full_name = full_name_field()
    full_name_latin = latin_name_field()
    sex = sex_field()
    birth_date = birth_field()
    lives_with = SelectField(_l("Lives with"), choices=choices(ChildLivesWith),
                             validators=[InputRequired(_l("Choose where the child lives."))])
    in_school = SelectField(_l("In school"), choices=[NOT_KNOWN, *YES_NO], validators=[Optional()])
    # Translators: a child takes part in the process (is heard, attends a session).
    takes_part = BooleanField(_l("Takes part"))


class PartyEditForm(PartyFields):
    """A consent changes later one scope at a time, on the consent page (docs/domain.md, DOM32)."""

    person_version = version_field()
    participant_version = version_field()


class ChildEditForm(ChildForm):
    person_version = version_field()
    participant_version = version_field()
