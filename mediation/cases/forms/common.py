"""Fields shared by the case forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import Length, Optional, Regexp

from mediation.cases.codes import ParticipantRole
from mediation.core.codes import choices

TEXT_MAX = 4000
NAME_MAX = 200
BIRTH_PATTERN = r"^\d{4}(-\d{2}-\d{2})?$"
ADULT_ROLES = [role for role in ParticipantRole if role is not ParticipantRole.CHILD]


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def long_text(label, **kwargs) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), Length(max=TEXT_MAX)], **kwargs)


def birth_field() -> StringField:
    return StringField(
        _l("Birth date or year"),
        validators=[Optional(), Length(max=10),
                    Regexp(BIRTH_PATTERN, message=_l("Enter a birth date (YYYY-MM-DD) or a birth year (YYYY)."))],
        description=_l("YYYY-MM-DD, or the year alone (YYYY) when the exact date is not known."),
        render_kw={"dir": "ltr", "inputmode": "numeric"},
    )


def adult_role_choices():
    return choices(ADULT_ROLES)
