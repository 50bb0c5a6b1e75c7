"""Reminders of group sessions to their participants, through the outbox (docs/domain.md, DOM129).

Registered with the appointments' day-before run (`flask reminders send`): among tomorrow's appointments,
those held by a group session; for each enrolment still active whose participant agreed to be contacted
and has an e-mail address (for a person known from a case, their own contact profile must allow it too),
one neutral message: the date and time and the association's phone, the wording of the parties'
reminders, nothing about parenting, the group or anyone else. Checked again just before sending.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from flask_babel import force_locale, format_date, format_datetime
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import Association
from mediation.appointments.codes import OPEN
from mediation.appointments.models import Appointment
from mediation.appointments.services import reminders as appointment_reminders
from mediation.cases.codes import PreferredLanguage
from mediation.cases.contact import EMAIL, profile_of
from mediation.core.clock import local_parts
from mediation.core.i18n import FORMAT_LOCALES
from mediation.groups.models import Enrolment, GroupParticipant, GroupSession, ParentingGroup
from mediation.outbox import services as outbox
from mediation.outbox.models import OutboxMessage
from mediation.outbox.settings import clean_address

KIND = "group_reminder"
TIME_PATTERN = "HH:mm"


def participant_address(participant: GroupParticipant | None) -> str | None:
    """The address a reminder may go to, or None: consent, and the case person's own profile if linked."""
    if participant is None or not participant.consent_contact:
        return None
    if participant.person is not None:
        person = participant.person
        # Their contact profile lists the channels any automatic message may use (DOM142): a person who
        # asked for SMS only, calls only or no contact gets no e-mail about a group either.
        allowed = person.may_contact and person.anonymised_at is None and EMAIL in profile_of(person).channels
        return clean_address(person.email) if allowed else None
    return clean_address(participant.email)


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
            address = participant_address(enrolment.participant)
            if address is None:
                continue
            language, subject, body = _text(group, appointment, associations.get(group.association_id))
            if outbox.queue(session, kind=KIND, dedupe_key=_key(appointment, enrolment), recipient=address,
                            subject=subject, body=body, language=language, association_id=group.association_id,
                            now=now):
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
    return participant_address(enrolment.participant) == message.recipient


appointment_reminders.register_reminders(KIND, queue_group_reminders, group_reminder_still_wanted)
