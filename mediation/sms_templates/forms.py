"""The form of one SMS text: the text, and whether to preview it or save it (docs/domain.md, DOM146)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from mediation.core.forms import BaseForm
from mediation.sms_templates.rules import TEXT_MAX, TEXT_REQUIRED, TEXT_TOO_LONG


class SmsTextForm(BaseForm):
    text = TextAreaField(
        _l("Text of the message"),
        validators=[DataRequired(TEXT_REQUIRED), Length(max=TEXT_MAX, message=TEXT_TOO_LONG)],
        render_kw={"dir": "auto", "rows": 4, "maxlength": TEXT_MAX},
        description=_l("Placeholders: {date}, {time}, {place}, {phone}, {service}. {date} and {time} are "
                       "required; {service} is left out for a person who does not allow the service to be named."),
    )
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save the text"))
