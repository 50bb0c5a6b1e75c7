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

from flask_babel import force_locale, format_date, format_datetime
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import Association
from mediation.appointments.codes import OPEN, SessionMode
from mediation.appointments.models import Appointment
from mediation.appointments.services import reminders as appointment_reminders
from mediation.cases.codes import PreferredLanguage
from mediation.cases.contact import EMAIL, SMS, Route, first_route, profile_of
from mediation.core.clock import local_parts
from mediation.core.i18n import FORMAT_LOCALES
from mediation.groups.models import Enrolment, GroupParticipant, GroupSession, ParentingGroup
from mediation.outbox import services as outbox
from mediation.outbox.models import OutboxMessage
from mediation.outbox.settings import clean_address
from mediation.sms_templates.codes import MessageKind
from mediation.sms_templates.render import render_sms

KIND = "group_reminder"
TIME_PATTERN = "HH:mm"


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


def _sms_text(session: Session, participant: GroupParticipant, appointment: Appointment,
              association: Association | None) -> tuple[str, str]:
    """(language, text) of the SMS: the person's language, the service named only as their profile allows."""
    person = participant.person
    assert person is not None  # an SMS goes only to a person known from a case (participant_route)
    named = profile_of(person).name_service

    def place(language: str) -> str:
        if appointment.mode is SessionMode.IN_PERSON and appointment.room is not None:
            if named:
                point = appointment.room.service_point
                return _("%(room)s, %(service_point)s", room=appointment.room.name,
                         service_point=point.name_ar if language == "ar" else point.name_fr)
            return appointment.room.name
        return str(appointment.mode.label)

    spoken = person.preferred_language
    return render_sms(session, association, MessageKind.GROUP_REMINDER, spoken.value if spoken is not None else None,
                      at=appointment.start_utc, place=place, name_service=named)


def _text(group: ParentingGroup, appointment: Appointment, association: Association | None) -> tuple[str, str, str]:
    language = "fr" if group.language is PreferredLanguage.FR else "ar"
    with force_locale(FORMAT_LOCALES[language]):
        subject = _("Appointment reminder")
        lines = [_("Hello,"), "",
                 _("This is a reminder of your appointment on %(date)s at %(time)s.",
                   date=format_date(local_parts(appointment.start_utc)[0], "full"),
                   time=format_datetime(appointment.start_utc, TIME_PATTERN))]
        phone = (association.phone or "").strip() if association is not None else ""
        if phone:
            lines.append(_("To change it, please call %(phone)s.", phone=phone))
        lines += ["", _("This message was sent automatically. Please do not reply to it.")]
    return language, subject, "\n".join(lines) + "\n"


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
                language, body = _sms_text(session, enrolment.participant, appointment, association)
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
