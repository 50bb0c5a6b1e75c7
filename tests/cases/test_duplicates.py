"""The duplicate warning at intake and when a person is added, the supervisor's decision, and the related
cases of the case page (docs/domain.md, DOM74; docs/security.md, P1, P5).

The set-up of tests/cases/test_person_scope.py: mediator A2 registers SECRET on their case ("colleague"),
which mediator A1 may not see; the supervisor of association A sees both cases.
"""

from __future__ import annotations

from uuid import UUID

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from mediation.accounts.models import StaffUser
from mediation.cases.models import DuplicateFlag, Participant, Person, PersonNameToken
from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.core.crypto import name_tokens
from mediation.extensions import db
from tests.cases.test_intake import point_id
from tests.cases.test_parties import client_as, count, counts, newest, people
from tests.cases.test_person_scope import INTAKE, SECRET, assert_nothing_of_the_secret, offered
from tests.matrix import UNKNOWN_ID
from tests.strategies import FUZZ, nasty_text, sometimes

GENERIC = "A person with these details may already be known to your association."
SEEN = "This person may already be registered: check the cases below, then choose."
# What mediator A1 types: the name and birth date of SECRET, nothing of its contact profile.
LOOKALIKE = {**SECRET, "phone": "", "email": "", "address": "", "safe_contact_instructions": ""}
BY_PHONE = {**LOOKALIKE, "full_name": "سميرة ف.", "full_name_latin": "", "birth_date": "", "phone": SECRET["phone"]}


def person_public_id(app, person_id: int) -> str:
    with app.app_context():
        return str(db.session.get(Person, person_id).public_id)


def display_name(app, username: str) -> str:
    with app.app_context():
        return db.session.scalar(select(StaffUser.display_name).where(StaffUser.username == username))


def user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(StaffUser.id).where(StaffUser.username == username))


def flags(app) -> list[dict]:
    with app.app_context():
        return [{"public_id": str(f.public_id), "participant_id": f.participant_id,
                 "person_id": f.participant.person_id, "candidate_person_id": f.candidate_person_id,
                 "linked": f.linked, "association_id": f.association_id}
                for f in db.session.scalars(select(DuplicateFlag).order_by(DuplicateFlag.id)).unique()]


@pytest.fixture
def secret_party(app, world, cases):
    a2 = client_as(app, world, "mediator_a2")
    assert a2.post(f"/cases/{cases.colleague}/parties/new", data=SECRET).status_code == 302
    return newest(app, cases.colleague)


@pytest.fixture
def flagged(app, world, cases, secret_party):
    """Mediator A1 was warned in general terms and created a record of their own: one open flag."""
    a1 = client_as(app, world, "mediator_a1")
    assert a1.post(f"/cases/{cases.own}/parties/new", data=LOOKALIKE).status_code == 422
    assert a1.post(f"/cases/{cases.own}/parties/new", data={**LOOKALIKE, "match_choice": "new"}).status_code == 302
    [flag] = flags(app)
    return flag


# The warning


@pytest.mark.parametrize("typed", [LOOKALIKE, BY_PHONE], ids=["name-and-birth-date", "phone"])
def test_a_match_the_user_may_see_shows_its_case_and_lead_before_anything_is_saved(app, world, cases,
                                                                                     secret_party, typed):
    supervisor = client_as(app, world, "supervisor_a")
    before = counts(app)
    response = supervisor.post(f"/cases/{cases.own}/parties/new?lang=en", data=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert counts(app)[:2] == before[:2], "nothing saved before the answer"
    assert SEEN in page and GENERIC not in page
    assert cases.references["colleague"] in page
    assert display_name(app, "mediator.a2") in page, "the lead of the case is named"
    secret_id = person_public_id(app, secret_party["person_id"])
    assert offered(page) == [secret_id, "new"]
    assert typed["full_name"] in page, "the input is kept"
    # Linking: the new participation is the existing person.
    response = supervisor.post(f"/cases/{cases.own}/parties/new?lang=en", data={**typed, "match_choice": secret_id})
    assert response.status_code == 302
    assert newest(app, cases.own)["person_id"] == secret_party["person_id"]
    assert flags(app) == [], "nothing hidden from the supervisor: nothing to flag"


def test_a_mediator_who_may_see_the_other_case_may_link_to_its_person(app, world, cases, secret_party):
    """Mediator A1, co-worker of the colleague's case, is shown that case and links to its person."""
    from mediation.cases.services.intake import add_co_worker
    from tests.cases.matrix_rows_notes import actor, case_by_public_id

    with app.app_context():
        add_co_worker(db.session, case_by_public_id(cases.colleague), actor("mediator.a1").id,
                      actor=actor("mediator.a2"))
        db.session.commit()
    a1 = client_as(app, world, "mediator_a1")
    page = a1.post(f"/cases/{cases.own}/parties/new?lang=en", data=LOOKALIKE).get_data(as_text=True)
    assert cases.references["colleague"] in page
    secret_id = person_public_id(app, secret_party["person_id"])
    assert a1.post(f"/cases/{cases.own}/parties/new", data={**LOOKALIKE, "match_choice": secret_id}).status_code == 302
    assert newest(app, cases.own)["person_id"] == secret_party["person_id"]


@pytest.mark.parametrize("typed", [LOOKALIKE, BY_PHONE], ids=["name-and-birth-date", "phone"])
def test_a_match_the_user_may_not_see_gets_one_sentence_and_nothing_else(app, world, cases, secret_party, typed):
    a1 = client_as(app, world, "mediator_a1")
    before = counts(app)
    response = a1.post(f"/cases/{cases.own}/parties/new?lang=en", data=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and GENERIC in page and SEEN not in page
    assert counts(app)[:2] == before[:2], "nothing saved before the answer"
    assert cases.references["colleague"] not in page, "not the other case's reference"
    assert display_name(app, "mediator.a2") not in page, "not its lead"
    assert offered(page) == ["new"], "no link to offer"
    assert_nothing_of_the_secret(page, typed=typed)
    # Sending the hidden person's id (guessed, or from elsewhere) links nothing: the question comes back.
    secret_id = person_public_id(app, secret_party["person_id"])
    again = a1.post(f"/cases/{cases.own}/parties/new?lang=en", data={**typed, "match_choice": secret_id})
    assert again.status_code == 422 and cases.references["colleague"] not in again.get_data(as_text=True)
    assert counts(app)[:2] == before[:2]
    # A record of its own, flagged for the supervisor.
    assert a1.post(f"/cases/{cases.own}/parties/new", data={**typed, "match_choice": "new"}).status_code == 302
    mine = newest(app, cases.own)
    assert mine["person_id"] != secret_party["person_id"]
    [flag] = flags(app)
    assert (flag["person_id"], flag["candidate_person_id"], flag["linked"]) == (
        mine["person_id"], secret_party["person_id"], None)
    assert_nothing_of_the_secret(a1.get(f"/cases/{cases.own}?lang=en").get_data(as_text=True), typed=typed)


def test_intake_warns_before_opening_the_case(app, world, cases, secret_party):
    from mediation.cases.models import Case

    a1 = client_as(app, world, "mediator_a1")
    form = {**INTAKE, "full_name": SECRET["full_name"], "birth_date": SECRET["birth_date"], "sex": "female",
            "contact_allowed": "yes", "service_point_id": point_id(app, world.association_a)}
    cases_before, before = count(app, Case), counts(app)
    response = a1.post("/cases/new?lang=en", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and GENERIC in page and offered(page) == ["new"]
    assert cases.references["colleague"] not in page and display_name(app, "mediator.a2") not in page
    assert_nothing_of_the_secret(page)
    assert (count(app, Case), counts(app)[:2]) == (cases_before, before[:2]), "no case, no person yet"
    response = a1.post("/cases/new?lang=en", data={**form, "match_choice": "new"})
    assert response.status_code == 302
    new_case = response.headers["Location"].rstrip("/").split("/")[-1].split("?")[0]
    [requesting] = people(app, new_case)
    assert requesting["person_id"] != secret_party["person_id"]
    assert [f["candidate_person_id"] for f in flags(app)] == [secret_party["person_id"]]
    # The supervisor sees both records, each with its case, and links to the colleague's.
    supervisor = client_as(app, world, "supervisor_a")
    form["lead_mediator_id"] = user_id(app, "mediator.a1")
    page = supervisor.post("/cases/new?lang=en", data=form).get_data(as_text=True)
    assert cases.references["colleague"] in page and new_case in page
    secret_id = person_public_id(app, secret_party["person_id"])
    assert secret_id in offered(page)
    response = supervisor.post("/cases/new", data={**form, "match_choice": secret_id})
    assert response.status_code == 302
    linked_case = response.headers["Location"].rstrip("/").split("/")[-1].split("?")[0]
    assert people(app, linked_case)[0]["person_id"] == secret_party["person_id"]


def test_another_associations_people_are_never_matched(app, world, cases, secret_party):
    """Association B registers the very same name, birth date and phone: no warning, no flag, no link."""
    b1 = client_as(app, world, "mediator_b1")
    response = b1.post(f"/cases/{cases.other}/parties/new?lang=en", data=SECRET)
    assert response.status_code == 302, response.get_data(as_text=True)
    in_b = newest(app, cases.other)["person_id"]
    assert in_b != secret_party["person_id"]
    assert flags(app) == []
    # B's supervisor at intake: only B's own record is offered, never A's.
    supervisor = client_as(app, world, "supervisor_b")
    form = {**INTAKE, "full_name": SECRET["full_name"], "birth_date": SECRET["birth_date"], "sex": "female",
            "phone": SECRET["phone"], "contact_allowed": "yes", "service_point_id": point_id(app, world.association_b),
            "lead_mediator_id": user_id(app, "mediator.b1")}
    page = supervisor.post("/cases/new?lang=en", data=form).get_data(as_text=True)
    assert offered(page) == [person_public_id(app, in_b), "new"]
    assert cases.references["other"] in page and cases.references["colleague"] not in page
    assert display_name(app, "mediator.a2") not in page


def test_a_name_without_birth_date_warns_nobody(app, world, cases, secret_party):
    a1 = client_as(app, world, "mediator_a1")
    assert a1.post(f"/cases/{cases.own}/parties/new", data={**LOOKALIKE, "birth_date": ""}).status_code == 302
    assert flags(app) == []


# The supervisor's decision


def test_the_flag_reaches_the_supervisor_of_the_association_and_nobody_else(app, world, cases, flagged):
    supervisor = client_as(app, world, "supervisor_a")
    page = supervisor.get("/cases/duplicates?lang=en").get_data(as_text=True)
    assert cases.references["own"] in page and cases.references["colleague"] in page
    assert flagged["public_id"] in page
    assert "1 possible duplicate to decide" in supervisor.get("/?lang=en").get_data(as_text=True)
    for persona in ("mediator_a1", "mediator_a2", "mediator_b1", "admin", "ministry"):
        client = client_as(app, world, persona)
        assert client.get("/cases/duplicates").status_code == 403, persona
        assert "possible duplicate" not in client.get("/?lang=en").get_data(as_text=True), persona
    other = client_as(app, world, "supervisor_b")
    page = other.get("/cases/duplicates?lang=en").get_data(as_text=True)
    assert flagged["public_id"] not in page and cases.references["own"] not in page
    assert other.post(f"/cases/duplicates/{flagged['public_id']}",
                      data={f"flag-{flagged['public_id']}-decision": "link"}).status_code == 404
    assert flags(app)[0]["linked"] is None


def test_a_flag_whose_record_was_anonymised_is_moot(app, world, cases, flagged):
    """Either record anonymised (docs/domain.md, DOM58): nobody is left to link, the flag leaves the list."""
    supervisor = client_as(app, world, "supervisor_a")
    assert flagged["public_id"] in supervisor.get("/cases/duplicates").get_data(as_text=True)
    with app.app_context():
        person = db.session.get(Person, flagged["candidate_person_id"])
        person.anonymised_at = clock.now()
        db.session.commit()
    assert flagged["public_id"] not in supervisor.get("/cases/duplicates").get_data(as_text=True)
    assert "possible duplicate" not in supervisor.get("/?lang=en").get_data(as_text=True)


def test_the_list_says_how_many_wait_beyond_those_shown(app, world, cases, flagged, monkeypatch):
    from mediation.cases import queries as case_queries
    from mediation.cases.routes import duplicates as route

    with app.app_context():
        first = db.session.scalar(select(DuplicateFlag))
        db.session.add(DuplicateFlag(association_id=first.association_id, participant_id=first.participant_id,
                                     candidate_person_id=first.candidate_person_id,
                                     flagged_by_id=first.flagged_by_id))
        db.session.commit()
    supervisor = client_as(app, world, "supervisor_a")
    assert 'id="more-waiting"' not in supervisor.get("/cases/duplicates?lang=en").get_data(as_text=True)
    oldest = case_queries.open_duplicate_flags
    monkeypatch.setattr(route.queries, "open_duplicate_flags", lambda session, user: oldest(session, user, limit=1))
    page = supervisor.get("/cases/duplicates?lang=en").get_data(as_text=True)
    assert "The 1 oldest of 2 possible duplicates are shown" in page


def test_linking_moves_the_new_participation_onto_the_existing_record(app, world, cases, secret_party, flagged):
    supervisor = client_as(app, world, "supervisor_a")
    moved = flagged["person_id"]
    response = supervisor.post(f"/cases/duplicates/{flagged['public_id']}?lang=en",
                               data={f"flag-{flagged['public_id']}-decision": "link"})
    assert response.status_code == 302
    assert newest(app, cases.own)["person_id"] == secret_party["person_id"]
    assert count(app, Person, Person.id == moved) == 0, "the second record is gone"
    assert count(app, Participant, Participant.person_id == moved) == 0
    # Both records held the same words: the kept one holds each token once, the moved one none (S37).
    assert count(app, PersonNameToken, PersonNameToken.person_id == moved) == 0
    with app.app_context():
        kept = db.session.get(Person, secret_party["person_id"])
        assert {row.token for row in kept.name_tokens} == name_tokens(kept.association_id, kept.full_name,
                                                                       kept.full_name_latin)
    assert flags(app)[0]["linked"] is True
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert (event.action, event.entity, event.entity_id) == ("decision", "duplicate_flag", flagged["public_id"])
    # Decided: gone from the list, and a second decision finds nothing.
    assert flagged["public_id"] not in supervisor.get("/cases/duplicates").get_data(as_text=True)
    assert supervisor.post(f"/cases/duplicates/{flagged['public_id']}",
                           data={f"flag-{flagged['public_id']}-decision": "separate"}).status_code == 404
    # The supervisor's decision: mediator A1 now works with the person's one record.
    page = client_as(app, world, "mediator_a1").get(f"/cases/{cases.own}").get_data(as_text=True)
    assert SECRET["safe_contact_instructions"] in page


def test_a_link_fills_only_what_the_existing_record_lacks(app, world, cases):
    a2 = client_as(app, world, "mediator_a2")
    assert a2.post(f"/cases/{cases.colleague}/parties/new", data={**SECRET, "address": ""}).status_code == 302
    kept = newest(app, cases.colleague)["person_id"]
    a1 = client_as(app, world, "mediator_a1")
    typed = {**LOOKALIKE, "address": "A1-address درب جديد", "phone": "0611111111", "match_choice": "new"}
    assert a1.post(f"/cases/{cases.own}/parties/new", data=typed).status_code == 302
    [flag] = flags(app)
    supervisor = client_as(app, world, "supervisor_a")
    assert supervisor.post(f"/cases/duplicates/{flag['public_id']}",
                           data={f"flag-{flag['public_id']}-decision": "link"}).status_code == 302
    with app.app_context():
        person = db.session.get(Person, kept)
        assert person.address == typed["address"], "filled in: the record had none"
        assert person.phone == SECRET["phone"], "kept: the record had one"
    # The kept record is still found by its own details, and is one record for both cases.
    assert {p["person_id"] for p in people(app, cases.own)} >= {kept}
    page = supervisor.post(f"/cases/{cases.own}/parties/new?lang=en",
                           data={**LOOKALIKE, "role": "in_law"}).get_data(as_text=True)
    assert "This person already takes part in this case." in page


def test_keeping_separate_changes_no_record(app, world, cases, secret_party, flagged):
    supervisor = client_as(app, world, "supervisor_a")
    before = people(app, cases.own), people(app, cases.colleague)
    assert supervisor.post(f"/cases/duplicates/{flagged['public_id']}",
                           data={f"flag-{flagged['public_id']}-decision": "separate"}).status_code == 302
    assert (people(app, cases.own), people(app, cases.colleague)) == before
    assert flags(app)[0]["linked"] is False


def test_a_decision_without_an_answer_keeps_the_flag_open(app, world, flagged):
    supervisor = client_as(app, world, "supervisor_a")
    response = supervisor.post(f"/cases/duplicates/{flagged['public_id']}?lang=en", data={})
    assert response.status_code == 422 and "Choose one." in response.get_data(as_text=True)
    assert flags(app)[0]["linked"] is None


def test_records_of_one_case_are_never_linked(app, world, cases, secret_party, flagged):
    """The existing person joined the flagged case in the meantime: linking would put them there twice."""
    from mediation.cases.codes import AgeBand, ParticipantRole
    from tests.cases.matrix_rows_notes import case_by_public_id

    with app.app_context():
        db.session.add(Participant(case_id=case_by_public_id(cases.own).id, person_id=secret_party["person_id"],
                                   role=ParticipantRole.IN_LAW, age_band=AgeBand.B35_44))
        db.session.commit()
    before = people(app, cases.own)
    supervisor = client_as(app, world, "supervisor_a")
    response = supervisor.post(f"/cases/duplicates/{flagged['public_id']}?lang=en",
                               data={f"flag-{flagged['public_id']}-decision": "link"})
    assert response.status_code == 422 and "cannot be linked" in response.get_data(as_text=True)
    assert people(app, cases.own) == before and flags(app)[0]["linked"] is None


# The related cases of the case page


def test_related_cases_list_only_the_cases_the_viewer_may_see(app, world, cases, secret_party, flagged):
    supervisor = client_as(app, world, "supervisor_a")
    assert supervisor.post(f"/cases/duplicates/{flagged['public_id']}",
                           data={f"flag-{flagged['public_id']}-decision": "link"}).status_code == 302
    own_page = supervisor.get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    assert "Related cases" in own_page and cases.references["colleague"] in own_page
    # Each mediator leads one of the two cases: the other stays unnamed.
    a1_page = client_as(app, world, "mediator_a1").get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    assert "Related cases" not in a1_page and cases.references["colleague"] not in a1_page
    a2_page = client_as(app, world, "mediator_a2").get(f"/cases/{cases.colleague}?lang=en").get_data(as_text=True)
    assert "Related cases" not in a2_page and cases.references["own"] not in a2_page
    # Association B's case of a person with the same details is nobody's related case.
    other_page = client_as(app, world, "supervisor_b").get(f"/cases/{cases.other}?lang=en").get_data(as_text=True)
    assert "Related cases" not in other_page


# Generated input


@FUZZ
@given(choice=st.one_of(st.none(), nasty_text, st.sampled_from(["new", "NEW", " new", UNKNOWN_ID])),
       birth=sometimes(SECRET["birth_date"], ""))
@example(choice=None, birth=SECRET["birth_date"])
@example(choice="new", birth=SECRET["birth_date"])
def test_generated_answers_never_fail_nor_link_a_hidden_person(app, world, cases, secret_party, choice, birth):
    a1 = client_as(app, world, "mediator_a1")
    data = {**LOOKALIKE, "birth_date": birth}
    if choice is not None:
        data["match_choice"] = choice
    response = a1.post(f"/cases/{cases.own}/parties/new?lang=en", data=data)
    assert response.status_code in (302, 422), response.status_code
    page = response.get_data(as_text=True)
    assert cases.references["colleague"] not in page and "<script>alert(1)</script>" not in page
    assert secret_party["person_id"] not in {p["person_id"] for p in people(app, cases.own)}
    if response.status_code == 302:
        mine = newest(app, cases.own)
        with app.app_context():
            db.session.execute(Participant.__table__.delete().where(Participant.public_id == UUID(mine["id"])))
            db.session.commit()


@FUZZ
@given(decision=st.one_of(st.none(), nasty_text, st.sampled_from(["link", "separate"])))
@example(decision=None)
def test_generated_decisions_never_fail(app, world, flagged, decision):
    supervisor = client_as(app, world, "supervisor_a")
    data = {} if decision is None else {f"flag-{flagged['public_id']}-decision": decision}
    response = supervisor.post(f"/cases/duplicates/{flagged['public_id']}", data=data)
    assert response.status_code in (302, 404, 422), response.status_code


@FUZZ
@given(choice=st.one_of(st.none(), nasty_text, st.sampled_from(["new", UNKNOWN_ID])),
       phone=sometimes(SECRET["phone"], ""))
@example(choice=None, phone="")
def test_generated_intake_answers_never_fail(app, world, cases, secret_party, choice, phone):
    from mediation.cases.models import Case

    a1 = client_as(app, world, "mediator_a1")
    form = {**INTAKE, "full_name": SECRET["full_name"], "birth_date": SECRET["birth_date"], "sex": "female",
            "contact_allowed": "yes", "phone": phone, "service_point_id": point_id(app, world.association_a)}
    if choice is not None:
        form["match_choice"] = choice
    before = count(app, Case), counts(app)[:2]
    response = a1.post("/cases/new?lang=en", data=form)
    assert response.status_code in (302, 422), response.status_code
    page = response.get_data(as_text=True)
    assert cases.references["colleague"] not in page and "<script>alert(1)</script>" not in page
    if response.status_code == 302:
        assert choice == "new", "a new case only once the user has answered"
    else:
        assert (count(app, Case), counts(app)[:2]) == before, "nothing half-saved"
