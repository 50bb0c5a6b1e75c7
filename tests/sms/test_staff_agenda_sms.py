"""Staff agendas by e-mail, SMS or not at all, as each staff member chooses in their account (docs/domain.md,
DOM164; docs/security.md, S88), against the real SMPP server on loopback and the reminders' scene
(tests/appointments/test_reminders.py): mediator A1 holds an intake call at 08:00, the "own" appointment at
10:00 and a 14:00 meeting with the mother and the father.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, text

from mediation.accounts.codes import AgendaChannel
from mediation.appointments.services import reminders
from mediation.cases.models import Case, Participant
from mediation.extensions import db
from mediation.outbox.models import OutboxMessage
from tests.appointments.fixtures import staff
from tests.appointments.test_reminders import (  # noqa: F401 - fixtures
    A1_MAIL,
    FATHER_NAME,
    INTAKE_LABEL,
    MOTHER_NAME,
    Scene,
    run,
    scene,
    smtp,
)
from tests.sms.test_sms_reminders import MARKERS, send_all, to

pytestmark = pytest.mark.usefixtures("any_hour")

A1_MOBILE, A1_MSISDN = "06 55 44 33 22", "212655443322"


def choose(app, username: str, channel: AgendaChannel, mobile: str | None = None) -> None:
    with app.app_context():
        user = staff(username)
        user.agenda_channel, user.mobile = channel, mobile
        db.session.commit()


def test_the_agenda_by_sms_holds_times_references_and_places_never_a_party_name(app, scene: Scene, smtp,
                                                                                smpp_gateway):
    gateway = smpp_gateway()
    choose(app, "mediator.a1", AgendaChannel.SMS, A1_MOBILE)
    with app.app_context():
        mother = db.session.get(Participant, scene.mother)
        father = db.session.get(Participant, scene.father)
        mother.person.full_name = f"فاطمة {MARKERS[0]}"
        father.person.full_name = f"Youssef {MARKERS[0]}"
        mother.person.safe_contact_instructions = MARKERS[4]
        db.session.get(Case, mother.case_id).request_summary = MARKERS[1]
        db.session.commit()
    send_all(app, smtp, gateway, scene.now)
    assert smtp.to(A1_MAIL) == []  # SMS instead of the e-mail, never both
    [agenda] = to(gateway, A1_MSISDN)
    with app.app_context(), force_locale("fr_MA"):
        intake, by_phone = _("Intake meeting"), _("By phone")
    for expected in ("08:00", "10:00", "14:00", scene.references["own"], intake, by_phone, "Salle 1"):
        assert expected in agenda["text"], expected
    raw = gateway.record.read_text(encoding="utf-8") + json.dumps(gateway.submits(), ensure_ascii=False)
    for secret in (*MARKERS, MOTHER_NAME, FATHER_NAME, "Youssef", "فاطمة", INTAKE_LABEL, "Mme H.", "https://",
                   scene.references["colleague"]):
        assert secret not in agenda["text"] and secret not in raw, secret
    with app.app_context():
        [row] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == reminders.KIND_AGENDA_SMS))
        assert row.channel == "sms" and row.status == "sent"


def test_a_long_agenda_in_arabic_goes_in_parts(app, scene: Scene, smtp, smpp_gateway):
    gateway = smpp_gateway()
    choose(app, "mediator.a1", AgendaChannel.SMS, A1_MOBILE)
    with app.app_context():
        staff("mediator.a1").locale = "ar"
        db.session.commit()
    send_all(app, smtp, gateway, scene.now)
    parts = [pdu for pdu in gateway.accepted() if pdu["destination_addr"] == A1_MSISDN]
    assert len(parts) > 1 and all(pdu["data_coding"] == 8 and pdu["udh"] for pdu in parts)
    [agenda] = to(gateway, A1_MSISDN)
    assert "08:00" in agenda["text"] and "14:00" in agenda["text"]


def test_none_sends_no_agenda_and_a_change_of_mind_withdraws_a_queued_one(app, scene: Scene, smtp, smpp_gateway):
    gateway = smpp_gateway()
    choose(app, "mediator.a1", AgendaChannel.NONE, A1_MOBILE)
    send_all(app, smtp, gateway, scene.now)
    assert smtp.to(A1_MAIL) == [] and to(gateway, A1_MSISDN) == []
    # SMS chosen, queued; then back to e-mail before the SMS left: withdrawn, the e-mail goes instead.
    choose(app, "mediator.a1", AgendaChannel.SMS, A1_MOBILE)
    with app.app_context():
        reminders.queue_reminders(db.session, now=scene.now + timedelta(minutes=5))
        db.session.commit()
    choose(app, "mediator.a1", AgendaChannel.EMAIL, A1_MOBILE)
    counts = send_all(app, smtp, gateway, scene.now + timedelta(minutes=10))
    assert counts.withdrawn == 1 and to(gateway, A1_MSISDN) == []
    assert len(smtp.to(A1_MAIL)) == 1


def test_the_mobile_number_is_encrypted_at_rest(app, scene: Scene):
    choose(app, "mediator.a1", AgendaChannel.SMS, A1_MOBILE)
    with app.app_context():
        raw = db.session.execute(text("SELECT mobile FROM staff_user WHERE username = 'mediator.a1'")).scalar_one()
        assert raw is not None and b"55 44" not in bytes(raw) and b"655443322" not in bytes(raw)
        assert staff("mediator.a1").mobile == A1_MOBILE


# The account settings page


def test_a_staff_member_chooses_the_sms_agenda_on_their_profile(app, login_as, world):
    client = login_as("mediator_a1")
    page = client.get("/profile?lang=en").get_data(as_text=True)
    assert 'name="agenda_channel"' in page and 'name="mobile"' in page
    response = client.post("/profile?lang=en", data={"display_name": "Karim", "locale": "en",
                                                      "agenda_channel": "sms", "mobile": A1_MOBILE})
    assert response.status_code == 302
    with app.app_context():
        user = staff("mediator.a1")
        assert (user.agenda_channel, user.mobile) == (AgendaChannel.SMS, A1_MOBILE)
    page = client.get("/profile?lang=en").get_data(as_text=True)
    assert '<option selected value="sms">' in page or 'value="sms" selected' in page
    assert A1_MOBILE in page


@pytest.mark.parametrize(("mobile", "message"), [
    ("0522 00 11 22", "Enter a mobile number that can receive SMS"),  # a landline
    ("", "The agenda by SMS needs your mobile number."),
    ("abc", "Enter a telephone number: digits, spaces and + ( ) - only."),
])
def test_a_bad_mobile_number_is_refused_input_kept_nothing_saved(app, login_as, world, mobile, message):
    client = login_as("mediator_a1")
    response = client.post("/profile?lang=en", data={"display_name": "Karim Changed", "locale": "en",
                                                      "agenda_channel": "sms", "mobile": mobile})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert 'value="Karim Changed"' in page and (not mobile or f'value="{mobile}"' in page)
    with app.app_context():
        user = staff("mediator.a1")
        assert user.agenda_channel is AgendaChannel.EMAIL and user.mobile is None
        assert user.display_name != "Karim Changed"


def test_the_administrator_has_no_agenda_choice(app, login_as, world):
    client = login_as("admin")
    page = client.get("/profile?lang=en").get_data(as_text=True)
    assert 'name="agenda_channel"' not in page
