"""Finding a case: filters by code (GET) and search by reference, name or phone (POST only; docs/security.md, S37)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from mediation.cases.codes import CaseStatus, Issue
from mediation.core.codes import choices
from mediation.core.forms import BaseForm


def _with_any(label, members):
    return [SelectChoice("", label), *choices(members)]


class CaseFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET form of codes only: nothing personal travels in the URL

    # default "": a filter absent from the URL means "any", not an invalid choice
    status = SelectField(_l("Status"), choices=_with_any(_l("Any status"), CaseStatus), default="")
    issue = SelectField(_l("Issue"), choices=_with_any(_l("Any issue"), Issue), default="")
    follow_up = SelectField(_l("Follow-up"), default="", choices=[
        SelectChoice("", _l("Any")),
        SelectChoice("due", _l("Due or overdue")),
    ])


class CaseSearchForm(BaseForm):
    # Names and phone numbers never go in a URL (docs/security.md, S20): this form is POSTed.
    query = StringField(_l("Reference, name or phone"),
                        validators=[DataRequired(_l("Enter what to search for.")), Length(max=200)])
