from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from mediation.accounts.codes import AgendaChannel
from mediation.core.forms import BaseForm, display_name
from mediation.core.i18n import LANGUAGE_NAMES

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE_PATTERN = r"^\+?[0-9 ()\-]{6,20}$"


class LoginForm(BaseForm):
    # No length rule on the password here: an over-long one gets the same
    # generic refusal as a wrong one, without being hashed.
    username = StringField(
        _l("User name"),
        validators=[DataRequired(_l("Enter your user name.")), Length(max=200)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false", "dir": "ltr"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )


class CodeForm(BaseForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Enter the code.")), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "dir": "ltr",
                   "autocapitalize": "none", "spellcheck": "false"},
    )


class ConfirmPasswordForm(BaseForm):
    """Who is at the keyboard proves it again before a second-factor change (S5)."""

    password = PasswordField(_l("Your password"), validators=[DataRequired(_l("Enter your password."))],
                             render_kw={"autocomplete": "current-password"})


def _new_password_fields():
    return (
        PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a new password."))],
                      description=_l("At least 15 characters. A sentence of several words is easy to remember."),
                      render_kw={"autocomplete": "new-password"}),
        PasswordField(_l("New password again"), validators=[DataRequired(_l("Enter the new password again."))],
                      render_kw={"autocomplete": "new-password"}),
    )


class PasswordChangeForm(BaseForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(_l("Enter your current password."))],
                                     render_kw={"autocomplete": "current-password"})
    new_password, confirmation = _new_password_fields()


class PasswordResetForm(BaseForm):
    username = StringField(
        _l("User name"),
        validators=[DataRequired(_l("Enter your user name.")), Length(max=200)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false", "dir": "ltr"},
    )
    token = StringField(
        _l("Reset code"),
        validators=[DataRequired(_l("Enter the reset code you were given.")), Length(max=100)],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false", "dir": "ltr"},
    )
    new_password, confirmation = _new_password_fields()


class ProfileForm(BaseForm):
    display_name = StringField(_l("Name shown to colleagues"),
                               validators=[DataRequired(_l("Enter your name.")), Length(max=120), display_name])
    email = StringField(_l("E-mail (optional)"),
                        validators=[Optional(), Length(max=200),
                                    Regexp(EMAIL_PATTERN, message=_l("Enter a valid e-mail address."))],
                        render_kw={"dir": "ltr", "autocomplete": "email"})
    locale = SelectField(_l("Language"),
                         choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()])
    # The day-before agenda (docs/domain.md, DOM164): association staff only; absent, it stays as it was.
    agenda_channel = SelectField(_l("My agenda for the next day"),
                                 choices=[SelectChoice(code.value, code.label) for code in AgendaChannel],
                                 default=AgendaChannel.EMAIL.value,
                                 description=_l("Sent the day before you have appointments. By SMS it holds "
                                                "times, case references and places only."))
    mobile = StringField(_l("Mobile number for the SMS agenda (optional)"),
                         validators=[Optional(), Length(max=20),
                                     Regexp(PHONE_PATTERN, message=_l("Enter a telephone number: digits, spaces "
                                                                      "and + ( ) - only."))],
                         render_kw={"dir": "ltr", "inputmode": "tel", "autocomplete": "tel"})
