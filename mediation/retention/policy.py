"""How long each class of record holding personal data is kept (docs/domain.md, DOM57).

A closed case past its period is anonymised, not deleted: identity and free text go, the statistical
fields stay, so that past statistics releases stay reproducible (docs/domain.md, DOM57-DOM61;
docs/security.md, S26). The periods come from the configuration (config.py,
RETENTION_*), one per record class; anything but a whole number above zero is refused, naming the
variable, before anything is read or written.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from config import ConfigurationError
from mediation.accounts.models import RETENTION_MAXIMUM

# (configuration name, attribute, unit): the record classes the job handles.
SETTINGS = (
    ("RETENTION_CLOSED_CASE_MONTHS", "closed_case_months"),
    ("RETENTION_INTAKE_APPOINTMENT_MONTHS", "intake_appointment_months"),
    ("RETENTION_OUTBOX_DAYS", "outbox_days"),
    ("RETENTION_RESET_TOKEN_DAYS", "reset_token_days"),
    ("RETENTION_LOGIN_FAILURE_DAYS", "login_failure_days"),
    ("RETENTION_GROUP_PARTICIPANT_MONTHS", "group_participant_months"),
)
DEFAULTS = {"RETENTION_CLOSED_CASE_MONTHS": 60, "RETENTION_INTAKE_APPOINTMENT_MONTHS": 12,
            "RETENTION_OUTBOX_DAYS": 90, "RETENTION_RESET_TOKEN_DAYS": 30, "RETENTION_LOGIN_FAILURE_DAYS": 30,
            "RETENTION_GROUP_PARTICIPANT_MONTHS": 24}
# A period longer than this is a typo (days entered as months...), not a policy.
MAXIMUM = RETENTION_MAXIMUM


class RetentionSettingsError(ConfigurationError):
    """A retention period is not a whole number above zero; the message names the variable."""


def positive_period(name: str, value) -> int:
    """The period as an int, or RetentionSettingsError naming `name`."""
    if isinstance(value, bool):
        value = None  # True is an int in Python, never a period
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().lstrip("-").isdigit():
        number = int(value.strip())
    else:
        raise RetentionSettingsError(f"{name} must be a whole number above zero (got {value!r})")
    if number <= 0:
        raise RetentionSettingsError(f"{name} must be above zero (got {number}): a zero or negative "
                                     "retention would erase records at once; nothing was changed")
    if number > MAXIMUM:
        raise RetentionSettingsError(f"{name} must be at most {MAXIMUM} (got {number})")
    return number


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class RetentionPolicy:
    closed_case_months: int
    intake_appointment_months: int
    outbox_days: int
    reset_token_days: int
    login_failure_days: int
    group_participant_months: int = DEFAULTS["RETENTION_GROUP_PARTICIPANT_MONTHS"]

    @classmethod
    def from_config(cls, config) -> RetentionPolicy:
        return cls(**{attribute: positive_period(name, config.get(name, DEFAULTS[name]))
                      for name, attribute in SETTINGS})

    def case_months(self, association_months: int | None) -> int:
        """The period of an association's closed cases: its own, else the installation's."""
        return association_months or self.closed_case_months

    def case_expires_on(self, closed_on: date, association_months: int | None = None) -> date:
        """The day a case closed on `closed_on` becomes due for anonymisation."""
        return add_months(closed_on, self.case_months(association_months))

    def case_closed_by(self, today: date, association_months: int | None = None) -> date:
        """Cases closed on or before this day are due on `today`."""
        return add_months(today, -self.case_months(association_months))

    def intake_before(self, now: datetime) -> datetime:
        """Intake appointments (without a case) that started before this instant lose their label."""
        today = now.date()
        return now - (today - add_months(today, -self.intake_appointment_months))

    def outbox_before(self, now: datetime) -> datetime:
        return now - timedelta(days=self.outbox_days)

    def reset_token_before(self, now: datetime) -> datetime:
        return now - timedelta(days=self.reset_token_days)

    def login_failure_before(self, now: datetime) -> datetime:
        return now - timedelta(days=self.login_failure_days)

    def group_participant_before(self, today: date) -> date:
        """A group-only participant whose last group finished before this day is deleted (docs/domain.md,
        DOM127)."""
        return add_months(today, -self.group_participant_months)


def end_of_next_month(today: date) -> date:
    first_of_next = add_months(today.replace(day=1), 1)
    return first_of_next.replace(day=calendar.monthrange(first_of_next.year, first_of_next.month)[1])
