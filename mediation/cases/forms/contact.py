"""The contact profile of an adult party (docs/domain.md, DOM141)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from mediation.cases.forms.intake import PHONE_PATTERN
from mediation.cases.forms.parties import version_field
from mediation.core.forms import BaseForm

CHANNEL_LABELS = (
    ("sms_email", _l("SMS first, else e-mail")),
    ("email_sms", _l("E-mail first, else SMS")),
    ("sms", _l("SMS only")),
    ("email", _l("E-mail only")),
    # Translators: staff may phone the person; no automatic message is sent.
    ("call", _l("Calls only: nothing automatic")),
    ("none", _l("No contact at all")),
)


class ContactProfileForm(BaseForm):
    LAYOUT = ((_l("Contact profile"), ("channels", "sms_number", "name_service")),)

    channels = SelectField(_l("Automatic reminders and convocations"),
                           choices=[SelectChoice(value, label) for value, label in CHANNEL_LABELS],
                           validators=[InputRequired(_l("Choose how the person may be contacted."))],
                           description=_l("Which channels the service may use for messages sent automatically, "
                                          "in the person's order of preference. A channel not listed here is "
                                          "never used, even if the person consented to contact."))
    sms_number = StringField(_l("Mobile number for SMS (optional)"),
                             validators=[Optional(), Length(max=20),
                                         Regexp(PHONE_PATTERN,
                                                message=_l("Enter a telephone number: digits, spaces and + ( ) - "
                                                           "only."))],
                             description=_l("Only if SMS must go to another number than the phone above, "
                                            "e.g. a phone only the person uses."),
                             render_kw={"dir": "ltr", "inputmode": "tel"})
    name_service = BooleanField(_l("The messages may name the service"),
                                description=_l("Leave unticked if someone else may read the person's messages: "
                                               "the text then names no service."))
    person_version = version_field()
