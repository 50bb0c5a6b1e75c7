"""Filters of the audit trail (query parameters) and the labels of its codes."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import Field, SelectField, StringField
from wtforms.validators import Length, ValidationError
from wtforms.widgets import DateInput

from mediation.core.audit import AuditAction, AuditOutcome
from mediation.core.authz import Role
from mediation.core.forms import TODAY, BaseForm
from mediation.core.pagination import parse_page

ACTION_LABELS = {
    AuditAction.LOGIN: _l("Login"),
    AuditAction.LOGIN_FAILED: _l("Failed login"),
    AuditAction.LOGOUT: _l("Logout"),
    AuditAction.LOCKOUT: _l("Account locked"),
    AuditAction.SESSIONS_ENDED: _l("Sessions ended"),
    AuditAction.PASSWORD_CHANGED: _l("Password changed"),
    AuditAction.PASSWORD_RESET_ISSUED: _l("Password reset code issued"),
    AuditAction.PASSWORD_RESET_USED: _l("Password reset code used"),
    AuditAction.SECOND_FACTOR_ENROLLED: _l("Second factor set up"),
    AuditAction.SECOND_FACTOR_RESET: _l("Second factor reset"),
    AuditAction.RECOVERY_CODES_ISSUED: _l("Recovery codes issued"),
    AuditAction.RECOVERY_CODE_USED: _l("Recovery code used"),
    AuditAction.ACCESS_DENIED: _l("Access denied"),
    AuditAction.CSRF_FAILED: _l("Form check failed"),
    AuditAction.CREATE: _l("Created"),
    # Translators: the kind of an audit event: a record was changed (the fact, listed beside "Created" and
    # "Viewed"), not the button that opens a form ("Edit").
    AuditAction.UPDATE: _l("Updated"),
    AuditAction.VIEW: _l("Viewed"),
    AuditAction.SEARCH: _l("Searched"),
    AuditAction.STATUS_CHANGE: _l("Status changed"),
    AuditAction.CONSENT_CHANGE: _l("Consent recorded"),
    AuditAction.DECISION: _l("Decision recorded"),
    AuditAction.EXPORT: _l("Exported or downloaded"),
    AuditAction.MESSAGE_QUEUED: _l("E-mail queued"),
    AuditAction.MESSAGE_SENT: _l("E-mail sent"),
    # Retention
    AuditAction.ANONYMISED: _l("Anonymised at the end of retention"),
    AuditAction.PURGED: _l("Expired records deleted"),
    # Backups
    AuditAction.BACKUP_CREATED: _l("Backup created"),
    AuditAction.BACKUP_RESTORED: _l("Backup restored"),
    AuditAction.RESTORE_DRILL: _l("Restore drill"),
}

OUTCOME_LABELS = {
    AuditOutcome.SUCCESS: _l("Succeeded"),
    AuditOutcome.FAILURE: _l("Failed"),
    AuditOutcome.DENIED: _l("Denied"),
}

ACTION_CODES = frozenset(str(action) for action in AuditAction)
OUTCOME_CODES = frozenset(str(outcome) for outcome in AuditOutcome)
DAY_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FIRST_YEAR, LAST_YEAR = 2000, 2999


def action_label(code: str | None):
    """The translated label of an action code; an unlabelled code shows as itself."""
    return ACTION_LABELS.get(code, code or "")


def outcome_label(code: str | None):
    return OUTCOME_LABELS.get(code, code or "")


def role_label(code: str | None):
    try:
        return Role(code).label
    except ValueError:
        return code or ""


def _action_choices():
    # Sorted in the reader's language, so the list is alphabetical in each.
    labelled = sorted(((str(code), label) for code, label in ACTION_LABELS.items()), key=lambda c: str(c[1]))
    return [("", _l("Any action")), *labelled]


def _outcome_choices():
    return [("", _l("Any outcome")), *((str(code), label) for code, label in OUTCOME_LABELS.items())]


def one_of(codes: frozenset[str], message):
    def check(form, field) -> None:
        if field.data and field.data not in codes:
            raise ValidationError(message)

    return check


class DayField(StringField):
    """A calendar day typed as YYYY-MM-DD (a date picker); `day` holds the parsed date."""

    widget = DateInput()
    day: date | None = None

    def post_validate(self, form, validation_stopped) -> None:
        self.day = None
        if validation_stopped or not self.data:
            return
        if not DAY_PATTERN.fullmatch(self.data):
            raise ValidationError(_l("Enter a date as year-month-day, for example 2026-05-31."))
        try:
            day = date.fromisoformat(self.data)
        except ValueError as exc:
            raise ValidationError(_l("Enter a date as year-month-day, for example 2026-05-31.")) from exc
        # Bounded so that converting the day to UTC can never overflow.
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationError(
                _l("Enter a date between the years %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)
            )
        self.day = day


class PageField(Field):
    """The page number, never shown: anything that is not a page in range means page 1."""

    def process_formdata(self, valuelist) -> None:
        self.data = parse_page(valuelist[0] if valuelist else "") or 1

    def process_data(self, value) -> None:
        self.data = 1


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    actor = StringField(
        _l("User name"),
        validators=[Length(max=200, message=_l("Use at most %(max)d characters."))],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false", "dir": "ltr"},
    )
    action = SelectField(
        _l("Action"), choices=_action_choices, default="", validate_choice=False,
        validators=[one_of(ACTION_CODES, _l("Choose an action from the list."))],
    )
    outcome = SelectField(
        _l("Outcome"), choices=_outcome_choices, default="", validate_choice=False,
        validators=[one_of(OUTCOME_CODES, _l("Choose an outcome from the list."))],
    )
    date_from = DayField(_l("Start date"), render_kw={"max": TODAY})
    date_to = DayField(_l("End date"), render_kw={"max": TODAY})
    page = PageField()

    FILTERS = ("actor", "action", "outcome", "date_from", "date_to")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        start, end = self.date_from.day, self.date_to.day
        if start and end and start > end:
            self.date_to.errors.append(_l("The end date is before the start date."))
            valid = False
        return valid

    def query_args(self) -> dict[str, str]:
        """The filters as typed, for links to other pages of the same results."""
        return {name: self[name].data for name in self.FILTERS if self[name].data}
