"""The contact profile page and what the `contact` consent says it covers (docs/domain.md, DOM141, DOM143,
DOM145): recorded per adult, checked, encrypted, shown on the case page; generated input never a 500."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from mediation.cases.contact import SMS, profile_of
from mediation.cases.models import Participant
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from tests.strategies import FUZZ, SCRIPT, extra_fields, nasty_strings, sometimes_from

nasty = nasty_strings(40, short_size=20, repeated="٦", repeats=(10, 40))
sometimes = sometimes_from(nasty)


def page(world, key: str = "own") -> str:
    return f"/cases/{getattr(world.cases, key)}/participants/{world.cases.participants[key]}/contact"


def person_of(app, world, key: str = "own"):
    with app.app_context():
        participant = db.session.scalar(select(Participant).where(
            Participant.public_id == uuid.UUID(str(world.cases.participants[key]))))
        person = participant.person
        return person.phone, person.contact_profile, profile_of(person)


def post(client, world, lang: str = "en", **fields):
    return client.post(f"{page(world)}?lang={lang}", data=fields)


def version(app, world) -> int:
    with app.app_context():
        participant = db.session.scalar(select(Participant).where(
            Participant.public_id == uuid.UUID(str(world.cases.participants["own"]))))
        return participant.person.version_id


def test_a_profile_is_recorded_encrypted_and_shown_on_the_case_page(app, login_as, world, cases):
    client = login_as("mediator_a1")
    response = client.get(f"{page(world)}?lang=fr")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Profil de contact" in body and "SMS d'abord, sinon e-mail" in body
    response = client.post(page(world), data={"channels": "sms_email", "sms_number": "06 12 34 56 78",
                                              "name_service": "", "person_version": version(app, world)})
    assert response.status_code == 302, response.get_data(as_text=True)
    _phone, _stored, profile = person_of(app, world)
    assert profile.channels == (SMS, "email") and profile.sms_number == "06 12 34 56 78"
    assert not profile.name_service
    with app.app_context():
        raw = db.session.execute(text("SELECT contact_profile FROM person WHERE contact_profile IS NOT NULL")).scalars()
        assert all(b"06 12 34" not in bytes(value) for value in raw)  # encrypted at rest
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.entity == "person")) >= 1
    case_page = client.get(f"/cases/{world.cases.own}?lang=en").get_data(as_text=True)
    assert "SMS first, else e-mail" in case_page and "Contact profile" in case_page


def test_sms_without_a_mobile_number_is_refused_with_the_input_kept(app, login_as, world, cases):
    client = login_as("mediator_a1")
    phone, stored, _profile = person_of(app, world)
    response = client.post(f"{page(world)}?lang=fr", data={
        "channels": "sms", "sms_number": "0522 00 11 22", "person_version": version(app, world)})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "numéro de mobile" in body and "0522 00 11 22" in body
    assert person_of(app, world)[1] == stored  # nothing saved
    if phone is None or not phone.startswith(("06", "07", "+2126", "+2127")):
        response = client.post(f"{page(world)}?lang=ar", data={"channels": "sms", "sms_number": "",
                                                                "person_version": version(app, world)})
        assert response.status_code == 422 and "رقم هاتف محمول" in response.get_data(as_text=True)


def test_a_stale_version_is_refused(app, login_as, world, cases):
    client = login_as("mediator_a1")
    response = client.post(page(world), data={"channels": "call", "person_version": version(app, world) + 7})
    assert response.status_code == 409
    assert person_of(app, world)[2].recorded is False


def test_the_contact_consent_says_what_it_covers(app, login_as, world, cases):
    client = login_as("mediator_a1")
    body = client.get(f"/cases/{world.cases.own}/parties/new?lang=en").get_data(as_text=True)
    assert "Contact by the service: calls, SMS and e-mail" in body
    assert "only by the channels and at the number of the person" in body
    assert "Contact by phone or SMS" not in body
    french = client.get(f"/cases/{world.cases.own}/parties/new?lang=fr").get_data(as_text=True)
    assert "Contact par le service : appels, SMS et e-mail" in french


@FUZZ
@given(channels=sometimes("sms_email", "email_sms", "sms", "email", "call", "none"),
       sms_number=sometimes("", "06 12 34 56 78", "+212 7 00 11 22 33", "0522001122"),
       name_service=sometimes("", "y"), person_version=st.one_of(st.integers(-5, 2**40).map(str), nasty),
       extra=extra_fields)
def test_generated_profiles_never_fail(app, login_as, world, cases, channels, sms_number, name_service,
                                       person_version, extra):
    client = login_as("mediator_a1")
    before = person_of(app, world)[1]
    current = version(app, world)
    response = client.post(f"{page(world)}?lang=ar", data={
        **extra, "channels": channels, "sms_number": sms_number, "name_service": name_service,
        "person_version": str(current) if person_version == "1" else person_version})
    assert response.status_code in (302, 409, 422), response.status_code
    body = response.get_data(as_text=True)
    assert SCRIPT not in body
    if response.status_code != 302:
        assert person_of(app, world)[1] == before, "nothing saved"
        assert 'role="alert"' in body or response.status_code == 409
