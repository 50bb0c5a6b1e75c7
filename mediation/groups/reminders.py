"""Reminders of group sessions to their participants, through the outbox (docs/domain.md, DOM129).

Registered with the appointments' day-before run (`flask reminders send`): among tomorrow's appointments,
those held by a group session; for each enrolment still active whose participant agreed to be contacted
and has an address (for a person known from a case, by the first channel of their own contact profile
that has one: an SMS to their mobile, or an e-mail), one neutral message: the date and time and the
association's phone, the wording of the parties' reminders, nothing about parenting, the group or anyone
else. An SMS is the association's group-session text, or the built-in one (DOM146, DOM159). Checked
again just before sending.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import Association
from mediation.appointments.codes import OPEN
from mediation.appointments.models import Appointment
from mediation.appointments.services import reminders as appointment_reminders
from mediation.appointments.services.message_texts import neutral_email, reminder_words, sms_text
from mediation.cases.codes import PreferredLanguage
from mediation.cases.contact import EMAIL, SMS, Route, first_route
from mediation.groups.models import Enrolment, GroupParticipant, GroupSession, ParentingGroup
from mediation.outbox import services as outbox
from mediation.outbox.models import OutboxMessage
from mediation.outbox.settings import clean_address
from mediation.sms_templates.codes import MessageKind

KIND = "group_reminder"


def participant_route(participant: GroupParticipant | None) -> Route | None:
    """The channel and address a reminder may go to, or None (DOM142). A person known from a case: the first
    channel of their profile with an address, SMS to a mobile or e-mail; anyone else: their e-mail."""
    if participant is None or not participant.consent_contact:
        return None
    person = participant.person
    if person is None:
        address = clean_address(participant.email)
        return Route(EMAIL, address) if address is not None else None
    if not person.may_contact or person.anonymised_at is not None:
        return None
    return first_route(person)


def _text(group: ParentingGroup, appointment: Appointment, association: Association | None) -> tuple[str, str, str]:
    """(language, subject, body) of the e-mail: the parties' reminder, in the group's language."""
    language = "fr" if group.language is PreferredLanguage.FR else "ar"
    return neutral_email(language, association, appointment.start_utc, reminder_words)


def _key(appointment: Appointment, enrolment: Enrolment) -> str:
    return f"group:{appointment.public_id}:{enrolment.public_id}:{appointment.start_utc.isoformat()}"


def queue_group_reminders(session: Session, appointments: list[Appointment], now: datetime) -> int:
    """Queue tomorrow's group-session reminders once each; the number queued. Flushes, never commits."""
    by_id = {appointment.id: appointment for appointment in appointments}
    if not by_id:
        return 0
    rows = list(session.execute(
        select(GroupSession, ParentingGroup).join(ParentingGroup, ParentingGroup.id == GroupSession.group_id)
        .where(GroupSession.appointment_id.in_(list(by_id)), ParentingGroup.finished_on.is_(None),
               ParentingGroup.cancelled_on.is_(None))
        .order_by(GroupSession.id)).all())
    if not rows:
        return 0
    group_ids = {group.id for _session, group in rows}
    enrolments: dict[int, list[Enrolment]] = {}
    for enrolment in session.scalars(select(Enrolment).where(Enrolment.group_id.in_(group_ids),
                                                             Enrolment.dropped_out_on.is_(None))
                                     .order_by(Enrolment.id)):
        enrolments.setdefault(enrolment.group_id, []).append(enrolment)
    associations = {row.id: row for row in session.scalars(
        select(Association).where(Association.id.in_({group.association_id for _s, group in rows})))}
    queued = 0
    for group_session, group in rows:
        appointment = by_id[group_session.appointment_id]
        for enrolment in enrolments.get(group.id, []):
            route = participant_route(enrolment.participant)
            if route is None:
                continue
            association = associations.get(group.association_id)
            if route.channel == SMS:
                subject = ""
                person = enrolment.participant.person
                assert person is not None  # an SMS goes only to a person known from a case (participant_route)
                language, body = sms_text(session, MessageKind.GROUP_REMINDER, person, appointment, association)
            else:
                language, subject, body = _text(group, appointment, association)
            if outbox.queue(session, kind=KIND, dedupe_key=_key(appointment, enrolment), recipient=route.address,
                            subject=subject, body=body, language=language, association_id=group.association_id,
                            now=now, channel=route.channel):
                queued += 1
    return queued


def group_reminder_still_wanted(session: Session, message: OutboxMessage, now: datetime) -> bool:
    _prefix, appointment_id, enrolment_id, start = message.dedupe_key.split(":", 3)
    appointment = session.scalar(select(Appointment).where(Appointment.public_id == uuid.UUID(appointment_id)))
    if appointment is None or appointment.status not in OPEN or appointment.start_utc <= now:
        return False
    if appointment.start_utc.isoformat() != start:
        return False
    enrolment = session.scalar(select(Enrolment).where(Enrolment.public_id == uuid.UUID(enrolment_id)))
    if enrolment is None or enrolment.dropped_out_on is not None:
        return False
    # The profile may have changed since: the same channel and address, or nothing (DOM142).
    route = participant_route(enrolment.participant)
    return route is not None and route.channel == message.channel and route.address == message.recipient


appointment_reminders.register_reminders(KIND, queue_group_reminders, group_reminder_still_wanted)
