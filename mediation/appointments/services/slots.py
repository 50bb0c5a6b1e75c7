"""The next free slots of a staff member, proposed by the booking form.

Office hours and days come from configuration (APPOINTMENT_DAY_START,
APPOINTMENT_DAY_END, APPOINTMENT_WORKING_DAYS with Monday = 0); the busy
times of the next weeks are read in one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.appointments.codes import BUSY
from mediation.appointments.models import Appointment, AppointmentStaff
from mediation.core import clock
from mediation.core.clock import local_parts, to_utc
from mediation.core.errors import ValidationFailed

STEP = timedelta(minutes=30)
HORIZON_DAYS = 21


@dataclass(frozen=True)
class Slot:
    day: date
    start: time
    end: time
    start_utc: datetime
    end_utc: datetime


def _office_hours() -> tuple[time, time, frozenset[int]]:
    config = current_app.config
    return (time.fromisoformat(config.get("APPOINTMENT_DAY_START", "09:00")),
            time.fromisoformat(config.get("APPOINTMENT_DAY_END", "17:00")),
            frozenset(config.get("APPOINTMENT_WORKING_DAYS", (0, 1, 2, 3, 4))))


def _busy(session: Session, user_id: int, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    return list(session.execute(
        select(Appointment.start_utc, Appointment.end_utc)
        .join(AppointmentStaff, AppointmentStaff.appointment_id == Appointment.id)
        .where(AppointmentStaff.user_id == user_id, Appointment.status.in_(BUSY),
               Appointment.start_utc < end, Appointment.end_utc > start)
        .order_by(Appointment.start_utc)
    ).all())


def next_free_slots(session: Session, user_id: int, *, duration_min: int = 60, count: int = 6,
                    now: datetime | None = None) -> list[Slot]:
    """The first `count` office-hour slots of `duration_min` where the staff member holds nothing."""
    now = now or clock.now()
    opens, closes, working_days = _office_hours()
    length = timedelta(minutes=duration_min)
    today, _ = local_parts(now)
    busy = _busy(session, user_id, now, now + timedelta(days=HORIZON_DAYS + 1))
    found: list[Slot] = []
    for offset in range(HORIZON_DAYS):
        day = today + timedelta(days=offset)
        if day.weekday() not in working_days:
            continue
        try:
            cursor, day_end = to_utc(day, opens), to_utc(day, closes)
        except ValidationFailed:
            continue  # office hours fall in a clock change: skip the day rather than guess
        while cursor + length <= day_end and len(found) < count:
            end = cursor + length
            clash = next((b for b in busy if b[0] < end and b[1] > cursor), None)
            if clash is not None:
                # Jump to the end of the clash, rounded up to the next step from opening time.
                steps = -(-(clash[1] - cursor) // STEP)
                cursor += steps * STEP
                continue
            if cursor >= now:
                local_day, local_start = local_parts(cursor)
                found.append(Slot(local_day, local_start, local_parts(end)[1], cursor, end))
            cursor += STEP
        if len(found) >= count:
            break
    return found
