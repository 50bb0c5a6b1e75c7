"""The one clock and the one zone database of the product (architecture rule T1).

Every "now", every "today", every day or period bound and every local display
goes through this module; a test in tests/core/test_clock.py fails when any
other module reads the system clock or opens a zone by itself.

Zone data: the pinned `tzdata` package (its version is in constraints.txt),
read through `zoneinfo` straight from the package's files. The operating
system's /usr/share/zoneinfo is never consulted, because Morocco's rules change
by decree and a server's system data lags or leads the project's: two readings
of Africa/Casablanca in one process disagreed by an hour for part of every day.
`flask doctor` prints the version in use and compares it with the system's.

Clock: `now()` is the real UTC time unless a test (or the browser tests'
served application) has set it with `set_now()` or `frozen()`; a set clock
either stands still or ticks on from the instant given.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.resources
import re
import threading
import time as _time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from mediation.core.errors import ValidationFailed

DEFAULT_ZONE = "Africa/Casablanca"
SKIPPED_TIME = _l("This time does not exist on that day: the clocks moved forward. Check the time.")

_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*$")


class UnknownZone(ValueError):
    """A zone name that the pinned zone data does not hold."""


class PinnedZone(ZoneInfo):
    """A zone read from the pinned package, with the two pytz methods Flask-Babel calls.

    zoneinfo needs neither (`astimezone` is already right), so both are identities.
    """

    def localize(self, naive: datetime, is_dst: bool | None = False) -> datetime:
        return naive.replace(tzinfo=self, fold=0)

    def normalize(self, aware: datetime) -> datetime:
        return aware.astimezone(self)


@functools.cache
def load_zone(name: str) -> PinnedZone:
    """The zone `name` from the pinned tzdata package, never from the operating system."""
    if not _ZONE_NAME.match(name) or ".." in name:
        raise UnknownZone(name)
    resource = importlib.resources.files("tzdata").joinpath("zoneinfo", *name.split("/"))
    try:
        with resource.open("rb") as handle:
            return PinnedZone.from_file(handle, key=name)
    except (FileNotFoundError, IsADirectoryError, ValueError) as error:
        raise UnknownZone(name) from error


def zone_data_version() -> str:
    """The IANA release of the pinned zone data, e.g. "2026f" (package version in brackets)."""
    import tzdata

    return f"{tzdata.IANA_VERSION} (tzdata {importlib.metadata.version('tzdata')})"


def zone_name() -> str:
    """The service's zone: the setting BABEL_DEFAULT_TIMEZONE, Africa/Casablanca by default."""
    if has_app_context():
        return current_app.config.get("BABEL_DEFAULT_TIMEZONE") or DEFAULT_ZONE
    return DEFAULT_ZONE


def zone() -> PinnedZone:
    """The service's zone, where the days of its staff and families are lived."""
    return load_zone(zone_name())


# The clock


@dataclass(frozen=True)
class _SetClock:
    instant: datetime
    ticking: bool
    set_at: float  # time.monotonic() when it was set


_lock = threading.Lock()
_set: _SetClock | None = None


def now() -> datetime:
    """The current instant, timezone-aware in UTC."""
    current = _set
    if current is None:
        return datetime.now(UTC)
    if not current.ticking:
        return current.instant
    return current.instant + timedelta(seconds=_time.monotonic() - current.set_at)


def timestamp() -> float:
    """The current instant as seconds since the epoch (TOTP steps, session times)."""
    return now().timestamp()


def today() -> date:
    """Today's date in the service's zone: where dates are lived, never the server's."""
    return now().astimezone(zone()).date()


def set_now(instant: datetime | None, *, ticking: bool = False) -> None:
    """Set the clock to `instant` (standing still, or ticking on from it); None gives back the real clock."""
    global _set
    if instant is not None and instant.tzinfo is None:
        raise ValueError("the clock is set with an aware datetime")
    with _lock:
        _set = None if instant is None else _SetClock(instant.astimezone(UTC), ticking, _time.monotonic())


def advance(delta: timedelta) -> None:
    """Move a set clock on by `delta` (time travel in tests)."""
    if _set is None:
        raise RuntimeError("advance() needs a clock set with set_now() first")
    set_now(now() + delta, ticking=_set.ticking)


def setting() -> _SetClock | None:
    """How the clock is set now (None: the real clock), to give back with restore()."""
    return _set


def restore(previous: _SetClock | None) -> None:
    """Give back a setting taken with setting()."""
    global _set
    with _lock:
        _set = previous


@contextmanager
def frozen(instant: datetime, *, ticking: bool = False) -> Iterator[None]:
    """The clock set to `instant` for the duration of the block, then restored."""
    previous = setting()
    set_now(instant, ticking=ticking)
    try:
        yield
    finally:
        restore(previous)


# Days within reason

# The first day a date input offers: the product holds no case, session or declaration before it.
EARLIEST_DAY = date(2000, 1, 1)
DEFAULT_DAYS_AHEAD = 730


def furthest_day(from_day: date | None = None) -> date:
    """The last day a date may name: today (or `from_day`) plus the setting MEDIATION_MAX_DAYS_AHEAD.

    Two years by default: nothing of a mediation is planned further ahead, and a year such as 9999
    would overflow when its local time is turned into UTC.
    """
    days = DEFAULT_DAYS_AHEAD
    if has_app_context():
        days = current_app.config.get("MEDIATION_MAX_DAYS_AHEAD", DEFAULT_DAYS_AHEAD)
    return (from_day or today()) + timedelta(days=days)


# Local days and times


def to_utc(day: date, wall: time, *, field: str = "start", in_zone: ZoneInfo | None = None) -> datetime:
    """The UTC instant of a local date and wall time.

    A wall time the clocks jumped over is refused (ValidationFailed on `field`);
    a repeated hour takes its first occurrence (fold=0).
    """
    chosen = in_zone or zone()
    naive = datetime.combine(day, wall.replace(second=0, microsecond=0, tzinfo=None))
    aware = naive.replace(tzinfo=chosen, fold=0)
    if aware.astimezone(UTC).astimezone(chosen).replace(tzinfo=None) != naive:
        raise ValidationFailed(SKIPPED_TIME, field=field)
    return aware.astimezone(UTC)


def day_start(day: date, in_zone: ZoneInfo | None = None) -> datetime:
    """The UTC instant at which the local day begins (midnight, or the first hour after a gap)."""
    chosen = in_zone or zone()
    local = datetime.combine(day, time.min).replace(tzinfo=chosen, fold=0)
    # A gap at midnight: the day begins at the first wall time that exists.
    return local.astimezone(UTC)


def day_bounds(first: date, last: date, in_zone: ZoneInfo | None = None) -> tuple[datetime, datetime]:
    """[start, end) in UTC covering the local days first..last, both included."""
    return day_start(first, in_zone), day_start(last + timedelta(days=1), in_zone)


def local_datetime(instant: datetime) -> datetime:
    """An instant as an aware datetime in the service's zone."""
    return instant.astimezone(zone())


def local_parts(instant: datetime) -> tuple[date, time]:
    """The local date and wall time (to the minute) of an instant."""
    local = local_datetime(instant)
    return local.date(), local.time().replace(second=0, microsecond=0, tzinfo=None)


def local_date(instant: datetime) -> date:
    """The local date of an instant."""
    return local_datetime(instant).date()


# The operating system's zone data, read only to warn when it disagrees with the pinned data


@dataclass(frozen=True)
class Disagreement:
    """A stretch of time in which the pinned data and the system's give the zone different offsets."""

    start: datetime  # UTC, the first hour that differs
    end: datetime  # UTC, the first hour that agrees again (or the end of the horizon)
    pinned: timedelta
    system: timedelta


def system_zone_data_version(system_dir: str = "/usr/share/zoneinfo") -> str | None:
    """The IANA release of the operating system's zone data ("2025b"), if it says."""
    try:
        with open(f"{system_dir}/tzdata.zi", encoding="ascii", errors="replace") as handle:
            first = handle.readline().strip()
    except OSError:
        return None
    if not first.startswith("# version "):
        return None
    return first.removeprefix("# version ").strip() or None


def disagreements_with_system(name: str, start: datetime, *, days: int = 366,
                              system_dir: str = "/usr/share/zoneinfo") -> list[Disagreement] | None:
    """Where the system's data for `name` differs from the pinned data, hour by hour from `start`;
    None when the system has no such zone."""
    try:
        with open(f"{system_dir}/{name}", "rb") as handle:
            system = ZoneInfo.from_file(handle, key=name)
    except (OSError, ValueError):
        return None
    pinned = load_zone(name)
    first_hour = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    found: list[Disagreement] = []
    open_since: tuple[datetime, timedelta, timedelta] | None = None
    for hour in range(days * 24 + 1):
        instant = first_hour + timedelta(hours=hour)
        ours, theirs = instant.astimezone(pinned).utcoffset(), instant.astimezone(system).utcoffset()
        assert ours is not None and theirs is not None  # an aware instant in a zone always has an offset
        # A stretch ends where the two agree again or where either offset changes.
        if open_since is not None and (ours, theirs) != open_since[1:]:
            found.append(Disagreement(open_since[0], instant, open_since[1], open_since[2]))
            open_since = None
        if ours != theirs and open_since is None:
            open_since = (instant, ours, theirs)
    if open_since is not None:
        found.append(Disagreement(open_since[0], first_hour + timedelta(hours=days * 24 + 1), open_since[1],
                                  open_since[2]))
    return found
