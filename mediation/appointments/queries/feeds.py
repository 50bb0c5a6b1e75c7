"""The reads of the calendar feeds: a user's active feed, the feed a token opens, the appointments a feed
lists, and whether an association's calendars show details (docs/security.md, S20, P2).

The token's shape and digest are in rules.py: the service that issues a token and the lookup here
agree on them (docs/security.md, S23).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, lazyload

from mediation.accounts.models import Association, StaffUser
from mediation.appointments.codes import BUSY
from mediation.appointments.models import Appointment, AppointmentStaff, CalendarFeed
from mediation.appointments.policies import visible_appointments
from mediation.appointments.rules import TOKEN_SHAPE, hash_token
from mediation.core.authz import Permission

PAST = timedelta(days=30)
AHEAD = timedelta(days=180)


def active_feed_of(session: Session, user: StaffUser) -> CalendarFeed | None:
    return session.scalar(
        select(CalendarFeed).where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.created_at.desc())
    )


def find_active_feed(session: Session, token: str) -> CalendarFeed | None:
    """The feed a token opens: not revoked, of an active user who may see appointments."""
    if not TOKEN_SHAPE.fullmatch(token or ""):
        return None
    feed = session.scalar(
        select(CalendarFeed).where(CalendarFeed.token_hash == hash_token(token), CalendarFeed.revoked_at.is_(None))
    )
    if feed is None or not feed.user.active or not feed.user.has(Permission.APPOINTMENT_VIEW):
        return None
    return feed


def feed_appointments(session: Session, user: StaffUser, now: datetime) -> list[Appointment]:
    """The appointments the user holds, within their scope, from 30 days back to 180 days ahead.

    Cancelled and missed ones are left out rather than sent as STATUS:CANCELLED:
    a subscribed calendar drops an event that disappears from the feed, whereas
    several programs show a cancelled event like any other.
    """
    holds = exists().where(AppointmentStaff.appointment_id == Appointment.id, AppointmentStaff.user_id == user.id)
    query = (
        visible_appointments(user)
        .where(holds, Appointment.status.in_(BUSY),
               Appointment.start_utc >= now - PAST, Appointment.start_utc < now + AHEAD)
        # The parties are never written: do not load (and decrypt) their names.
        .options(lazyload(Appointment.parties), lazyload(Appointment.staff))
        .order_by(Appointment.start_utc, Appointment.id)
    )
    return list(session.scalars(query))


def association_shows_details(session: Session, association_id: int) -> bool:
    return bool(session.scalar(select(Association.calendar_shows_details).where(Association.id == association_id)))
