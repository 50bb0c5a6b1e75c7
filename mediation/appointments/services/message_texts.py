"""The words of the messages about appointments: staff agendas, and neutral reminders and convocations to
parties (docs/domain.md, DOM47, DOM144, DOM164); reminders.py and convocations.py decide who gets which.

A party's e-mail holds a greeting, the date and time and the association's phone; an SMS the association's
text for the party's language (sms_templates) with the date, the time and the place, naming the service only
where the person's contact profile allows it. Neither holds a case subject or reference, another person's
name or a word saying what the service is about: the phone or mailbox may be read by the person the party is
protected from. A staff agenda lists times, case references and places, never a party's name.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale, format_date, format_datetime
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mediation.accounts.models import Association, StaffUser
from mediation.appointments.codes import SessionMode
from mediation.appointments.models import Appointment
from mediation.appointments.services.adaptations import door_times
from mediation.cases.codes import PreferredLanguage, SessionType
from mediation.cases.contact import profile_of
from mediation.cases.models import Participant, Person
from mediation.core.clock import local_parts
from mediation.core.i18n import FORMAT_LOCALES, normalise
from mediation.sms_templates.codes import MessageKind
from mediation.sms_templates.render import render_sms

# Parties read French or Arabic; Darija and Amazigh speakers get the Arabic text.
FRENCH_SPEAKERS = frozenset({PreferredLanguage.FR})
TIME_PATTERN = "HH:mm"


def party_language(participant: Participant) -> str:
    return "fr" if participant.person.preferred_language in FRENCH_SPEAKERS else "ar"


def staff_language(user: StaffUser) -> str:
    return normalise(user.locale) or current_app.config.get("DEFAULT_LOCALE", "ar")


def place_of(appointment: Appointment, language: str) -> str:
    """The room and service point of an appointment in person; "By phone" / "Video", never the link itself."""
    if appointment.mode is SessionMode.IN_PERSON and appointment.room is not None:
        point = appointment.room.service_point
        point_name = point.name_ar if language == "ar" else point.name_fr
        return _("%(room)s, %(service_point)s", room=appointment.room.name, service_point=point_name)
    return str(appointment.mode.label)


def _what(appointment: Appointment) -> str:
    """A case reference, or the kind of a meeting without a case (DOM122): never a name."""
    if appointment.case is not None:
        return appointment.case.reference
    return _("Group session") if appointment.session_type is SessionType.POSITIVE_PARENTING else _("Intake meeting")


# Staff agendas


def agenda_text(user: StaffUser, day: date, items: list[Appointment], *, updated: bool) -> tuple[str, str, str]:
    """(language, subject, body) of a staff member's agenda for one day."""
    language = staff_language(user)
    with force_locale(FORMAT_LOCALES[language]):
        day_text = format_date(day, "full")
        if updated:
            subject = _("Updated: your appointments on %(date)s", date=day_text)
        else:
            subject = _("Your appointments on %(date)s", date=day_text)
        lines = [_("Your appointments on %(date)s:", date=day_text), ""]
        for appointment in items:
            # Translators: one line of a staff member's agenda e-mail, e.g. "10:00 to 11:00: RBT-01-2026-00001,
            # Joint mediation, Room 2, Espace Rabat". `what` is a case reference or "Intake meeting".
            lines.append(_("%(start)s to %(end)s: %(what)s, %(type)s, %(place)s",
                           start=format_datetime(appointment.start_utc, TIME_PATTERN),
                           end=format_datetime(appointment.end_utc, TIME_PATTERN), what=_what(appointment),
                           type=str(appointment.session_type.label), place=place_of(appointment, language)))
            lines += ["  " + party_times_line(number, arrives, leaves)
                      for number, (arrives, leaves) in enumerate(door_times(appointment), start=1)]
        lines += ["", _("Open the application for the details."),
                  _("This message was sent automatically. Please do not reply to it.")]
    return language, subject, "\n".join(lines) + "\n"


def sms_agenda_text(user: StaffUser, day: date, items: list[Appointment], *, updated: bool) -> tuple[str, str]:
    """(language, text) of a staff member's agenda by SMS (DOM164): per appointment its time, case reference
    (or "Group session", "Intake meeting") and place; never a party's name, a label, a link or a note.
    The outbox sends a long one in parts."""
    language = staff_language(user)
    with force_locale(FORMAT_LOCALES[language]):
        day_text = format_date(day, "EEE d MMM")
        # Translators: the first line of a staff member's agenda by SMS, e.g. "Agenda lun. 14 déc.:".
        lines = [_("Updated agenda %(date)s:", date=day_text) if updated else _("Agenda %(date)s:", date=day_text)]
        for appointment in items:
            # Translators: one line of a staff member's agenda by SMS, e.g. "10:00 RBT-01-2026-00001, Salle 1,
            # Espace Rabat". `what` is a case reference, "Group session" or "Intake meeting".
            lines.append(_("%(start)s %(what)s, %(place)s", start=format_datetime(appointment.start_utc, TIME_PATTERN),
                           what=_what(appointment), place=place_of(appointment, language)))
    return language, "\n".join(lines)


def party_times_line(number: int, arrives: datetime, leaves: datetime) -> str:
    """One party's own times, named only by their order of arrival (DOM68); in the current locale."""
    # Translators: in a staff agenda or a calendar event, e.g. "Party 1: arrives at 14:00, leaves at 16:00".
    # Parties are never named there: "Party 1" is the first to arrive.
    return _("Party %(number)s: arrives at %(arrives)s, leaves at %(leaves)s", number=number,
             arrives=format_datetime(arrives, TIME_PATTERN), leaves=format_datetime(leaves, TIME_PATTERN))


# Parties: e-mail


def reminder_words(day: str, time: str) -> tuple[str, str]:
    """The subject and sentence of a reminder e-mail, for `neutral_email`."""
    # Translators: an e-mail to a family member that someone else may read: keep it neutral,
    # with no word about mediation, family, conflict or the association's purpose.
    return _("Appointment reminder"), _("This is a reminder of your appointment on %(date)s at %(time)s.",
                                        date=day, time=time)


def neutral_email(language: str, association: Association | None, arrives: datetime,
                  words: Callable[[str, str], tuple[str, str]]) -> tuple[str, str, str]:
    """(language, subject, body) of a neutral e-mail about one appointment: a greeting, the sentence
    `words(date, time)` gives with its subject, the association's phone, and nothing else."""
    with force_locale(FORMAT_LOCALES[language]):
        subject, sentence = words(format_date(local_parts(arrives)[0], "full"), format_datetime(arrives, TIME_PATTERN))
        lines = [_("Hello,"), "", sentence]
        phone = (association.phone or "").strip() if association is not None else ""
        if phone:
            lines.append(_("To change it, please call %(phone)s.", phone=phone))
        lines += ["", _("This message was sent automatically. Please do not reply to it.")]
    return language, subject, "\n".join(lines) + "\n"


def reminder_text(participant: Participant, appointment: Appointment,
                  association: Association | None, arrives: datetime | None = None) -> tuple[str, str, str]:
    """(language, subject, body) of a party's reminder: date, time and a number to call, nothing else.

    The time is the party's own arrival (`arrives`) when the parties are staggered: never another's."""
    return neutral_email(party_language(participant), association, arrives or appointment.start_utc, reminder_words)


# Parties: SMS


def sms_text(session: Session, kind: MessageKind, person: Person, appointment: Appointment,
             association: Association | None, arrives: datetime | None = None) -> tuple[str, str]:
    """(language, text) of an SMS to a person about an appointment (a reminder, a convocation, a group session).

    The association's text for the person's language, else the built-in one (DOM146, DOM148), checked
    again now (DOM147); the service point and the association are named only when the person's contact
    profile allows it, otherwise the place is the room alone (DOM149)."""
    named = profile_of(person).name_service

    def place(language: str) -> str:
        if appointment.mode is SessionMode.IN_PERSON and appointment.room is not None and not named:
            return appointment.room.name
        return place_of(appointment, language)

    spoken = person.preferred_language
    return render_sms(session, association, kind, spoken.value if spoken is not None else None,
                      at=arrives or appointment.start_utc, place=place, name_service=named)
