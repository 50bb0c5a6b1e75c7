"""The answer to the duplicate warning, shared by the intake and add forms, and the supervisor's decision
(docs/domain.md, DOM74)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, StringField
from wtforms.validators import InputRequired, Optional

from mediation.core.forms import BaseForm


class MatchChoice:
    """Mixed into a form that registers a person. Empty until the warning has been shown; then the radio
    buttons of cases/_duplicate_warning.html send "new" or the public id of a person the page offered.
    Any other value is not an answer: the service asks again."""

    match_choice = StringField(validators=[Optional()])


class DuplicateDecisionForm(BaseForm):
    """A supervisor's decision on one possible duplicate."""

    decision = RadioField(_l("Your decision"), choices=[
        SelectChoice("link", _l("The same person: link the new record onto the existing one")),
        SelectChoice("separate", _l("Different people: keep the two records separate")),
    ], validators=[InputRequired(_l("Choose one."))])
