"""Room forms: add a room to a service point; rename, deactivate or reactivate it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from mediation.appointments.services.rooms import NAME_MAX, NAME_REQUIRED, NAME_TOO_LONG
from mediation.core.forms import BaseForm


def _name() -> StringField:
    # dir="auto": a room is named in Arabic or in French whatever the page's language.
    return StringField(
        _l("Name of the room"),
        validators=[DataRequired(NAME_REQUIRED), Length(max=NAME_MAX, message=NAME_TOO_LONG)],
        render_kw={"dir": "auto", "maxlength": NAME_MAX, "autocomplete": "off"},
        # Translators: an example of a room name, in the language of the page.
        description=_l("For example: Listening room 1."),
    )


class RoomForm(BaseForm):
    name = _name()


class RoomEditForm(BaseForm):
    name = _name()
    active = BooleanField(_l("Active (can be booked)"))
