"""Languages: locale precedence, direction, formatting and complete catalogues."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from sqlalchemy import select

from mediation.accounts.models import StaffUser
from mediation.extensions import db
from tests.conftest import login

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"


def page_language(response) -> tuple[str, str]:
    body = response.get_data(as_text=True)
    start = body.index("<html")
    tag = body[start:body.index(">", start)]
    lang = tag.split('lang="')[1].split('"')[0]
    direction = tag.split('dir="')[1].split('"')[0]
    return lang, direction


@pytest.mark.parametrize("query,expected", [
    ("", ("ar", "rtl")),
    ("?lang=fr", ("fr", "ltr")),
    ("?lang=en", ("en", "ltr")),
    ("?lang=ar", ("ar", "rtl")),
    ("?lang=xx", ("ar", "rtl")),          # unknown codes fall back to the default
    ("?lang=fr-MA", ("fr", "ltr")),
    ("?lang=%00%ff", ("ar", "rtl")),
])
def test_lang_parameter(client, query, expected):
    assert page_language(client.get("/login" + query)) == expected


def test_accept_language_is_used_when_nothing_else_is_set(client):
    response = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert page_language(response) == ("fr", "ltr")
    assert "Se connecter" in response.get_data(as_text=True)


def test_english_page_reads_english(client):
    assert "Log in" in client.get("/login?lang=en").get_data(as_text=True)


def test_anonymous_choice_is_kept_in_the_session_and_survives_login(client, world):
    client.post("/language", data={"lang": "fr", "next": "/login"})
    assert page_language(client.get("/login")) == ("fr", "ltr")
    login(client, "mediator.a1")
    assert page_language(client.get("/")) == ("fr", "ltr")


def test_saved_choice_beats_accept_language_and_lang_beats_both(app, client, world):
    login(client, "mediator.a1")
    response = client.post("/language", data={"lang": "en", "next": "/"})
    assert response.headers["Location"] == "/"
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
        assert user.locale == "en"
    assert page_language(client.get("/", headers={"Accept-Language": "fr"})) == ("en", "ltr")
    assert page_language(client.get("/?lang=ar", headers={"Accept-Language": "fr"})) == ("ar", "rtl")
    # A new browser of the same user starts in the saved language.
    other = app.test_client()
    login(other, "mediator.a1")
    assert page_language(other.get("/", headers={"Accept-Language": "fr"})) == ("en", "ltr")


def test_language_switch_refuses_unknown_codes_and_foreign_redirects(app, client, world):
    login(client, "mediator.a1")
    response = client.post("/language", data={"lang": "de", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
        assert user.locale is None


def test_dates_use_moroccan_conventions_with_latin_digits(app, client, world):
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
        user.last_login_at = datetime(2026, 5, 5, 13, 7, tzinfo=UTC)
        ramadan = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a2"))
        ramadan.last_login_at = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)
        db.session.commit()
    login(client, "admin.test")  # the admin's list shows the other users' last login
    staff = client.get("/admin/staff").get_data(as_text=True)
    assert "05\u200f/05\u200f/2026" in staff or "5\u200f/5\u200f/2026" in staff  # ar_MA, Latin digits
    assert "14:07" in staff  # Africa/Casablanca is UTC+1, 24-hour clock
    assert "09:30" in staff  # ... and UTC+0 during Ramadan (tz database)
    assert not any("\u0660" <= char <= "\u0669" for char in staff)  # no Arabic-Indic digits
    french = client.get("/admin/staff?lang=fr").get_data(as_text=True)
    assert "5 mai 2026" in french


def catalogue(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


def current_source_messages() -> set[str]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    messages = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        messages.add(message if isinstance(message, str) else message[0])
    return messages


@pytest.mark.database_independent
def test_template_catalogue_is_current():
    with open(TRANSLATIONS / "messages.pot", "rb") as handle:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    source = current_source_messages()
    assert source - template == set(), "run `make translations`: new strings are not in the catalogue"
    assert template - source == set(), "run `make translations`: the catalogue holds removed strings"


@pytest.mark.database_independent
@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_no_catalogue_is_marked_fuzzy(language):
    """pybabel compiles nothing of a catalogue whose header is fuzzy: every page would fall back to English."""
    assert not catalogue(language).fuzzy


@pytest.mark.database_independent
@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_every_message_is_translated(language):
    with open(TRANSLATIONS / "messages.pot", "rb") as handle:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    po = catalogue(language)
    translated = {}
    for message in po:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings) and not message.fuzzy:
            translated[key] = strings
    missing = sorted(template - translated.keys())
    assert not missing, f"{language}: untranslated messages: {missing}"


@pytest.mark.database_independent
@pytest.mark.parametrize("language", ["ar", "fr"])
def test_placeholders_survive_translation(language):
    import re

    pattern = re.compile(r"%\((\w+)\)[sd]")
    for message in catalogue(language):
        if message.id and message.string:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            expected = set(pattern.findall(ids[0]))
            for string in strings:
                assert set(pattern.findall(string)) == expected, (language, message.id)
