"""Quarters of the own-association report: parsing the asked quarter and the selector's choices."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from mediation.core import clock

QUARTER_PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*$")
FIRST_YEAR = 2000
BAD_QUARTER = _l("That quarter is not valid (expected a year and a quarter, e.g. 2026Q3): "
                 "the last finished quarter is shown instead.")
NOT_FINISHED = _l("A funder export covers a finished quarter only: the last finished quarter is shown instead.")
FUTURE_QUARTER = _l("That quarter has not started yet: the last finished quarter is shown instead.")


@dataclass(frozen=True)
class Quarter:
    year: int
    quarter: int

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def last_day(self) -> date:
        following = self.next()
        return date.fromordinal(following.first_day.toordinal() - 1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.quarter == 4 else Quarter(self.year, self.quarter + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.quarter == 1 else Quarter(self.year, self.quarter - 1)


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def last_finished_quarter(today: date) -> Quarter:
    return quarter_of(today).previous()


def parse_quarter(text: str | None, today: date | None = None) -> tuple[Quarter, object | None]:
    """The quarter asked for and a message (lazy) when it was refused: then the default is used.

    Empty: the last finished quarter, no message. Malformed or before FIRST_YEAR: a message and the
    default. Not started yet: refused with a message. The quarter in progress is allowed (partial).
    """
    today = today or clock.today()
    default = last_finished_quarter(today)
    if text is None or not text.strip():
        return default, None
    match = QUARTER_PATTERN.match(text[:32])
    if match is None or int(match.group(1)) < FIRST_YEAR:
        return default, BAD_QUARTER
    asked = Quarter(int(match.group(1)), int(match.group(2)))
    if asked.first_day > today:
        return default, FUTURE_QUARTER
    return asked, None


def recent_quarters(today: date | None = None, count: int = 12) -> list[Quarter]:
    """The selector's choices: the quarter in progress and the ones before it, newest first."""
    current = quarter_of(today or clock.today())
    quarters = [current]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters
