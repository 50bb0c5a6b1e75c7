"""Local wall-clock times of the service's zone (Africa/Casablanca) and the UTC instants stored.

One place for the rules of DOMAIN.md §2.9: a local time that does not exist
(the clocks jumped over it) is refused; a repeated hour takes its first
occurrence. The zone comes from flask_babel (BABEL_DEFAULT_TIMEZONE).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytz
from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l

from mediation.core.errors import ValidationFailed

SKIPPED_TIME = _l("This time does not exist on that day: the clocks moved forward. Check the time.")


def zone_name() -> str:
    return str(get_timezone())


def to_utc(day: date, wall: time, *, field: str = "start", zone=None) -> datetime:
    """The UTC instant of a local date and time; a repeated hour takes its first occurrence."""
    zone = zone or get_timezone()
    naive = datetime.combine(day, wall.replace(second=0, microsecond=0, tzinfo=None))
    if hasattr(zone, "localize"):  # pytz
        try:
            aware = zone.localize(naive, is_dst=None)
        except pytz.NonExistentTimeError:
            raise ValidationFailed(SKIPPED_TIME, field=field) from None
        except pytz.AmbiguousTimeError:
            # Both readings exist: the first occurrence is the earlier instant.
            aware = min((zone.localize(naive, is_dst=flag) for flag in (True, False)),
                        key=lambda value: value.astimezone(pytz.utc))
        return aware.astimezone(pytz.utc).replace(tzinfo=UTC)
    # zoneinfo: fold=0 is the first occurrence; a gap does not round-trip.
    aware = naive.replace(tzinfo=zone, fold=0)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise ValidationFailed(SKIPPED_TIME, field=field)
    return aware.astimezone(UTC)


def local_parts(instant: datetime) -> tuple[date, time]:
    local = instant.astimezone(get_timezone())
    return local.date(), local.time().replace(second=0, microsecond=0, tzinfo=None)


def local_datetime(instant: datetime) -> datetime:
    return instant.astimezone(get_timezone())
