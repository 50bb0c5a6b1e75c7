"""Names (mediation/core/names.py): one set of rules for the staff display names, on the administrator's
form and on a user's own profile; no invisible characters in the names of the people of a case, and
none of them reaching the blind indexes (S16, S21, S24)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from mediation.accounts.models import StaffUser
from mediation.cases.models import Person
from mediation.core import crypto
from mediation.core.names import INVISIBLE, display_name_error, invisible_characters_error
from mediation.extensions import db
from tests.admin.support import translated
from tests.cases.fixtures import CONSENT_ANSWERS

INVISIBLE_MESSAGE = "Remove the invisible characters (direction or zero-width marks) from this name."

# Every invisible character the rules name, one by one.
EACH_INVISIBLE = sorted(INVISIBLE)

ACCEPTED = ["Karim Benali", "نادية العلوي", "Hélène O'Brien-Saïdi", "Fatima-Zahra El Idrissi", "Karim 2",
            "Abd al-Rahman Jr.", "ع. بناني"]
REFUSED = {
    "<b>Karim</b>": "Write the name in Arabic or Latin letters.",
    "Karim <script>": "Write the name in Arabic or Latin letters.",
    "=HYPERLINK(\"x\")": "Write the name in Arabic or Latin letters.",
    "+Karim": "Write the name in Arabic or Latin letters.",
    "@Karim": "Write the name in Arabic or Latin letters.",
    "-Karim": "Start the name with a letter.",
    "'Karim": "Start the name with a letter.",
    "2 Karim": "Start the name with a letter.",
    "2026-05-31": "Write the name in Arabic or Latin letters.",
    "Karim 2026-05-31": "A name cannot hold a date.",
    "Karim 31.05.2026": "A name cannot hold a date.",
    "Karim 31 - 5 - 26": "A name cannot hold a date.",
    "Karim\u202eilareB": INVISIBLE_MESSAGE,
    "Ka\u200brim": INVISIBLE_MESSAGE,
    "\ufeffKarim": INVISIBLE_MESSAGE,
    "K": "A name has 2 to 120 characters.",
    "Карина": "Write the name in Arabic or Latin letters.",
    "Karim 😀": "Write the name in Arabic or Latin letters.",
}


@pytest.mark.parametrize("name", ACCEPTED)
def test_ordinary_display_names_are_accepted(name):
    assert display_name_error(name) is None


@pytest.mark.parametrize("name, message", REFUSED.items())
def test_display_names_that_are_not_names_are_refused(name, message):
    assert str(display_name_error(name)) == message


@pytest.mark.parametrize("char", EACH_INVISIBLE, ids=lambda char: f"U+{ord(char):04X}")
def test_each_invisible_character_is_named(char):
    assert 14 == len(INVISIBLE)
    assert str(invisible_characters_error(f"فاطمة{char} الزهراء")) == INVISIBLE_MESSAGE
    assert invisible_characters_error("فاطمة\u200f الزهراء") is None, "a right-to-left mark only orders punctuation"


# The same rules on both forms


def profile_name(app, username: str) -> str:
    with app.app_context():
        return db.session.scalar(select(StaffUser.display_name).where(StaffUser.username == username))


def staff_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(StaffUser))


def field_error(page: str, field: str) -> str | None:
    found = re.search(rf'id="{field}-error"[^>]*>\s*(.*?)\s*</', page, re.S)
    return found[1] if found else None


@pytest.mark.parametrize("name, message", REFUSED.items())
def test_the_profile_and_the_staff_form_refuse_the_same_names(app, login_as, world, name, message):
    expected = translated(app, "en", message)
    client = login_as("mediator_a1")
    before = profile_name(app, "mediator.a1")
    response = client.post("/profile?lang=en", data={"display_name": name, "email": "", "locale": "en"})
    assert response.status_code in (200, 422)
    assert field_error(response.get_data(as_text=True), "display_name") == expected
    assert profile_name(app, "mediator.a1") == before

    from tests.admin.support import STRONG_PASSWORD

    client = login_as("admin")
    staff_before = staff_count(app)
    response = client.post("/admin/staff/new?lang=en", data={
        "role": "mediator", "association": world.association_public_ids["A"], "profession": "mediator",
        "username": "new.person", "display_name": name, "email": "", "password": STRONG_PASSWORD,
        "confirmation": STRONG_PASSWORD})
    assert response.status_code in (200, 422)
    assert field_error(response.get_data(as_text=True), "display_name") == expected
    assert staff_count(app) == staff_before


def test_the_profile_keeps_an_ordinary_name_and_normalises_it(app, login_as, world):
    client = login_as("mediator_a1")
    response = client.post("/profile?lang=en", data={"display_name": "  He\u0301le\u0300ne Saïdi ", "email": "",
                                                     "locale": "fr"})
    assert response.status_code == 302
    assert profile_name(app, "mediator.a1") == "Hélène Saïdi"  # NFC: one code point per accented letter


def test_the_profile_service_applies_the_rules_without_the_form(app, world):
    from mediation.auth import services
    from mediation.core.errors import ValidationFailed

    with app.test_request_context("/?lang=en"):
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
        with pytest.raises(ValidationFailed) as refused:
            services.update_profile(db.session, user, display_name="=1+1", email=None, locale="en")
        assert refused.value.field == "display_name"
        db.session.rollback()


@pytest.mark.parametrize("language, message", [
    ("fr", "Retirez de ce nom les caractères invisibles (marques de sens d&#39;écriture ou de largeur nulle)."),
    ("ar", "احذف من هذا الاسم الحروف غير المرئية (علامات اتجاه الكتابة أو الحروف الصفرية العرض)."),
])
def test_the_message_reads_in_the_users_language(app, login_as, world, language, message):
    response = login_as("mediator_a1").post(f"/profile?lang={language}",
                                            data={"display_name": "Karim\u2067", "email": "", "locale": language})
    assert field_error(response.get_data(as_text=True), "display_name") == message


# The people of a case


def people_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Person))


INTAKE = {
    "first_contact_on": "2026-11-20", "intake_channel": "walk_in", "referral_source": "family_court",
    "issues": ["custody"], "court_stage": "pre_action", "immediate_danger": "no", "requesting_role": "mother",
    "sex": "female", "birth_date": "1990", "contact_allowed": "yes", **CONSENT_ANSWERS,
}


@pytest.mark.parametrize("char", EACH_INVISIBLE, ids=lambda char: f"U+{ord(char):04X}")
def test_a_persons_name_with_an_invisible_character_is_refused(app, login_as, world, cases, char):
    from tests.cases.fixtures import service_point_of

    with app.app_context():
        point = service_point_of(world.association_a).id
    client = login_as("mediator_a1")
    before = people_count(app)
    name = f"خديجة{char} العمراني"
    response = client.post("/cases/new?lang=en", data={**INTAKE, "service_point_id": str(point), "full_name": name})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "full_name") == INVISIBLE_MESSAGE
    assert "العمراني" in page, "the input is kept"
    response = client.post(f"/cases/{cases.own}/parties/new?lang=en", data={
        "full_name": "Ahmed Benali", "full_name_latin": f"Ahmed{char} Benali", "role": "father", "sex": "male",
        "birth_date": "1990-03-01", "contact_allowed": "yes", "is_party": "y", **CONSENT_ANSWERS})
    assert response.status_code in (200, 422)
    assert field_error(response.get_data(as_text=True), "full_name_latin") == INVISIBLE_MESSAGE
    assert people_count(app) == before


@pytest.mark.parametrize("spoofed", [
    "Ka\u200brim Alaoui", "Karim\u200d Alaoui", "\ufeffKarim Alaoui", "\u202bKarim Alaoui\u202c",
    "\u2067Karim\u2069 Alaoui", "Kar\u2060im Alaoui", "\u202eKarim Alaoui", "Karim\u200f Alaoui", "Ka\u00adrim Alaoui",
])
def test_invisible_characters_do_not_reach_the_blind_indexes(app, spoofed):
    with app.app_context():
        for purpose, parts in (("person", (spoofed, "1988-02-03")), ("person_name", (spoofed,))):
            clean = tuple(part.replace(spoofed, "Karim Alaoui") for part in parts)
            assert crypto.blind_index(purpose, 1, *parts) == crypto.blind_index(purpose, 1, *clean)
        assert crypto.blind_index("phone", 1, "\u2066+212612345678\u2069") == crypto.blind_index("phone", 1,
                                                                                                 "+212612345678")


def test_a_name_typed_with_invisible_characters_is_found_by_the_search(app, login_as, cases):
    """The duplicate check and the search rest on the same index: the spoofed spelling finds the person."""
    client = login_as("supervisor_a")
    page = client.post("/cases/search", data={"query": "\u202bKa\u200brim Al\ufeffaoui\u202c"}).get_data(as_text=True)
    assert cases.references["colleague"] in page


def test_a_name_stored_by_another_way_than_the_form_is_indexed_without_them(app, world, cases):
    """The command line and the demo call the services directly: their names are indexed clean too."""
    from tests.cases.fixtures import open_as, person

    with app.app_context():
        target = crypto.blind_index("person_name", world.association_a, "Karim Alaoui")
        indexed = select(func.count()).select_from(Person).where(Person.name_bidx == target)
        before = db.session.scalar(indexed)
        open_as("mediator.a2", requesting_party=person("Kar\u200dim Ala\u2060oui", birth_date="1979-06-01"))
        db.session.commit()
        assert db.session.scalar(indexed) == before + 1, "the spoofed spelling shares the plain one's index"
