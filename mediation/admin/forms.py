"""Input shape of the administration pages; labels are lazy translations.

Choices that depend on the data or on who is asking (regions, provinces,
associations, roles) are filled by the route before validation.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from mediation.accounts.codes import ServicePointKind
from mediation.core.authz import Profession, Role
from mediation.core.forms import TODAY, BaseForm, display_name

EMAIL_FORMAT = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE_FORMAT = r"^\+?[0-9 ().-]{6,40}$"
CODE_FORMAT = r"^[A-Za-z0-9-]+$"

LTR = {"dir": "ltr"}


def _required(message):
    return DataRequired(message)


def _email():
    return StringField(
        _l("E-mail (optional)"),
        validators=[Optional(), Length(max=200),
                    Regexp(EMAIL_FORMAT, message=_l("Enter an e-mail address such as name@example.ma."))],
        render_kw={**LTR, "inputmode": "email", "autocomplete": "off", "spellcheck": "false"},
    )


def _name_ar():
    return StringField(
        _l("Name in Arabic"),
        validators=[_required(_l("Enter the name in Arabic.")), Length(max=200)],
        render_kw={"dir": "rtl", "lang": "ar"},
    )


def _name_fr():
    return StringField(
        _l("Name in French"),
        validators=[_required(_l("Enter the name in French.")), Length(max=200)],
        render_kw={"dir": "ltr", "lang": "fr"},
    )


def _region():
    return SelectField(_l("Region"), validators=[_required(_l("Choose a region."))])


def _province():
    # Choices are grouped by region (<optgroup>), with a blank first option.
    return SelectField(_l("Province or prefecture (optional)"), default="")


class ActionForm(BaseForm):
    """A button that changes state: nothing but the CSRF token."""


# Associations


class AssociationForm(BaseForm):
    name_ar = _name_ar()
    name_fr = _name_fr()
    region_code = _region()
    province_code = _province()
    address = StringField(_l("Address (optional)"), validators=[Optional(), Length(max=300)])
    phone = StringField(
        _l("Telephone (optional)"),
        validators=[Optional(), Length(max=40),
                    Regexp(PHONE_FORMAT, message=_l("Enter a telephone number: digits, spaces and + ( ) - only."))],
        render_kw={**LTR, "inputmode": "tel", "autocomplete": "off"},
    )
    email = _email()
    cndp_declaration_no = StringField(
        _l("CNDP declaration number"), validators=[Optional(), Length(max=40)], render_kw=LTR
    )
    cndp_declaration_on = DateField(_l("CNDP declaration date"), validators=[Optional()], render_kw={"max": TODAY})
    cndp_authorisation_no = StringField(
        _l("CNDP authorisation number"), validators=[Optional(), Length(max=40)], render_kw=LTR
    )
    cndp_authorisation_on = DateField(_l("CNDP authorisation date"), validators=[Optional()], render_kw={"max": TODAY})
    retention_months = StringField(
        _l("Retention of closed cases, in months (optional)"), validators=[Optional()],
        render_kw={**LTR, "inputmode": "numeric", "autocomplete": "off"},
    )
    statistics_need_consent = BooleanField(
        _l("Count a case in the ministry's anonymous statistics only if its parties consented"), default=False
    )
    calendar_shows_details = BooleanField(
        _l("Calendar events also show the case reference and the place"), default=False
    )
    active = BooleanField(_l("Active"), default=True)


# Service points


class ServicePointForm(BaseForm):
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(kind.value, kind.label) for kind in ServicePointKind],
        validators=[_required(_l("Choose the kind of service point."))],
    )
    name_ar = _name_ar()
    name_fr = _name_fr()
    # Optional: a service point lies in its association's region unless told otherwise.
    region_code = SelectField(_l("Region"), default="")
    province_code = _province()
    active = BooleanField(_l("Active"), default=True)


class NewServicePointForm(ServicePointForm):
    # Administrators only: a supervisor's service points belong to their association.
    association = SelectField(_l("Association"), validators=[_required(_l("Choose an association."))])
    code = StringField(
        _l("Code"),
        validators=[
            _required(_l("Enter a code.")),
            Length(min=2, max=12, message=_l("A code has 2 to 12 characters.")),
            Regexp(CODE_FORMAT, message=_l("A code has 2 to 12 upper-case letters (A-Z), digits or hyphens.")),
        ],
        description=_l("2 to 12 upper-case letters (A-Z), digits or hyphens, such as RBT-01. "
                       "It starts every case reference and cannot be changed later."),
        render_kw={**LTR, "autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )


class ServicePointFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    association = SelectField(_l("Association"), default="")


# Staff accounts


PROFESSIONS = [SelectChoice(profession.value, profession.label) for profession in Profession]
PROFESSION_CHOICES = [SelectChoice("", _l("None (not a staff member)")), *PROFESSIONS]


class StaffEditForm(BaseForm):
    display_name = StringField(
        _l("Display name"),
        validators=[_required(_l("Enter the name shown to colleagues.")), Length(max=120), display_name],
        description=_l("In Arabic or Latin letters, as colleagues know the person."),
        render_kw={"autocomplete": "off"},
    )
    email = _email()
    profession = SelectField(_l("Profession"), choices=PROFESSION_CHOICES, default="")
    # Administrators only (removed from the form for everyone else).
    role = SelectField(_l("Role"), validators=[_required(_l("Choose a role."))])
    association = SelectField(_l("Association"), default="")


class StaffCreateForm(StaffEditForm):
    username = StringField(
        _l("User name"),
        validators=[_required(_l("Enter a user name.")), Length(max=64)],
        description=_l("3 to 64 letters, digits or the characters . _ - @; capitals do not count."),
        render_kw={**LTR, "autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Initial password"),
        validators=[_required(_l("Enter an initial password."))],
        description=_l("At least 15 characters; a phrase of several words is easiest. "
                       "Hand it over in person, never by e-mail or message."),
        render_kw={"autocomplete": "new-password"},
    )
    confirmation = PasswordField(
        _l("Initial password, again"),
        validators=[_required(_l("Type the initial password a second time.")),
                    EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


ACTIVE_CHOICES = [SelectChoice("", _l("All")), SelectChoice("1", _l("Active")), SelectChoice("0", _l("Inactive"))]


class StaffFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    association = SelectField(_l("Association"), default="")
    role = SelectField(_l("Role"), default="",
                       choices=[SelectChoice("", _l("All")), *(SelectChoice(role.value, role.label) for role in Role)])
    active = SelectField(_l("Status"), choices=ACTIVE_CHOICES, default="")
