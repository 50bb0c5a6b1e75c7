"""The association's SMS texts (docs/domain.md, DOM146-DOM149; docs/security.md, S84-S86): the rules a text
is checked against, the pages of its supervisors, and the text a party receives, through a real SMPP server
on loopback and the appointments' reminder scene (tests/appointments/test_reminders.py): mother (Arabic)
at 10:00 and 14:00, father (French) at 14:00.
"""

from __future__ import annotations

import json
import uuid
from contextlib import contextmanager

import pytest
from flask_babel import force_locale
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from mediation.accounts.models import Association, StaffUser
from mediation.cases.codes import PreferredLanguage
from mediation.cases.models import Participant
from mediation.core.audit import AuditEvent
from mediation.core.errors import ValidationFailed
from mediation.extensions import db
from mediation.outbox import sms
from mediation.sms_templates import services
from mediation.sms_templates.codes import MessageKind, TemplateLanguage
from mediation.sms_templates.models import SmsTemplate
from mediation.sms_templates.rules import MAX_PARTS, check_text, fill, reveals
from tests.appointments.test_reminders import (  # noqa: F401 - fixtures
    PHONE,
    Scene,
    scene,
    smtp,
)
from tests.sms.test_sms_reminders import (
    FATHER_MOBILE,
    FATHER_MSISDN,
    MOTHER_MOBILE,
    MOTHER_MSISDN,
    send_all,
    set_profile,
    to,
)
from tests.strategies import fuzz, nasty_strings

# Values of one character each: a rendered length is the text's own plus a known amount.
ONE = {"date": "D", "time": "T", "place": "", "phone": "", "service": ""}
REMINDER, AR, FR = MessageKind.APPOINTMENT_REMINDER, TemplateLanguage.AR, TemplateLanguage.FR


@contextmanager
def english(app):
    with app.test_request_context(), force_locale("en"):
        yield


def save(app, language: TemplateLanguage, text: str, kind: MessageKind = REMINDER, *,
         association: str = "association_a", user: str = "supervisor.a") -> None:
    with app.app_context():
        actor = db.session.scalar(select(StaffUser).where(StaffUser.username == user))
        target = db.session.get(Association, actor.association_id)
        services.save_text(db.session, target, kind, language, text, actor=actor)
        db.session.commit()


def set_language(app, participant_id: int, language: PreferredLanguage) -> None:
    with app.app_context():
        db.session.get(Participant, participant_id).person.preferred_language = language
        db.session.commit()


def edit_url(world, key: str = "A", kind: str = "appointment_reminder", language: str = "ar") -> str:
    return f"/sms-texts/{world.association_public_ids[key]}/{kind}/{language}"


def template_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SmsTemplate))


# The rules of a text (DOM147)


@pytest.mark.parametrize(("filler", "units", "limit"), [("x", 160, 160), ("ب", 70, 70)])
def test_exactly_one_sms_is_one_part_and_one_more_character_is_a_warning(app, filler, units, limit):
    with english(app):
        fits = check_text("{date} {time} " + filler * (units - 4), ONE)
        assert fits.ok and fits.warnings == []
        assert (fits.length.units, fits.length.limit, fits.length.parts) == (units, limit, 1)
        over = check_text("{date} {time} " + filler * (units - 3), ONE)
        assert over.ok and over.length.parts == 2 and len(over.warnings) == 1


def test_an_extension_character_counts_two_gsm_septets(app):
    with english(app):
        report = check_text("{date} {time} €" + "x" * 154, ONE)  # 159 characters, 160 septets
        assert report.length.gsm and report.length.units == 160 and report.length.parts == 1
        assert check_text("{date} {time} €" + "x" * 155, ONE).length.parts == 2


@pytest.mark.parametrize(("filler", "single_part"), [("x", 153), ("ب", 67)])
def test_more_than_the_hard_maximum_of_parts_is_refused(app, filler, single_part):
    with english(app):
        longest = check_text("{date} {time} " + filler * (single_part * MAX_PARTS - 4), ONE)
        assert longest.ok and longest.length.parts == MAX_PARTS
        too_long = check_text("{date} {time} " + filler * (single_part * MAX_PARTS - 3), ONE)
        assert not too_long.ok and too_long.length.parts == MAX_PARTS + 1


@pytest.mark.parametrize("text", [
    "Rappel : médiation le {date} à {time}",
    "Rendez-vous {date} {time}, Espace FAMILLE",
    "تذكير بجلسة الوساطة {date} {time}",
    "موعد {date} {time} بخصوص العنف",
    "Tadkir: l wasata {date} {time}",
    "Violence {date} {time}",
])
def test_revealing_words_are_refused(app, text):
    with english(app):
        report = check_text(text, ONE)
        assert not report.ok and any("service is about" in str(error) for error in report.errors)
    assert reveals(text)


@pytest.mark.parametrize(("text", "message"), [
    ("Rappel {date} {time} {name}", "Unknown placeholder {name}"),
    ("Rappel {date} {time} {Date}", "Unknown placeholder {Date}"),
    ("Rappel {date} {time} {}", "Unknown placeholder {}"),
    ("Rappel {time} seulement", "The text must hold {date}"),
    ("Rappel le {date}", "The text must hold {time}"),
    ("Rappel {date} {time} {place", "Braces { } are only for placeholders"),
    ("   ", "Enter the text of the message"),
])
def test_unknown_or_missing_placeholders_are_refused(app, text, message):
    with english(app):
        report = check_text(text, ONE)
        assert not report.ok and any(message in str(error) for error in report.errors), report.errors


def test_an_empty_value_leaves_no_trace():
    values = {"date": "lun. 7 déc.", "time": "10:00", "place": "", "phone": "", "service": ""}
    assert fill("Rappel : rendez-vous le {date} à {time}, {place}. {service}", values) == \
        "Rappel : rendez-vous le lun. 7 déc. à 10:00."
    assert fill("{service}: rendez-vous {date} {time}", {**values, "service": "Association A"}) == \
        "Association A: rendez-vous lun. 7 déc. 10:00"
    assert fill("تذكير {date}، {time}، {place}", values) == "تذكير lun. 7 déc.، 10:00"


def test_the_service_refuses_what_the_rules_refuse_and_saves_nothing(app, world):
    with pytest.raises(ValidationFailed):
        save(app, FR, "Rappel de votre médiation {date} {time}")
    assert template_count(app) == 0


# Rendering at send time (DOM148, DOM149), through the real SMPP server


def test_the_supervisors_arabic_text_reaches_the_phone_whole_as_ucs2_parts(app, scene: Scene, smtp, smpp_gateway,
                                                                            login_as, world):
    """End to end: the supervisor writes the text on the page; the party's phone gets it, whole, in parts."""
    gateway = smpp_gateway()
    set_profile(app, scene.mother, "sms", number=MOTHER_MOBILE)
    text = ("السلام عليكم، نذكركم بموعدكم يوم {date} على الساعة {time} في {place}. "
            "إذا تعذر عليكم الحضور المرجو الاتصال بنا على الرقم {phone} قبل الموعد. شكرا")
    client = login_as("supervisor_a")
    preview = client.post(edit_url(world) + "?lang=en", data={"text": text, "preview": "Preview"})
    assert preview.status_code == 200 and "SMS" in preview.get_data(as_text=True)
    assert template_count(app) == 0  # a preview saves nothing
    response = client.post(edit_url(world) + "?lang=en", data={"text": text, "save": "Save"})
    assert response.status_code == 302, response.get_data(as_text=True)
    send_all(app, smtp, gateway, scene.now)
    messages = to(gateway, MOTHER_MSISDN)
    assert len(messages) == 2  # 10:00 and 14:00
    parts = [pdu for pdu in gateway.accepted() if pdu["destination_addr"] == MOTHER_MSISDN]
    assert len(parts) > 2 and all(pdu["data_coding"] == 8 for pdu in parts)  # Arabic: UCS-2, in parts
    for message in messages:
        assert message["text"].startswith("السلام عليكم، نذكركم بموعدكم يوم ")
        assert message["text"].endswith(f"{PHONE} قبل الموعد. شكرا")
        assert "{" not in message["text"]
    assert any("10:00" in message["text"] for message in messages)
    assert any("14:00" in message["text"] for message in messages)


def test_a_darija_speaker_gets_the_darija_text_others_their_own(app, scene: Scene, smtp, smpp_gateway):
    gateway = smpp_gateway()
    set_profile(app, scene.mother, "sms", number=MOTHER_MOBILE)
    set_profile(app, scene.father, "sms", phone=FATHER_MOBILE)
    set_language(app, scene.mother, PreferredLanguage.ARY)
    save(app, TemplateLanguage.ARY_LATN, "Tadkir: 3andek maw3id {date} m3a {time}. Tel: {phone}")
    save(app, AR, "تذكير بالموعد {date} {time}")
    send_all(app, smtp, gateway, scene.now)
    mother = to(gateway, MOTHER_MSISDN)
    assert len(mother) == 2 and all(pdu["text"].startswith("Tadkir: 3andek maw3id ") for pdu in mother)
    assert all(pdu["data_coding"] == 0 for pdu in mother)  # Latin Darija: GSM-7, one SMS
    [father] = to(gateway, FATHER_MSISDN)
    assert father["text"].startswith("Rappel : rendez-vous le ")  # French: the built-in French text


def test_darija_in_arabic_script_comes_first_and_arabic_when_there_is_none(app, scene: Scene, smtp, smpp_gateway):
    gateway = smpp_gateway()
    set_profile(app, scene.mother, "sms", number=MOTHER_MOBILE)
    set_language(app, scene.mother, PreferredLanguage.ARY)
    save(app, AR, "تذكير بالموعد {date} {time}")
    send_all(app, smtp, gateway, scene.now)
    assert all(pdu["text"].startswith("تذكير بالموعد ") for pdu in to(gateway, MOTHER_MSISDN))
    save(app, TemplateLanguage.ARY_LATN, "Tadkir: maw3id {date} {time}")
    save(app, TemplateLanguage.ARY_ARAB, "تذكير: عندك موعد {date} مع {time}")
    with app.app_context():
        from mediation.appointments.models import Appointment, AppointmentParty
        from mediation.appointments.services.message_texts import sms_text
        from mediation.sms_templates.codes import MessageKind

        mother = db.session.get(Participant, scene.mother)
        appointment = db.session.scalar(select(Appointment).join(AppointmentParty)
                                        .where(AppointmentParty.participant_id == mother.id).limit(1))
        association = db.session.get(Association, appointment.association_id)
        language, text = sms_text(db.session, MessageKind.APPOINTMENT_REMINDER, mother.person, appointment,
                                  association)
    assert language == "ar" and text.startswith("تذكير: عندك موعد ")


@pytest.mark.parametrize("name_service", [False, True])
def test_the_service_is_named_only_where_the_profile_allows_it(app, scene: Scene, smtp, smpp_gateway, name_service):
    gateway = smpp_gateway()
    set_profile(app, scene.father, "sms", phone=FATHER_MOBILE, name_service=name_service)
    save(app, FR, "{service} : rendez-vous le {date} à {time}, {place}. {service}")
    send_all(app, smtp, gateway, scene.now)
    [father] = to(gateway, FATHER_MSISDN)
    assert ("Association A" in father["text"]) is name_service
    if not name_service:
        assert father["text"].startswith("rendez-vous le ") and father["text"].endswith(", Salle 1.")


def test_a_text_that_no_longer_passes_the_rules_is_not_sent(app, scene: Scene, smtp, smpp_gateway):
    """Checked again at send time (DOM147): a stored text the rules now refuse gives way to the built-in one."""
    gateway = smpp_gateway()
    set_profile(app, scene.father, "sms", phone=FATHER_MOBILE)
    save(app, FR, "Rappel rendez-vous {date} {time}")
    with app.app_context():
        db.session.scalar(select(SmsTemplate)).text = "Votre médiation le {date} {time}"
        db.session.commit()
    send_all(app, smtp, gateway, scene.now)
    [father] = to(gateway, FATHER_MSISDN)
    assert "médiation" not in father["text"] and father["text"].startswith("Rappel : rendez-vous le ")


def test_a_reset_sends_the_built_in_text_again_and_the_trail_holds_ids_only(app, scene: Scene, smtp, smpp_gateway,
                                                                            login_as, world):
    gateway = smpp_gateway()
    set_profile(app, scene.father, "sms", phone=FATHER_MOBILE)
    client = login_as("supervisor_a")
    text = "Petit rappel : RDV {date} a {time}, {place}. Info {phone}"
    assert client.post(edit_url(world, language="fr"), data={"text": text, "save": "1"}).status_code == 302
    listing = client.get("/sms-texts?lang=en").get_data(as_text=True)
    assert "Petit rappel" in listing and "The association's text" in listing
    assert client.post(edit_url(world, language="fr") + "/reset").status_code == 302
    assert template_count(app) == 0
    send_all(app, smtp, gateway, scene.now)
    [father] = to(gateway, FATHER_MSISDN)
    assert father["text"].startswith("Rappel : rendez-vous le ")
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "sms_template")).all()
        assert [event.action for event in events] == ["create", "update"]
        assert all("rappel" not in event.body.decode().casefold() for event in events)


# Pages (S84): only the association's supervisors; another association's texts do not exist for them


def test_another_associations_texts_answer_404_and_change_nothing(app, world, login_as):
    client = login_as("supervisor_b")
    assert client.get(edit_url(world, "A")).status_code == 404
    response = client.post(edit_url(world, "A"), data={"text": "Rappel {date} {time}", "save": "1"})
    assert response.status_code == 404
    assert client.post(edit_url(world, "A") + "/reset").status_code == 404
    assert client.get(edit_url(world, "B")).status_code == 200
    assert template_count(app) == 0


@pytest.mark.parametrize("persona", ["mediator_a1", "admin", "ministry"])
def test_only_supervisors_may_edit(app, world, login_as, persona):
    client = login_as(persona)
    response = client.post(edit_url(world), data={"text": "Rappel {date} {time}", "save": "1"})
    assert response.status_code == 403
    assert template_count(app) == 0


def test_a_refused_text_is_kept_with_its_reason_in_the_users_language(app, world, login_as):
    client = login_as("supervisor_a")
    response = client.post(edit_url(world, language="fr") + "?lang=fr",
                           data={"text": "Séance de médiation {date}", "save": "1"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Séance de médiation {date}" in body and "{time}" in body
    assert template_count(app) == 0


def test_the_preview_reports_the_length_against_one_sms(app, world, login_as):
    client = login_as("supervisor_a")
    response = client.post(edit_url(world, language="fr") + "?lang=en",
                           data={"text": "Rappel {date} {time} " + "x" * 200, "preview": "1"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "data-warning" in body and "GSM-7" in body and "in 2 parts" in body


@fuzz(60)
@given(text=nasty_strings(max_size=600), action=st.sampled_from(["save", "preview"]),
       kind=st.sampled_from(list(MessageKind)), language=st.sampled_from(list(TemplateLanguage)))
def test_the_text_form_never_fails(app, world, login_as, text, action, kind, language):
    """Generated input (S16): never a 500; a saved text passes the rules; a refused one saves nothing."""
    client = login_as("supervisor_a")
    before = template_count(app)
    response = client.post(edit_url(world, kind=kind.value, language=language.value),
                           data={"text": text, action: "1"})
    assert response.status_code in (200, 302, 413, 422), response.status_code
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    if response.status_code == 302:
        with app.app_context():
            stored = db.session.scalar(select(SmsTemplate).where(SmsTemplate.kind == kind,
                                                                 SmsTemplate.language == language))
            assert stored is not None and check_text(stored.text, ONE).ok
            db.session.delete(stored)
            db.session.commit()
    else:
        assert template_count(app) == before


def test_every_built_in_text_passes_the_rules(app):
    with english(app):
        from mediation.sms_templates.rules import default_text

        for kind in MessageKind:
            for language in (AR, FR):
                for with_phone in (True, False):
                    text = default_text(kind, language, with_phone=with_phone)
                    assert text is not None
                    report = check_text(text, {**ONE, "phone": PHONE})
                    # Fits one SMS with the sample values: a French text with a letter outside GSM-7
                    # ("ê") would go as UCS-2, 70 characters a part.
                    assert report.ok and not report.warnings, (kind, language, text)
            assert default_text(kind, TemplateLanguage.ARY_LATN) is None


def test_the_built_in_texts_reach_the_phone_without_a_placeholder(app, scene: Scene, smtp, smpp_gateway):
    gateway = smpp_gateway()
    set_profile(app, scene.father, "sms", phone=FATHER_MOBILE)
    set_profile(app, scene.mother, "sms", number=MOTHER_MOBILE)
    send_all(app, smtp, gateway, scene.now)
    texts = [message["text"] for message in to(gateway, FATHER_MSISDN) + to(gateway, MOTHER_MSISDN)]
    assert len(texts) == 3
    assert all("{" not in text and "}" not in text and not text.endswith(" ") for text in texts)
    assert all(sms.part_count(text) == 1 for text in texts)  # the built-in texts fit one SMS here


def test_a_group_session_reminder_by_sms_carries_the_groups_text(app, world, cases, smpp_gateway):
    """A person known from a case whose profile puts SMS first gets the group-session text (DOM129, DOM159), in
    Darija where the association wrote it; the group's name and the service never appear."""
    from datetime import timedelta

    from mediation.appointments.services import reminders
    from mediation.core import clock
    from mediation.groups.models import Enrolment
    from tests.appointments.fixtures import case_of, requesting_party
    from tests.groups.support import add_past_sessions, enrol_directly, make_group

    gateway = smpp_gateway()
    group_id = make_group(app, world.association_a, name="Groupe des mamans")
    add_past_sessions(app, group_id, 1, first_start=clock.now() + timedelta(days=1))
    [enrolment_id] = enrol_directly(app, group_id, 1, prefix="Khadija")
    with app.app_context():
        person = requesting_party(case_of(cases.own)).person
        person.preferred_language = PreferredLanguage.ARY
        person.contact_allowed = "yes"
        person.contact_profile = json.dumps({"channels": ["sms", "email"], "sms_number": MOTHER_MOBILE,
                                             "name_service": False})
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.public_id == uuid.UUID(enrolment_id)))
        participant = enrolment.participant
        participant.person_id, participant.consent_contact = person.id, True
        participant.full_name = participant.phone = participant.email = None
        from mediation.appointments.models import Room

        for room in db.session.scalars(select(Room).where(Room.name == "Salle Groupe des mamans")):
            room.name = "Salle 3"  # the support names the room after the group: the room alone is sent
        db.session.commit()
    save(app, TemplateLanguage.ARY_ARAB, "عندك لقاء نهار {date} مع {time} ف {place}. {service}",
         MessageKind.GROUP_REMINDER)
    with app.app_context():
        reminders.queue_reminders(db.session, now=clock.now())
        db.session.commit()
        counts = sms.deliver_sms(db.session, settings=gateway.settings(), now=clock.now(),
                                 still_wanted=reminders.still_wanted)
    assert counts.sent == 1
    [message] = to(gateway, MOTHER_MSISDN)
    assert message["text"].startswith("عندك لقاء نهار ") and message["data_coding"] == 8
    assert "Salle 3" in message["text"] and "mamans" not in message["text"]
    assert "جمعية" not in message["text"] and "{" not in message["text"]
