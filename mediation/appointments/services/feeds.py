"""Private iCalendar feeds and single-appointment .ics files (docs/security.md, S20).

A feed URL is a bearer credential: whoever holds it reads the agenda, and
calendar programs copy events to phones and to cloud accounts abroad, which
Law 09-08 restricts. So an event says only the appointment's type and time,
with a link to the appointment in the application (by its public id): the
link opens nothing without a login. An association may choose to add the case
reference and the place (docs/security.md, P2). Never a name (of a party or of
staff), a note, a reason, an intake label (it may hold a name) or a video link
(it lets anyone join). When the parties' arrivals are staggered, the description
gives each party's own times as "Party 1", "Party 2", in order of arrival
(docs/domain.md, DOM68): times only, read without loading a participant.

Only HMAC-SHA256(feed pepper, token) is stored (docs/security.md, S23): a copy of
the database opens no feed, and the lookup compares digests, so response
timing says nothing about the token itself.

Times are written in UTC ("...Z"). Calendar programs convert them to the
device's zone, so no VTIMEZONE table is shipped that could go stale when
Morocco's Ramadan rule changes; the stored start_utc is what gets recomputed
after a tzdata update (docs/domain.md, DOM41).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, cast

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, vDuration
from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from mediation.accounts.models import Association, ServicePoint, StaffUser
from mediation.appointments.codes import CANCELLED, SessionMode
from mediation.appointments.models import Appointment, AppointmentParty, CalendarFeed
from mediation.appointments.queries.feeds import active_feed_of, feed_appointments
from mediation.appointments.rules import TOKEN_BYTES, hash_token
from mediation.appointments.services.message_texts import party_times_line
from mediation.cases.codes import SessionType
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.events import credentials_revoked
from mediation.core.i18n import DEFAULT, FORMAT_LOCALES, normalise

# Calendar programs poll; asking for hourly refreshes keeps them far inside the route's 60/hour limit.
REFRESH = timedelta(hours=1)
PRODUCT_ID = "-//mediation//appointments//EN"
UID_DOMAIN = "mediation"


# Tokens


def _revoke_active(session: Session, user_id: int, now: datetime) -> int:
    # An UPDATE returns a CursorResult (its rowcount), which Session.execute() is typed to hide.
    result = cast(CursorResult[Any], session.execute(
        update(CalendarFeed)
        .where(CalendarFeed.user_id == user_id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    ))
    return result.rowcount


def enable_feed(session: Session, *, actor: StaffUser) -> str:
    """Give the actor one new feed token, returned once; any earlier token stops working."""
    now = clock.now()
    _revoke_active(session, actor.id, now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = CalendarFeed(user_id=actor.id, token_hash=hash_token(token), created_at=now)
    session.add(feed)
    session.flush()
    record(session, AuditAction.CREATE, entity="calendar_feed", entity_id=feed.public_id,
           association_id=actor.association_id)
    return token


def revoke_feed(session: Session, *, actor: StaffUser) -> bool:
    """Stop the actor's feed; False when there was none."""
    feed = active_feed_of(session, actor)
    if feed is None:
        return False
    _revoke_active(session, actor.id, clock.now())
    record(session, AuditAction.STATUS_CHANGE, entity="calendar_feed", entity_id=feed.public_id,
           association_id=actor.association_id)
    return True


def revoke_feeds_of(session: Session, user: StaffUser) -> int:
    """Stop every feed of a user whose credentials are revoked by an S8 event (not at logout).

    Runs inside the transaction of the event, which writes its own audit entry.
    """
    return _revoke_active(session, user.id, clock.now())


def _on_credentials_revoked(user: StaffUser, *, session: Session, **_) -> None:
    revoke_feeds_of(session, user)


credentials_revoked.connect(_on_credentials_revoked, weak=False)


# Contents


def feed_language(user: StaffUser) -> str:
    return normalise(user.locale) or DEFAULT


def _service_points(session: Session, appointments: Iterable[Appointment]) -> dict[int, ServicePoint]:
    ids = {appointment.service_point_id for appointment in appointments}
    if not ids:
        return {}
    return {point.id: point for point in session.scalars(select(ServicePoint).where(ServicePoint.id.in_(ids)))}


def _with_details(session: Session, appointments: Iterable[Appointment]) -> set[int]:
    """The associations (of these appointments) whose calendars also show the reference and the place."""
    ids = {appointment.association_id for appointment in appointments}
    if not ids:
        return set()
    return set(session.scalars(select(Association.id).where(Association.id.in_(ids),
                                                            Association.calendar_shows_details.is_(True))))


DoorTimes = dict[int, list[tuple[datetime, datetime]]]


def _door_times(session: Session, appointments: Iterable[Appointment]) -> DoorTimes:
    """Each appointment's staggered party times in order of arrival (DOM68): times, never who."""
    ids = [appointment.id for appointment in appointments]
    times: DoorTimes = {}
    if not ids:
        return times
    rows = session.execute(
        select(AppointmentParty.appointment_id, AppointmentParty.arrives_at, AppointmentParty.leaves_at)
        .where(AppointmentParty.appointment_id.in_(ids), AppointmentParty.arrives_at.is_not(None),
               AppointmentParty.leaves_at.is_not(None))
        .order_by(AppointmentParty.appointment_id, AppointmentParty.arrives_at, AppointmentParty.participant_id))
    for appointment_id, arrives, leaves in rows:
        if arrives is not None and leaves is not None:  # as selected: for the type checker
            times.setdefault(appointment_id, []).append((arrives, leaves))
    return times


def _summary(appointment: Appointment, details: bool) -> str:
    if appointment.case is None:
        # Never the label: it is how staff recognise a family, often by name. A positive-parenting session
        # without a case is a group's (docs/domain.md, DOM122): its type, never who takes part.
        if appointment.session_type is SessionType.POSITIVE_PARENTING:
            return str(appointment.session_type.label)
        return _("Intake meeting")
    if not details:
        return str(appointment.session_type.label)
    # Translators: title of a calendar event: the case reference, then the session type.
    return _("%(reference)s · %(type)s", reference=appointment.case.reference,
             type=appointment.session_type.label)


def _location(appointment: Appointment, point: ServicePoint | None, language: str) -> str:
    if appointment.mode is SessionMode.PHONE:
        return str(SessionMode.PHONE.label)
    if appointment.mode is SessionMode.VIDEO:
        return str(SessionMode.VIDEO.label)  # never the link itself
    room = appointment.room.name if appointment.room is not None else None
    place = point.name(language) if point is not None else None
    if room and place:
        # Translators: a room, then the service point it belongs to (shared with the reminders).
        return _("%(room)s, %(service_point)s", room=room, service_point=place)
    return room or place or ""


def _event(appointment: Appointment, point: ServicePoint | None, language: str, *, details: bool,
           link: str, door_times: list[tuple[datetime, datetime]]) -> Event:
    event = Event()
    event.add("uid", f"{appointment.public_id}@{UID_DOMAIN}")
    # Without METHOD, DTSTAMP is when the event last changed (RFC 5545 §3.8.7.2):
    # an unchanged appointment gives identical bytes at every poll.
    event.add("dtstamp", appointment.updated_at)
    event.add("last-modified", appointment.updated_at)
    event.add("sequence", appointment.version_id)
    event.add("dtstart", appointment.start_utc)
    event.add("dtend", appointment.end_utc)
    event.add("summary", _summary(appointment, details))
    if details:
        event.add("location", _location(appointment, point, language))
    event.add("url", link)
    # Translators: the only text of a calendar event besides its title; a link follows.
    lines = [_("Open the appointment in the application: %(link)s", link=link)]
    lines += [party_times_line(number, arrives, leaves) for number, (arrives, leaves) in enumerate(door_times, 1)]
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if appointment.status in CANCELLED else "CONFIRMED")
    # Programs that share a calendar show a private event as "busy" only.
    event.add("class", "PRIVATE")
    return event


Link = Callable[[Appointment], str]


def build_calendar(session: Session, appointments: list[Appointment], *, language: str, link: Link) -> bytes:
    """The VCALENDAR of these appointments, labelled in `language` (ar, fr or en); `link` gives each
    appointment's address in the application."""
    points = _service_points(session, appointments)
    detailed = _with_details(session, appointments)
    door_times = _door_times(session, appointments)
    with force_locale(FORMAT_LOCALES.get(language, FORMAT_LOCALES[DEFAULT])):
        calendar = Calendar()
        calendar.add("prodid", PRODUCT_ID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        # Seen on a locked phone screen or a shared computer: says nothing of the work.
        calendar.add("x-wr-calname", _("Work appointments"))
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH))
        for appointment in appointments:
            calendar.add_component(_event(appointment, points.get(appointment.service_point_id), language,
                                          details=appointment.association_id in detailed, link=link(appointment),
                                          door_times=door_times.get(appointment.id, [])))
        return calendar.to_ical()


def feed_ics(session: Session, feed: CalendarFeed, *, link: Link, now: datetime | None = None) -> bytes:
    """Serve a feed: note its use and record the export under its owner's name (ids only)."""
    now = now or clock.now()
    user = feed.user
    feed.last_used_at = now
    session.flush()
    record(session, AuditAction.EXPORT, entity="calendar_feed", entity_id=feed.public_id,
           actor_id=user.id, actor_role=str(user.role), association_id=user.association_id)
    return build_calendar(session, feed_appointments(session, user, now), language=feed_language(user), link=link)


def appointment_ics(session: Session, appointment: Appointment, *, language: str, link: Link) -> bytes:
    """One appointment, already loaded through the reader's scope, as an .ics file (audited)."""
    record(session, AuditAction.EXPORT, entity="appointment", entity_id=appointment.public_id,
           association_id=appointment.association_id)
    return build_calendar(session, [appointment], language=language, link=link)
