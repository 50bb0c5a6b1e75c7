"""The period a dashboard reports on: a month, a quarter or a custom range of local days.

The query string is hand-typed and bookmarked, so a bad value never fails the
page: it is reported in the user's language and the current month is shown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

MONTH, QUARTER, CUSTOM = "month", "quarter", "custom"
KINDS = (MONTH, QUARTER, CUSTOM)
# ASCII digits only: \d also accepts Arabic-Indic digits, which date.fromisoformat refuses.
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
MAX_DAYS = 366

UNKNOWN_KIND = _l("Choose a month, a quarter or a custom range.")
BAD_DATE = _l("Enter a date as YYYY-MM-DD between 2000 and 2100.")
MISSING_BOUND = _l("Enter both the first and the last day of the range.")
REVERSED = _l("The end of the period comes before its start.")
TOO_LONG = _l("Choose a period of at most one year.")


@dataclass(frozen=True)
class Period:
    kind: str
    first: date
    last: date

    @property
    def quarter(self) -> Period | None:
        """The quarter a month belongs to, shown beside it; None for a quarter or a custom range."""
        return quarter_of(self.first) if self.kind == MONTH else None

    @property
    def quarter_number(self) -> int:
        return (self.first.month - 1) // 3 + 1

    def step(self, direction: int) -> Period | None:
        """The month or quarter before (-1) or after (+1); None for a custom range or out of reach."""
        if self.kind == CUSTOM:
            return None
        day = self.first - timedelta(days=1) if direction < 0 else self.last + timedelta(days=1)
        if not EARLIEST <= day <= LATEST:
            return None
        return month_of(day) if self.kind == MONTH else quarter_of(day)

    def query(self) -> dict[str, str]:
        """The query-string arguments that choose this period again."""
        if self.kind == CUSTOM:
            return {"period": CUSTOM, "from": self.first.isoformat(), "to": self.last.isoformat()}
        return {"period": self.kind, "date": self.first.isoformat()}


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    return Period(MONTH, first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1))


def quarter_of(day: date) -> Period:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    after = date(first.year + 1, 1, 1) if first.month == 10 else date(first.year, first.month + 3, 1)
    return Period(QUARTER, first, after - timedelta(days=1))


@dataclass(frozen=True)
class Choice:
    """The period to show and what was wrong with the request (lazy messages); errors mean the default."""

    period: Period
    errors: list = field(default_factory=list)
    # The values as typed, to refill the form.
    typed: dict[str, str] = field(default_factory=dict)


class _Refused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _day(text: str | None) -> date | None:
    if not text:
        return None
    if not ISO_DATE.match(text):
        raise _Refused(BAD_DATE)
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise _Refused(BAD_DATE) from None
    if not EARLIEST <= value <= LATEST:
        raise _Refused(BAD_DATE)
    return value


def _chosen(kind: str, args: Mapping[str, str], today: date) -> Period:
    if kind == CUSTOM:
        first, last = _day(args.get("from")), _day(args.get("to"))
        if first is None or last is None:
            raise _Refused(MISSING_BOUND)
        if first > last:
            raise _Refused(REVERSED)
        if (last - first).days + 1 > MAX_DAYS:
            raise _Refused(TOO_LONG)
        return Period(CUSTOM, first, last)
    anchor = _day(args.get("date")) or today
    return month_of(anchor) if kind == MONTH else quarter_of(anchor)


def parse_period(args: Mapping[str, str], today: date) -> Choice:
    """Read period/date/from/to; by default (and after any error) the current month."""
    typed = {name: str(args.get(name, ""))[:40] for name in ("period", "date", "from", "to")}
    kind = args.get("period") or (CUSTOM if args.get("from") or args.get("to") else MONTH)
    if kind not in KINDS:
        return Choice(month_of(today), [UNKNOWN_KIND], typed)
    try:
        return Choice(_chosen(kind, args, today), [], typed)
    except _Refused as refused:
        return Choice(month_of(today), [refused.message], typed)


