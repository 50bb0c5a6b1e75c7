"""The reminders' read: the planned appointments of one local day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.appointments.codes import OPEN
from mediation.appointments.models import Appointment
from mediation.core.clock import local_parts


def appointments_on(session: Session, day: date) -> list[Appointment]:
    """Planned (scheduled or confirmed) appointments starting on this local day."""
    # A wide UTC window, then the exact local day: no local midnight is ever computed
    # (a clock change may skip it) and every offset the zone can have is covered.
    lower = datetime.combine(day, time.min, tzinfo=UTC) - timedelta(hours=14)
    upper = datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC) + timedelta(hours=14)
    rows = session.scalars(select(Appointment).where(
        Appointment.status.in_(OPEN), Appointment.start_utc >= lower, Appointment.start_utc < upper,
    ).order_by(Appointment.start_utc, Appointment.id))
    return [row for row in rows if local_parts(row.start_utc)[0] == day]
