"""Reminders by SMS under the safe-contact rules (docs/domain.md, DOM141-DOM144, DOM145), against a real
SMPP server on loopback and the appointments' reminder scene (tests/appointments/test_reminders.py):
mother (Arabic) at 10:00 and 14:00, father (French) at 14:00, both with `contact` consent given.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from mediation.appointments.models import Appointment
from mediation.appointments.services import reminders
from mediation.cases.codes import Issue, NoteVisibility, ViolenceLevel
from mediation.cases.contact import CHANNEL_CHOICES, ContactProfile, dump
from mediation.cases.models import Case, Note, NoteVersion, Participant
from mediation.cases.models.safety import Screening, ScreeningResult
from mediation.core.i18n import FORMAT_LOCALES
from mediation.extensions import db
from mediation.outbox import queries as outbox_queries
from mediation.outbox import services as outbox
from mediation.outbox import sms
from mediation.outbox.models import OutboxMessage
from mediation.sms_templates.rules import reveals
from tests.appointments.fixtures import staff
from tests.appointments.test_reminders import (  # noqa: F401 - fixtures
    FATHER,
    MOTHER,
    SENSITIVE_WORDS,
    Handler,
    Scene,
    run,
    scene,
    settings_for,
    smtp,
)

pytestmark = pytest.mark.usefixtures("any_hour")

FATHER_MOBILE, FATHER_MSISDN = "06 11 22 33 44", "212611223344"
MOTHER_MOBILE, MOTHER_MSISDN = "+212 7 00 11 22 33", "212700112233"
MARKERS = ("MARKER-NAME-7Q", "MARKER-SUMMARY-8R", "MARKER-NOTE-9S", "MARKER-SCREEN-0T", "MARKER-SAFE-1U")


def set_profile(app, participant_id: int, choice: str, *, number: str | None = None, phone: str | None = None,
                name_service: bool = False) -> None:
    with app.app_context():
        person = db.session.get(Participant, participant_id).person
        if phone is not None:
            person.phone = phone
        person.contact_profile = dump(ContactProfile(channels=CHANNEL_CHOICES[choice], sms_number=number,
                                                     name_service=name_service, recorded=True))
        db.session.commit()


def send_all(app, smtp_handler: Handler, gateway, now, *, queue: bool = True) -> sms.SmsCounts:
    """One cron run: queue, send the e-mails, then the SMS."""
    run(app, smtp_handler, now, queue=queue)
    with app.app_context():
        return sms.deliver_sms(db.session, settings=gateway.settings(), now=now, still_wanted=reminders.still_wanted)


def to(gateway, msisdn: str) -> list[dict]:
    """The whole messages a number received: parts joined by their concatenation reference, in order."""
    whole: dict[object, dict] = {}
    for index, pdu in enumerate(gateway.accepted()):
        if pdu["destination_addr"] != msisdn:
            continue
        key = bytes.fromhex(pdu["udh"][0])[2] if pdu["udh"] else ("single", index)
        if key in whole:
            whole[key]["text"] += pdu["text"]
        else:
            whole[key] = dict(pdu)
    return list(whole.values())


def party_messages(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(row.channel, row.recipient) for row in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == reminders.KIND_PARTY))]


def test_a_party_who_allows_sms_receives_a_neutral_sms_in_their_language(app, scene: Scene, smtp, smpp_gateway):
    gateway = smpp_gateway()
    set_profile(app, scene.father, "sms_email", phone=FATHER_MOBILE)
    set_profile(app, scene.mother, "sms", number=MOTHER_MOBILE)
    counts = send_all(app, smtp, gateway, scene.now)
    assert counts.sent == 3
    assert smtp.to(FATHER) == [] and smtp.to(MOTHER) == []  # SMS first: no e-mail besides
    [father] = to(gateway, FATHER_MSISDN)
    mother = to(gateway, MOTHER_MSISDN)
    assert len(mother) == 2
    assert father["data_coding"] in (0, 8) and "14:00" in father["text"] and "Rappel" in father["text"]
    assert all(pdu["data_coding"] == 8 for pdu in mother)  # Arabic: UCS-2
    assert any("10:00" in pdu["text"] for pdu in mother) and any("14:00" in pdu["text"] for pdu in mother)
    assert all("تذكير" in pdu["text"] for pdu in mother)
    for pdu in gateway.submits():
        for word in SENSITIVE_WORDS:
            assert word.lower() not in pdu["text"].lower(), word
    # The place is the room alone: the profile does not allow naming the service.
    with app.app_context():
        assert all("Espace" not in pdu["text"] for pdu in gateway.submits())
        assert outbox_queries.channel_status_counts(db.session)["sms"]["sent"] == 3
    # Each fits in one SMS (70 UCS-2 characters for Arabic); a second run sends nothing more.
    assert len(gateway.submits()) == 3
    again = send_all(app, smtp, gateway, scene.now + timedelta(minutes=10))
    assert again.sent == 0 and len(gateway.submits()) == 3


def test_a_profile_that_forbids_sms_sends_no_sms_whatever_the_consent(app, scene: Scene, smtp, smpp_gateway):
    gateway = smpp_gateway()
    set_profile(app, scene.father, "email", phone=FATHER_MOBILE, number=FATHER_MOBILE)
    set_profile(app, scene.mother, "none", phone=MOTHER_MOBILE)
    send_all(app, smtp, gateway, scene.now)
    send_all(app, smtp, gateway, scene.now + timedelta(hours=2))
    assert gateway.submits() == []
    assert len(smtp.to(FATHER)) == 1  # by e-mail, the channel his profile allows
    assert smtp.to(MOTHER) == []
    assert all(channel == outbox.EMAIL and recipient == FATHER for channel, recipient in party_messages(app))


def test_calls_only_gets_nothing_automatic(app, scene: Scene, smtp, smpp_gateway):
    gateway = smpp_gateway()
    for participant_id, phone in ((scene.father, FATHER_MOBILE), (scene.mother, MOTHER_MOBILE)):
        set_profile(app, participant_id, "call", phone=phone, number=phone)
    with app.app_context():
        counts = reminders.queue_reminders(db.session, now=scene.now)
        db.session.commit()
    assert counts.reminders == 0 and counts.not_contacted >= 3
    send_all(app, smtp, gateway, scene.now, queue=False)
    assert gateway.submits() == [] and smtp.to(FATHER) == smtp.to(MOTHER) == []
    assert party_messages(app) == []


def test_no_mobile_number_falls_back_to_the_next_channel_of_the_profile(app, scene: Scene, smtp, smpp_gateway):
    gateway = smpp_gateway()
    set_profile(app, scene.father, "sms_email", phone="0522 00 11 22")  # a landline: no SMS
    send_all(app, smtp, gateway, scene.now)
    assert to(gateway, "212522001122") == [] and len(smtp.to(FATHER)) == 1


def test_rules_are_read_again_when_sending(app, scene: Scene, smtp, smpp_gateway):
    gateway = smpp_gateway()
    set_profile(app, scene.father, "sms", phone=FATHER_MOBILE)
    set_profile(app, scene.mother, "sms", number=MOTHER_MOBILE)
    with app.app_context():
        reminders.queue_reminders(db.session, now=scene.now)
        db.session.commit()
    # Since queueing: the father now wants calls only, the mother's SMS number changed.
    set_profile(app, scene.father, "call", phone=FATHER_MOBILE)
    set_profile(app, scene.mother, "sms", number="0699887766")
    with app.app_context():
        counts = sms.deliver_sms(db.session, settings=gateway.settings(), now=scene.now,
                                 still_wanted=reminders.still_wanted)
    assert (counts.sent, counts.withdrawn) == (0, 3)
    assert gateway.submits() == []


def test_marker_strings_about_the_family_never_appear_in_any_pdu(app, scene: Scene, smtp, smpp_gateway):
    gateway = smpp_gateway()
    set_profile(app, scene.father, "sms", phone=FATHER_MOBILE, name_service=True)
    set_profile(app, scene.mother, "sms", number=MOTHER_MOBILE, name_service=True)
    with app.app_context():
        a1 = staff("mediator.a1")
        mother = db.session.get(Participant, scene.mother)
        father = db.session.get(Participant, scene.father)
        case = db.session.get(Case, mother.case_id)
        mother.person.full_name = f"فاطمة {MARKERS[0]}"
        father.person.full_name = f"Youssef {MARKERS[0]}"
        mother.person.safe_contact_instructions = MARKERS[4]
        case.request_summary = MARKERS[1]
        note = Note(case_id=case.id, author_id=a1.id, visibility=NoteVisibility.JOINT)
        note.versions.append(NoteVersion(number=1, body=MARKERS[2], edited_by_id=a1.id))
        db.session.add(note)
        for participant in (mother, father):
            db.session.add(Screening(participant_id=participant.id, screened_by_id=a1.id, screened_on=date(2026, 11, 2),
                                     violence=ViolenceLevel.NONE, notes=MARKERS[3],
                                     result=ScreeningResult.NEGATIVE))
        issues = [issue for issue in Issue]
        db.session.commit()
    send_all(app, smtp, gateway, scene.now)
    pdus = gateway.submits()
    assert len(to(gateway, FATHER_MSISDN)) == 1 and len(to(gateway, MOTHER_MSISDN)) == 2
    raw = gateway.record.read_text(encoding="utf-8")
    decoded = json.dumps(pdus, ensure_ascii=False)
    for marker in MARKERS:
        assert marker not in raw and marker not in decoded
    with app.app_context():
        for language in ("fr", "ar"):
            with force_locale(FORMAT_LOCALES[language]):
                for issue in issues:
                    assert str(issue.label) not in decoded


def test_the_status_command_counts_by_channel_and_send_uses_the_gateway(app, scene: Scene, smtp, smpp_gateway,
                                                                        monkeypatch):
    gateway = smpp_gateway("--receipts")
    set_profile(app, scene.father, "sms", phone=FATHER_MOBILE)
    for name, value in (("MAIL_SERVER", "127.0.0.1"), ("MAIL_PORT", smtp.port),
                        ("MAIL_DEFAULT_SENDER", "rendez-vous@service.example.org"), ("SMPP_HOST", "127.0.0.1"),
                        ("SMPP_PORT", gateway.port), ("SMPP_SYSTEM_ID", "mediation"), ("SMPP_PASSWORD", "secret"),
                        ("SMPP_SOURCE_ADDR", "RDV"), ("SMPP_RECEIPT_WAIT", "0.5")):
        monkeypatch.setitem(app.config, name, value)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reminders", "send", "--now", scene.now.isoformat()])
    assert result.exit_code == 0, result.output
    assert "e-mail sent: 4" in result.output and "sms sent: 1" in result.output and "receipts: 1" in result.output
    assert FATHER_MSISDN not in result.output and "@" not in result.output
    status = runner.invoke(args=["reminders", "status"])
    assert status.exit_code == 0
    assert "sms: pending 0, sending 0, sent 1, failed 0, delivered 1" in status.output
    assert "email: pending 0, sending 0, sent 4, failed 0, delivered 0" in status.output
    assert len(to(gateway, FATHER_MSISDN)) == 1


def test_the_appointment_and_the_case_page_show_what_was_sent(app, scene: Scene, smtp, smpp_gateway, login_as,
                                                              world):
    gateway = smpp_gateway("--receipts")
    set_profile(app, scene.father, "sms", phone=FATHER_MOBILE)
    send_all(app, smtp, gateway, scene.now)
    client = login_as("mediator_a1")
    body = client.get(f"/appointments/{scene.meeting}?lang=en").get_data(as_text=True)
    assert "Messages sent to the parties" in body
    assert 'data-channel="sms" data-status="delivered"' in body  # the father's, with its receipt
    assert 'data-channel="email" data-status="sent"' in body  # the mother's
    case_page = client.get(f"/cases/{world.cases.own}?lang=fr").get_data(as_text=True)
    assert 'data-channel="sms" data-status="delivered"' in case_page and "Remis" in case_page
    assert FATHER_MSISDN not in body + case_page and FATHER_MOBILE not in body


def test_a_room_whose_name_says_what_the_service_is_about_is_left_out(app, scene: Scene, smtp, smpp_gateway):
    gateway = smpp_gateway()
    set_profile(app, scene.father, "sms", phone=FATHER_MOBILE)
    with app.app_context():
        appointment = db.session.scalar(select(Appointment).where(Appointment.public_id == uuid.UUID(scene.meeting)))
        appointment.room.name = "Salle de médiation familiale"
        db.session.commit()
    send_all(app, smtp, gateway, scene.now)
    [father] = to(gateway, FATHER_MSISDN)
    assert "médiation" not in father["text"] and "lieu habituel" in father["text"]
    assert reveals("Salle de MÉDIATION") and not reveals("Salle 2")
