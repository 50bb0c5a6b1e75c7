"""The rooms' read: the planned appointments still to come in a room."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.appointments.codes import OPEN
from mediation.appointments.models import Appointment, Room
from mediation.core import clock


def future_bookings(session: Session, room: Room) -> int:
    """Planned appointments still to come in the room (to warn whoever deactivates it)."""
    return session.scalar(select(func.count()).select_from(Appointment).where(
        Appointment.room_id == room.id, Appointment.status.in_(OPEN), Appointment.end_utc > clock.now())) or 0
