"""The forgiving case search: any word of a name in either script, the reference's number, within the
association and the user's scope, on keyed name tokens only (docs/security.md, S37)."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from sqlalchemy import select, text

from mediation.cases.codes import ParticipantRole
from mediation.cases.models import Case, Participant, Person, PersonNameToken
from mediation.cases.services.parties import PartyRole, update_participant
from mediation.core.crypto import name_words
from mediation.extensions import db
from mediation.retention.policy import RetentionPolicy
from mediation.retention.services import anonymise_case
from tests.cases.fixtures import open_as, person
from tests.retention.fixtures import TODAY, closed_case, staff
from tests.statements import statements_of
from tests.strategies import FUZZ, nasty_text

# Written with harakat, a shadda and a tatweel; the searches below type none of them.
ARABIC_NAME = "خَدِيجَة بنت مُحمّد الإدريسـي"
LATIN_NAME = "Khadija El Idrissi"
WORDS = ("خديجه", "بنت", "محمد", "الادريسي", "khadija", "el", "idrissi")


def search(client, query: str) -> set[str]:
    response = client.post("/cases/search", data={"query": query})
    assert response.status_code == 200
    return set(re.findall(r"[A-Z]{3}-01-\d{4}-\d{5}", response.get_data(as_text=True)))


def twin(username: str) -> Case:
    return open_as(username, requesting_party=person(ARABIC_NAME, full_name_latin=LATIN_NAME,
                                                     birth_date="1979-06-30", phone=None),
                   requesting_role=ParticipantRole.MOTHER)


@pytest.fixture
def named(app, cases):
    """Mediator A1's case of Khadija El Idrissi, and a case of association B for someone of the same name."""
    with app.app_context():
        found, elsewhere = twin("mediator.a1"), twin("mediator.b1")
        db.session.commit()
        return {"a": found.reference, "b": elsewhere.reference, "a_id": found.id, "b_id": elsewhere.id}


@pytest.mark.parametrize("query", [
    "الإدريسي",  # the family name alone
    "خديجة",  # the first name alone
    "خديجه",  # ة typed as ه
    "الادريسي",  # bare alif for hamzated alif
    "اَلْإِدْرِيسِي",  # with harakat
    "الإدريـــسي",  # with tatweel
    "Idrissi",  # the Latin spelling recorded at intake
    "KHADIJA",
    "idrissi khadija",  # any order
    "Khadija الإدريسي",  # both scripts of one person
    "محمد بنت",
    "  Khadija,  El-Idrissi ",  # punctuation and spaces
    ARABIC_NAME,  # the whole name, as typed at intake
])
def test_each_form_of_a_name_finds_the_case_in_the_association_only(app, login_as, named, query):
    assert search(login_as("mediator_a1"), query) == {named["a"]}
    assert search(login_as("mediator_b1"), query) == {named["b"]}


def test_the_reference_or_its_number_finds_the_case(app, login_as, named, cases):
    client = login_as("supervisor_a")
    number = named["a"].rsplit("-", 1)[1]  # "00003": A1's and A2's cases came first
    year = named["a"].split("-")[2]
    for query in (number, number.lstrip("0"), f"{year}-{number}", named["a"].lower(), "٠٠٠٠" + number[-1]):
        assert search(client, query) == {named["a"]}, query
    # Association B has cases numbered 00001 and 00002 too: never found from A.
    assert search(client, "1") == {cases.references["own"]}
    assert search(login_as("supervisor_b"), "1") == {cases.references["other"]}
    assert search(client, "99999") == set()


def test_every_word_must_belong_to_one_person(app, login_as, named, cases):
    client = login_as("supervisor_a")
    assert search(client, "Karim") == {cases.references["colleague"]}
    assert search(client, "Khadija Alaoui") == set(), "words of two different people"
    assert search(client, "Khadija Zineb") == set(), "a word the name does not hold"
    assert search(client, "Khadi") == set(), "whole words only"


def test_the_scope_of_the_user_is_kept(app, login_as, named):
    assert search(login_as("mediator_a2"), "Idrissi") == set(), "not A2's case"
    assert search(login_as("supervisor_a"), "Idrissi") == {named["a"]}


def raw_tokens(person_id: int) -> list[tuple[int, bytes]]:
    rows = db.session.execute(text("SELECT association_id, token FROM person_name_token WHERE person_id = :id"),
                              {"id": person_id}).all()
    return [(association_id, bytes(token)) for association_id, token in rows]


def requesting_person(case_id: int) -> int:
    return db.session.scalar(select(Participant.person_id).where(Participant.case_id == case_id,
                                                                 Participant.is_requesting_party.is_(True)))


def test_the_token_rows_hold_no_name_and_differ_between_associations(app, named):
    with app.app_context():
        a, b = raw_tokens(requesting_person(named["a_id"])), raw_tokens(requesting_person(named["b_id"]))
        assert len(a) == len(b) == len(WORDS), "one row per distinct word of the two spellings"
        assert all(len(token) == 32 for _association, token in a + b)
        assert {association for association, _token in a} != {association for association, _token in b}
        assert not {token for _, token in a} & {token for _, token in b}, "equal names, different tokens"
        everything = b"".join(token for _, token in a + b)
        for word in (*WORDS, *ARABIC_NAME.split(), *LATIN_NAME.split(), "Khadija", "الإدريسي"):
            for encoded in (word.encode(), word.encode("utf-16-le"), word.encode("unicode_escape")):
                assert encoded not in everything, word


def test_renaming_a_person_moves_their_tokens(app, login_as, named):
    with app.app_context():
        case = db.session.get(Case, named["a_id"])
        participant = db.session.scalar(select(Participant).where(Participant.case_id == case.id))
        update_participant(
            db.session, case, participant,
            person("سعاد الإدريسي", full_name_latin="Souad El Idrissi", birth_date="1979-06-30", phone=None),
            PartyRole(ParticipantRole.MOTHER, is_requesting_party=True),
            person_version=participant.person.version_id, participant_version=participant.version_id,
            actor=staff("mediator.a1"))
        db.session.commit()
        assert len(raw_tokens(participant.person_id)) == 5  # سعاد الادريسي souad el idrissi
    client = login_as("mediator_a1")
    assert search(client, "Khadija") == set() and search(client, "خديجة") == set()
    assert search(client, "Souad Idrissi") == search(client, "سعاد") == {named["a"]}


def test_an_anonymised_person_is_no_longer_found(app, login_as, world):
    with app.app_context():
        expired = closed_case("gone", 61, name="Zoubida Tahiri")
        kept = closed_case("kept", 59, name="Zoubida Tahiri Lamrani")
        db.session.commit()
    client = login_as("supervisor_a")
    assert search(client, "Zoubida Tahiri") == {expired.reference, kept.reference}
    with app.app_context():
        now = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC)
        assert anonymise_case(db.session, expired.id, RetentionPolicy.from_config(app.config), today=TODAY, now=now)
        db.session.commit()
        assert raw_tokens(expired.person_id) == []
        assert len(raw_tokens(kept.person_id)) == 3
    assert search(client, "Zoubida Tahiri") == {kept.reference}


def reindex(app):
    return app.test_cli_runner().invoke(args=["cases", "reindex-names", "--batch-size", "2"])


def test_reindex_names_fills_an_empty_index_and_a_second_run_changes_nothing(app, login_as, named):
    with app.app_context():
        stored = sorted(db.session.execute(select(PersonNameToken.person_id, PersonNameToken.token)).all())
        people = len(db.session.scalars(select(Person.id)).all())
        db.session.execute(PersonNameToken.__table__.delete())
        db.session.commit()
    client = login_as("mediator_a1")
    assert search(client, "Idrissi") == set(), "people registered before the index have no tokens"
    assert search(client, ARABIC_NAME) == {named["a"]}, "the whole name still finds them, as before"
    first = reindex(app)
    assert first.exit_code == 0, first.output
    assert f"people: {people}, reindexed: {people}," in first.output
    with app.app_context():
        assert sorted(db.session.execute(select(PersonNameToken.person_id, PersonNameToken.token)).all()) == stored
    assert search(client, "Idrissi") == {named["a"]}
    again = reindex(app)
    assert again.exit_code == 0 and f"people: {people}, reindexed: 0, already right: {people}" in again.output


@pytest.fixture
def keys_put_back(app):
    field_keys, index_key = dict(app.config["FIELD_KEYS"]), app.config["BLIND_INDEX_KEY"]
    yield
    app.config["FIELD_KEYS"], app.config["BLIND_INDEX_KEY"] = field_keys, index_key


def test_rotating_the_keys_keeps_the_search_working(app, login_as, named, keys_put_back):
    client = login_as("mediator_a1")
    # The field keys: the tokens are HMACs under the blind-index key, which a rotation leaves alone.
    newest = max(app.config["FIELD_KEYS"]) + 1
    app.config["FIELD_KEYS"] = {**app.config["FIELD_KEYS"], newest: os.urandom(32)}
    rotated = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert rotated.exit_code == 0, rotated.output
    app.config["FIELD_KEYS"] = {newest: app.config["FIELD_KEYS"][newest]}  # the old key retired
    assert search(client, "Idrissi") == search(client, "خديجة") == {named["a"]}
    assert "reindexed: 0," in reindex(app).output, "the names read under the new key give the same tokens"
    # A new blind-index key: every stored token is unfindable until the index is rebuilt.
    app.config["BLIND_INDEX_KEY"] = os.urandom(32)
    assert search(client, "Idrissi") == set()
    rebuilt = reindex(app)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert search(client, "Idrissi") == search(client, "خديجة") == {named["a"]}


def test_reindex_names_reports_names_it_cannot_read_and_leaves_their_tokens(app, named, keys_put_back):
    with app.app_context():
        stored = sorted(db.session.execute(select(PersonNameToken.person_id, PersonNameToken.token)).all())
    app.config["FIELD_KEYS"] = {max(app.config["FIELD_KEYS"]) + 1: os.urandom(32)}  # the old key dropped
    result = reindex(app)
    assert result.exit_code == 1
    assert "could not be decrypted (person ids " in result.output and "Khadija" not in result.output
    with app.app_context():
        assert sorted(db.session.execute(select(PersonNameToken.person_id, PersonNameToken.token)).all()) == stored


def test_the_statements_of_a_search_do_not_grow_with_the_cases_found(app, login_as, named):
    client = login_as("supervisor_a")
    few, page = statements_of(app, client, "POST", "/cases/search", data={"query": "Idrissi"})
    assert named["a"] in page.get_data(as_text=True)
    with app.app_context():
        for number, first_name in enumerate(("Salma", "Nadia", "Amal", "Hind", "Sara", "Ilham")):
            open_as("mediator.a2", requesting_party=person(f"{first_name} Idrissi", birth_date=f"198{number}-01-01"))
        db.session.commit()
    many, page = statements_of(app, client, "POST", "/cases/search", data={"query": "Idrissi"})
    assert len(re.findall(r"RBT-01-\d{4}-\d{5}", page.get_data(as_text=True))) >= 7
    assert many == few


def test_name_words_unify_what_people_type_differently():
    assert name_words(ARABIC_NAME) == name_words("خديجه بنت محمد الادريسي") == list(WORDS[:4])
    assert name_words("Aït-Baha  M’barek") == name_words("AIT baha mbarek") == ["ait", "baha", "mbarek"]
    assert name_words("أحمد إبراهيم آمنة") == ["احمد", "ابراهيم", "امنه"]
    assert name_words("\u202eKarim\u200b") == ["karim"]
    assert name_words(" - , . ") == []


@FUZZ
@given(query=nasty_text)
def test_any_query_is_answered_without_an_error(app, login_as, named, query):
    response = login_as("mediator_a1").post("/cases/search", data={"query": query})
    assert response.status_code == 200
