"""The neutral convocation a party gets when an appointment is booked or moved (docs/domain.md, DOM161-DOM163).

Queued in the booking's own transaction, to each invited party whom every safe-contact rule allows
(the reminders' `route_for`: an active adult, contact allowed, `contact` consent given, the first
channel of the profile with an address), with the date, the time and the place in the same words as
the day-before reminder, and nothing else. Never for an appointment starting less than
CONVOCATION_MIN_NOTICE after the booking: the staff member booking it tells the party directly.
A convocation queued on the day of the reminders' run takes the reminder's place (reminders.py,
`_convoked_today`). The key holds the party's arrival: a moved appointment gets one new convocation,
the same time never two; a cancelled or moved one's convocation not yet sent is withdrawn by
`reminders.still_wanted`.

Booking never fails because of a message: a party whose convocation cannot be queued is left out
(the savepoint keeps the booking's transaction whole), and the error's class alone is logged.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mediation.accounts.models import Association
from mediation.appointments.codes import OPEN
from mediation.appointments.models import Appointment
from mediation.appointments.services.message_texts import neutral_email, party_language, sms_text
from mediation.appointments.services.reminders import (
    KIND_CONVOCATION,
    appointment_ref,
    arrival,
    convocation_key,
    party_route,
)
from mediation.cases.contact import SMS
from mediation.cases.models import Participant
from mediation.cases.queries import current_consents
from mediation.core import clock
from mediation.outbox import services as outbox
from mediation.sms_templates.codes import MessageKind

logger = logging.getLogger(__name__)

# Closer than this, no convocation: the person booking it tells the party (DOM161).
CONVOCATION_MIN_NOTICE = timedelta(hours=3)


# Texts: the reminder's shape, "Appointment" instead of "Reminder" (DOM163)


def convocation_words(day: str, time: str) -> tuple[str, str]:
    """The subject and sentence of a convocation e-mail, for `neutral_email`."""
    # Translators: an e-mail to a family member that someone else may read: keep it neutral,
    # with no word about mediation, family, conflict or the association's purpose.
    return _("Your appointment"), _("An appointment has been set for you on %(date)s at %(time)s.",
                                    date=day, time=time)


def convocation_text(participant: Participant, appointment: Appointment, association: Association | None,
                     arrives: datetime | None = None) -> tuple[str, str, str]:
    """(language, subject, body) of a party's e-mail convocation: date, time, a number to call, nothing else."""
    return neutral_email(party_language(participant), association, arrives or appointment.start_utc,
                         convocation_words)


def sms_convocation_text(session: Session, participant: Participant, appointment: Appointment,
                         association: Association | None, arrives: datetime | None = None) -> tuple[str, str]:
    """(language, text) of a party's SMS convocation: date, time, place and a number to call (DOM144, DOM163),
    in the association's convocation text or the built-in one (DOM146)."""
    return sms_text(session, MessageKind.CONVOCATION, participant.person, appointment, association, arrives)


# Queueing


def queue_convocations(session: Session, appointment: Appointment, *, now: datetime | None = None) -> int:
    """Queue a convocation to each invited party every rule allows; the number queued. Flushes, never
    commits, never raises: a message that cannot be queued is left out, the booking stands."""
    now = now or clock.now()
    if appointment.case_id is None or not appointment.parties or appointment.status not in OPEN:
        return 0
    try:
        consents = current_consents(session, [row.participant_id for row in appointment.parties])
        association = session.get(Association, appointment.association_id)
    except Exception as error:  # noqa: BLE001 - booking never fails because of a message (DOM161)
        logger.warning("convocations not queued: %s", type(error).__name__)
        return 0
    queued = 0
    for row in sorted(appointment.parties, key=lambda r: r.participant_id):
        arrives = arrival(appointment, row)
        if arrives - now < CONVOCATION_MIN_NOTICE:
            continue
        try:
            with session.begin_nested():
                participant = row.participant
                route = party_route(participant, consents)
                if route is None:
                    continue
                if route.channel == SMS:
                    language, body = sms_convocation_text(session, participant, appointment, association, arrives)
                    subject = ""
                else:
                    language, subject, body = convocation_text(participant, appointment, association, arrives)
                if outbox.queue(session, kind=KIND_CONVOCATION, dedupe_key=convocation_key(appointment, row),
                                recipient=route.address, subject=subject, body=body, language=language,
                                association_id=appointment.association_id, now=now, channel=route.channel,
                                about=appointment_ref(appointment)):
                    queued += 1
        except Exception as error:  # noqa: BLE001 - booking never fails because of a message (DOM161)
            logger.warning("a convocation was not queued: %s", type(error).__name__)
    return queued
