"""The day-before messages: each staff member's agenda, and neutral reminders to parties; who gets which.

A party gets a reminder only where everything allows it (docs/domain.md, DOM47,
DOM142): an active adult participant, a safe-contact profile saying the service
may contact them, `contact` consent currently given, and a channel of their
contact profile with an address, taken in the party's order of preference: SMS
to a mobile number, or e-mail (`cases.contact.route_for`). "Calls only" sends
nothing. A staff agenda goes by e-mail, by SMS or not at all, as the staff member
chose on their profile (docs/domain.md, DOM164). What the messages say, and never
say, is in message_texts.py; when the parties' arrivals are staggered (DOM68), a
party's reminder gives that party's own arrival time only.

The convocations queued at booking (convocations.py; DOM161-DOM163) share the
reminders' keys, routes and checks. The same rules are checked again just before
sending (`still_wanted`): a reminder or convocation queued before a party was marked
"no contact", before their address changed, or before the appointment was moved or
cancelled is withdrawn.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.codes import AgendaChannel
from mediation.accounts.models import Association, StaffUser
from mediation.appointments.codes import OPEN
from mediation.appointments.models import Appointment, AppointmentParty
from mediation.appointments.queries.reminders import appointments_on
from mediation.appointments.services.adaptations import door_times
from mediation.appointments.services.message_texts import agenda_text, reminder_text, sms_agenda_text, sms_text
from mediation.cases.contact import EMAIL, SMS, Route, route_for
from mediation.cases.models import Participant
from mediation.cases.queries import current_consents
from mediation.core import clock
from mediation.core.clock import local_parts
from mediation.outbox import queries as outbox_queries
from mediation.outbox import services as outbox
from mediation.outbox.models import OutboxMessage
from mediation.outbox.settings import clean_address, clean_msisdn
from mediation.sms_templates.codes import MessageKind

KIND_AGENDA = "staff_agenda"
KIND_PARTY = "party_reminder"
# The neutral convocation a party gets when an appointment is booked or moved (docs/domain.md, DOM161),
# queued by convocations.py; checked again before sending by the same rules as a reminder.
KIND_CONVOCATION = "party_convocation"
# The staff agenda by SMS, for a staff member who chose SMS in their account (DOM164).
KIND_AGENDA_SMS = "staff_agenda_sms"


@dataclass
class QueueCounts:
    agendas: int = 0
    reminders: int = 0
    # Invited parties left without a reminder because no channel is allowed (a count, nothing else).
    not_contacted: int = 0


# Who may be written to


def party_route(participant: Participant, consents: dict) -> Route | None:
    """The channel and address a reminder may go to, or None: every safe-contact rule must allow it."""
    return route_for(participant, consents)


def staff_route(user: StaffUser) -> Route | None:
    """Where a staff member's agenda goes, by the channel they chose in their account (DOM164), or None."""
    if not user.active or user.agenda_channel is AgendaChannel.NONE:
        return None
    if user.agenda_channel is AgendaChannel.SMS:
        number = clean_msisdn(user.mobile)
        return Route(SMS, number) if number is not None else None
    address = clean_address(user.email)
    return Route(EMAIL, address) if address is not None else None


# Reminders of the features above (docs/domain.md, DOM129): a feature whose meetings hold appointments
# registers how it queues its own reminders among tomorrow's appointments, and how its messages are checked
# again before sending. The appointments never import it (floors point down).

OtherQueuer = Callable[[Session, list[Appointment], datetime], int]
OtherCheck = Callable[[Session, OutboxMessage, datetime], bool]
_OTHER_QUEUERS: dict[str, OtherQueuer] = {}
_OTHER_CHECKS: dict[str, OtherCheck] = {}


def register_reminders(kind: str, queue: OtherQueuer, check: OtherCheck) -> None:
    """Queue `kind` messages with `queue` after the parties' reminders; check them with `check` (idempotent)."""
    _OTHER_QUEUERS[kind] = queue
    _OTHER_CHECKS[kind] = check


# Which appointments


def reminder_day(now: datetime) -> date:
    """Tomorrow in the service's time zone."""
    return local_parts(now)[0] + timedelta(days=1)


def arrival(appointment: Appointment, row: AppointmentParty) -> datetime:
    """When this party is expected: their own arrival when staggered (DOM68), else the start."""
    return row.arrives_at if row.arrives_at is not None else appointment.start_utc


# Keys: one message per recipient and content, so a second run queues nothing


AGENDA_PREFIXES = {EMAIL: "agenda", SMS: "agenda-sms"}


def _agenda_prefix(user: StaffUser, day: date, channel: str = EMAIL) -> str:
    return f"{AGENDA_PREFIXES[channel]}:{user.public_id}:{day.isoformat()}:"


def agenda_key(user: StaffUser, day: date, items: list[Appointment], channel: str = EMAIL) -> str:
    """Changes when the day's agenda changes (then an updated agenda is sent); holds no content."""
    fingerprint = "|".join(
        f"{a.public_id}@{a.start_utc.isoformat()}@{a.end_utc.isoformat()}@{a.mode}@{a.room_id}@{a.session_type}"
        + "".join(f"@{arrives.isoformat()}-{leaves.isoformat()}" for arrives, leaves in door_times(a))
        for a in items)
    return _agenda_prefix(user, day, channel) + hashlib.sha256(fingerprint.encode()).hexdigest()[:16]


def appointment_ref(appointment: Appointment) -> str:
    """The outbox's `about` of a message on this appointment (its timeline reads it; DOM145)."""
    return f"appointment:{appointment.id}"


def party_key(appointment: Appointment, row: AppointmentParty) -> str:
    """A moved appointment, or a moved arrival of this party, gets a new reminder; the same one never gets two."""
    return f"party:{appointment.public_id}:{row.participant.public_id}:{arrival(appointment, row).isoformat()}"


def convocation_key(appointment: Appointment, row: AppointmentParty) -> str:
    """As `party_key`: a moved appointment gets a new convocation, the same time never two (DOM162)."""
    return f"convocation:{appointment.public_id}:{row.participant.public_id}:{arrival(appointment, row).isoformat()}"


def _convoked_today(session: Session, items: list[Appointment], now: datetime) -> set[str]:
    """The convocation keys of these appointments' parties queued since local midnight and not given up:
    the day-before reminder would repeat them within hours, so it is not queued (DOM162). One query."""
    keys = [convocation_key(appointment, row) for appointment in items for row in appointment.parties]
    if not keys:
        return set()
    today = local_parts(now)[0]
    rows = session.execute(select(OutboxMessage.dedupe_key, OutboxMessage.created_at).where(
        OutboxMessage.dedupe_key.in_(keys), OutboxMessage.status != outbox.FAILED))
    return {key for key, created in rows if local_parts(created)[0] >= today}


# What was sent (the appointment's page and the case page; DOM145)


@dataclass(frozen=True)
class SentMessage:
    """One message about an appointment as staff see it: to which party (None: a staff agenda), how, status."""

    participant_public_id: str | None
    channel: str
    status: str
    queued_at: datetime
    sent_at: datetime | None
    kind: str = KIND_PARTY


# The messages to parties shown beside an appointment and on the case's timeline (DOM145, DOM167).
PARTY_KINDS = (KIND_PARTY, KIND_CONVOCATION)


def messages_about(session: Session, appointments: list[Appointment]) -> dict[int, list[SentMessage]]:
    """Party reminders and convocations per appointment id, oldest first."""
    by_ref = {appointment_ref(appointment): appointment.id for appointment in appointments}
    shown: dict[int, list[SentMessage]] = defaultdict(list)
    for row in outbox_queries.messages_about(session, list(by_ref)):
        if row["kind"] not in PARTY_KINDS:
            continue
        participant = row["key"].split(":", 3)[2] if row["key"].count(":") >= 3 else None
        shown[by_ref[row["about"]]].append(SentMessage(participant, row["channel"], row["status"], row["queued_at"],
                                                       row["sent_at"], row["kind"]))
    return shown


# Queueing


def queue_reminders(session: Session, *, now: datetime | None = None) -> QueueCounts:
    """Queue tomorrow's agendas and party reminders once each; flushes, never commits."""
    now = now or clock.now()
    day = reminder_day(now)
    items = appointments_on(session, day)
    counts = QueueCounts()
    by_user: dict[int, list[Appointment]] = defaultdict(list)
    users: dict[int, StaffUser] = {}
    for appointment in items:
        for row in appointment.staff:
            by_user[row.user_id].append(appointment)
            users[row.user_id] = row.user
    # Always the same order: two concurrent runs insert the same keys in the same sequence.
    for user_id in sorted(by_user):
        user = users[user_id]
        route = staff_route(user)
        if route is None:
            continue
        key = agenda_key(user, day, by_user[user_id], route.channel)
        updated = session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.dedupe_key.startswith(_agenda_prefix(user, day, route.channel), autoescape=True),
            OutboxMessage.dedupe_key != key, OutboxMessage.status == outbox.SENT).limit(1)) is not None
        if route.channel == SMS:
            kind, subject = KIND_AGENDA_SMS, ""
            language, body = sms_agenda_text(user, day, by_user[user_id], updated=updated)
        else:
            kind = KIND_AGENDA
            language, subject, body = agenda_text(user, day, by_user[user_id], updated=updated)
        if outbox.queue(session, kind=kind, dedupe_key=key, recipient=route.address, subject=subject, body=body,
                        language=language, association_id=user.association_id, now=now, channel=route.channel):
            counts.agendas += 1

    participant_ids = {row.participant_id for appointment in items for row in appointment.parties}
    consents = current_consents(session, participant_ids)
    association_ids = {appointment.association_id for appointment in items}
    associations = {a.id: a for a in session.scalars(select(Association).where(Association.id.in_(association_ids)))}
    convoked = _convoked_today(session, items, now)
    for appointment in items:
        for party in sorted(appointment.parties, key=lambda r: r.participant_id):
            participant = party.participant
            route = party_route(participant, consents)
            if route is None:
                counts.not_contacted += 1
                continue
            if convocation_key(appointment, party) in convoked:
                continue
            association = associations.get(appointment.association_id)
            if route.channel == SMS:
                language, body = sms_text(session, MessageKind.APPOINTMENT_REMINDER, participant.person,
                                          appointment, association, arrival(appointment, party))
                subject = ""
            else:
                language, subject, body = reminder_text(participant, appointment, association,
                                                        arrival(appointment, party))
            # One key per party and arrival whatever the channel: a party is never reminded twice.
            if outbox.queue(session, kind=KIND_PARTY, dedupe_key=party_key(appointment, party),
                            recipient=route.address, subject=subject, body=body, language=language,
                            association_id=appointment.association_id, now=now, channel=route.channel,
                            about=appointment_ref(appointment)):
                counts.reminders += 1
    for kind in sorted(_OTHER_QUEUERS):
        counts.reminders += _OTHER_QUEUERS[kind](session, items, now)
    return counts


# Checked again at sending time


def still_wanted(session: Session, message: OutboxMessage, now: datetime) -> bool:
    """Whether a queued reminder may still go out, by the rules that queued it, read again now."""
    try:
        if message.kind in PARTY_KINDS:
            return _party_still_wanted(session, message, now)
        if message.kind in (KIND_AGENDA, KIND_AGENDA_SMS):
            return _agenda_still_wanted(session, message, now)
        if message.kind in _OTHER_CHECKS:
            return _OTHER_CHECKS[message.kind](session, message, now)
    except ValueError:  # a key this module did not write: do not guess
        return False
    return True


def _party_still_wanted(session: Session, message: OutboxMessage, now: datetime) -> bool:
    _prefix, appointment_id, participant_id, start = message.dedupe_key.split(":", 3)
    appointment = session.scalar(select(Appointment).where(Appointment.public_id == uuid.UUID(appointment_id)))
    if appointment is None or appointment.status not in OPEN or appointment.start_utc <= now:
        return False
    row = next((row for row in appointment.parties if row.participant.public_id == uuid.UUID(participant_id)), None)
    if row is None or arrival(appointment, row).isoformat() != start:
        return False
    consents = current_consents(session, [row.participant_id])
    route = party_route(row.participant, consents)
    # The profile may have changed since: the same channel and address, or nothing (DOM142).
    return route is not None and route.channel == message.channel and route.address == message.recipient


def _agenda_still_wanted(session: Session, message: OutboxMessage, now: datetime) -> bool:
    _prefix, user_id, day_text, _fingerprint = message.dedupe_key.split(":", 3)
    day = date.fromisoformat(day_text)
    if day < local_parts(now)[0]:
        return False
    user = session.scalar(select(StaffUser).where(StaffUser.public_id == uuid.UUID(user_id)))
    route = staff_route(user) if user is not None else None
    # The channel or the address the staff member chose since: the same, or nothing (DOM164).
    if user is None or route is None or route.channel != message.channel or route.address != message.recipient:
        return False
    # Superseded by a newer agenda (or nothing left that day): only the current one goes out.
    items = [a for a in appointments_on(session, day) if user.id in a.staff_ids]
    return bool(items) and agenda_key(user, day, items, route.channel) == message.dedupe_key
