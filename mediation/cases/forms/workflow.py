"""The status-change form; the route offers only the changes allowed to the user, one button each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired, Length

from mediation.cases.codes import CaseStatus
from mediation.cases.forms.common import long_text
from mediation.core.codes import choices
from mediation.core.forms import BaseForm

# Each button says what it does to the case, by the status it leads to (docs/architecture.md, U6). A status
# no change leads to from the case page (intake; closing has its own page) falls back to its own label.
MOVE_LABELS: Mapping[CaseStatus, object] = MappingProxyType({
    # Translators: a button of the case page that changes the case's status (Arabic: الانتقال إلى ...).
    CaseStatus.ASSESSMENT: _l("Move to assessment"),
    # Translators: a button of the case page that changes the case's status.
    CaseStatus.IN_COUNSELLING: _l("Move into counselling"),
    # Translators: a button of the case page that changes the case's status.
    CaseStatus.IN_MEDIATION: _l("Move into mediation"),
    # Translators: a button of the case page that changes the case's status; a reason is asked with it.
    CaseStatus.SUSPENDED: _l("Suspend the case"),
})


@dataclass(frozen=True)
class StatusMove:
    """One button of the form: the status it posts as `to_status`, its label, and whether the reason field
    above it must be filled in (the workflow's `needs_reason`, checked by the service)."""

    value: str
    label: object
    needs_reason: bool


class StatusForm(BaseForm):
    # Posted by the button pressed (name="to_status", value=the status); the choices, set by the route, are
    # the changes this user may make, so a value posted by hand outside them is refused.
    to_status = SelectField(_l("New status"), choices=choices(CaseStatus),
                            validators=[DataRequired(_l("Choose the new status."))])
    reason = long_text(
        _l("Reason"),
        description=_l("Required for a suspension: new disclosure, safety, capacity, party unavailable."),
    )
    # The status the page showed: a change made meanwhile by someone else is not overwritten.
    current = HiddenField(validators=[DataRequired(), Length(max=32)])
    # Set by the route with the choices: the buttons, in the workflow's order.
    moves: tuple[StatusMove, ...] = ()
