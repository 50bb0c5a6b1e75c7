"""Fields shared by the case forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, TextAreaField, widgets
from wtforms.validators import Length, Optional

from mediation.cases.codes import ParticipantRole
from mediation.cases.rules import OLDEST_PLAUSIBLE_AGE
from mediation.core.codes import choices
from mediation.core.forms import BirthField

TEXT_MAX = 4000
NAME_MAX = 200
ADULT_ROLES = [role for role in ParticipantRole if role is not ParticipantRole.CHILD]


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def long_text(label, **kwargs) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), Length(max=TEXT_MAX)], **kwargs)


def birth_field() -> BirthField:
    """Day/month/year, ISO or a year alone (docs/domain.md, DOM75); optional."""
    return BirthField(_l("Birth date or year"), validators=[Optional()], oldest_age=OLDEST_PLAUSIBLE_AGE)


def adult_role_choices():
    return choices(ADULT_ROLES)
