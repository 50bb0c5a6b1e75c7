"""Words the catalogues must keep apart: the fact of an update is not the action "Edit", and voiding a
session is not cancelling an appointment (French "invalider" / "annuler", Arabic إبطال / إلغاء)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

# Never opens a connection to the database under test: .ci/run's PostgreSQL pass leaves it out.
pytestmark = pytest.mark.database_independent

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"

# The stem of each verb, as it appears in every form the catalogues use (infinitive, participle, noun).
VOID = {"fr": re.compile(r"invalid", re.IGNORECASE), "ar": re.compile(r"[أإاُ]?بط[َ]?ل|بطا|مُبطَل|مبطل")}
CANCEL = {"fr": re.compile(r"annul", re.IGNORECASE), "ar": re.compile(r"[أإاُ]?لغ|ملغ")}
EDIT = {"fr": re.compile(r"modifi", re.IGNORECASE), "ar": re.compile(r"تعديل")}


def translations(language: str) -> dict[str, str]:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle, locale=language)
    return {message.id: message.string for message in catalogue if isinstance(message.id, str) and message.id}


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_updated_is_not_the_word_for_edit(language):
    words = translations(language)
    for msgid in ("Updated", "Last updated"):
        assert words[msgid] != words["Edit"], (language, msgid)
        assert not EDIT[language].search(words[msgid]), (language, msgid, words[msgid])


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_voiding_a_session_and_cancelling_an_appointment_use_two_verbs(language):
    words = translations(language)
    voiding = {msgid: text for msgid, text in words.items() if re.search(r"\bvoid", msgid, re.IGNORECASE)}
    cancelling = {msgid: text for msgid, text in words.items() if re.search(r"\bcancel", msgid, re.IGNORECASE)}
    assert "Void the session" in voiding and "Cancel the appointment" in cancelling
    for msgid, text in voiding.items():
        assert VOID[language].search(text) and not CANCEL[language].search(text), (language, msgid, text)
    for msgid, text in cancelling.items():
        assert CANCEL[language].search(text) and not VOID[language].search(text), (language, msgid, text)


def test_the_two_actions_read_as_the_service_words_them():
    assert translations("fr")["Void the session"] == "Invalider la séance"
    assert translations("fr")["Cancel the appointment"] == "Annuler le rendez-vous"
    assert translations("ar")["Void the session"] == "إبطال الجلسة"
    assert translations("ar")["Cancel the appointment"] == "إلغاء الموعد"
