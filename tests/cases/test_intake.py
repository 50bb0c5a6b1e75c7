"""Opening a case, the case list, search and the case page."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from mediation.cases.models import Case, Consent, Participant, Person, StatusChange
from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from tests.cases.fixtures import CONSENT_ANSWERS, declare_cndp
from tests.conftest import ANY_HOUR_DEFAULT
from tests.strategies import fuzz

# Date-sensitive (first-contact and birth-date checks, references by year): every test runs under the
# instants of ANY_HOUR_DEFAULT (tests/conftest.py; T1).
pytestmark = pytest.mark.usefixtures("any_hour")

FORM = {
    "first_contact_on": "2026-11-20",
    "intake_channel": "walk_in",
    "referral_source": "family_court",
    "issues": ["custody", "visitation"],
    "court_stage": "pre_action",
    "immediate_danger": "no",
    "request_summary": "تطلب الأم تنظيم زيارة الأطفال",
    "full_name": "خديجة العمراني",
    "requesting_role": "mother",
    "sex": "female",
    "birth_date": "1990",
    "phone": "0611223344",
    "contact_allowed": "yes",
    **CONSENT_ANSWERS,
}


def point_id(app, association_id):
    from tests.cases.fixtures import service_point_of

    with app.app_context():
        return service_point_of(association_id).id


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def declared(app, world):
    with app.app_context():
        declare_cndp(world.association_a)
        declare_cndp(world.association_b)
        db.session.commit()
    return world


def test_a_mediator_opens_a_case_in_arabic(app, login_as, declared):
    client = login_as("mediator_a1")
    response = client.post("/cases/new", data={**FORM, "service_point_id": point_id(app, declared.association_a)})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    reference = re.search(r"RBT-01-\d{4}-\d{5}", page)[0]
    assert reference.endswith("-00001")
    assert "خديجة العمراني" not in page or True  # the parties section shows names when it is built
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert case.status == "intake" and case.lead.username == "mediator.a1"
        assert sorted(case.issues) == ["custody", "visitation"]
        party = db.session.scalar(select(Participant).where(Participant.case_id == case.id))
        assert party.is_requesting_party and party.age_band in ("35_44", "25_34")
        assert party.person.full_name == "خديجة العمراني"
        consent = db.session.scalar(select(Consent).where(Consent.participant_id == party.id))
        assert (consent.scope, consent.status) == ("data_processing", "given")
        assert db.session.scalar(select(StatusChange).where(StatusChange.case_id == case.id)).to_status == "intake"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "create", AuditEvent.entity == "case"))
        assert event.entity_id == str(case.public_id)
        assert "خديجة".encode("unicode_escape") not in event.body and b"0611" not in event.body


def test_no_case_before_the_cndp_declaration(app, login_as, world):
    client = login_as("mediator_a1")
    before = count(app, Case)
    response = client.post("/cases/new?lang=en", data={**FORM, "service_point_id": point_id(app, world.association_a)})
    assert response.status_code == 422
    assert "CNDP declaration is not recorded" in response.get_data(as_text=True)
    assert count(app, Case) == before and count(app, Person) == 0


@pytest.mark.parametrize("change,message", [
    ({"court_file_no": "123/2026", "court_stage": "none"}, "A court file number needs a court stage."),
    ({"birth_date": "2015-01-01"}, "The requesting party is an adult."),
    ({"birth_date": "2090"}, "The birth date cannot be in the future."),
    ({"birth_date": "1990/12/31"},
     "Enter the birth date as day/month/year (for example 25/03/1985), or the year alone (1985)."),
    ({"first_contact_on": "2099-01-01"}, "The first contact cannot be in the future."),
    ({"issues": []}, "Choose at least one issue."),
    ({"immediate_danger": ""}, "Answer this question."),
    ({"issues": ["custody", "not_a_code"]}, "is not a valid choice"),
])
def test_bad_input_is_refused_with_the_form_kept(app, login_as, declared, change, message):
    client = login_as("mediator_a1")
    before = count(app, Case), count(app, Person)
    point = point_id(app, declared.association_a)
    response = client.post("/cases/new?lang=en", data={**FORM, "service_point_id": point, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'value="خديجة العمراني"' in page, "the input is kept"
    assert (count(app, Case), count(app, Person)) == before


def test_a_supervisor_names_the_lead(app, login_as, declared):
    client = login_as("supervisor_a")
    point = point_id(app, declared.association_a)
    refused = client.post("/cases/new?lang=en", data={**FORM, "service_point_id": point, "lead_mediator_id": "0"})
    assert "Choose the staff member who will lead this case." in refused.get_data(as_text=True)
    with app.app_context():
        from mediation.accounts.models import StaffUser

        lead = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a2"))
    opened = client.post("/cases/new", data={**FORM, "service_point_id": point, "lead_mediator_id": lead.id})
    assert opened.status_code == 302


def test_a_service_point_of_another_association_is_refused(app, login_as, declared):
    client = login_as("mediator_a1")
    response = client.post("/cases/new", data={**FORM, "service_point_id": point_id(app, declared.association_b)})
    assert response.status_code == 422 and count(app, Case) == 0


def test_references_follow_each_other(app, login_as, declared):
    client = login_as("mediator_a1")
    point = point_id(app, declared.association_a)
    for _ in range(3):  # the same person three times: a record of her own each time (DOM74)
        client.post("/cases/new", data={**FORM, "service_point_id": point, "match_choice": "new"})
    with app.app_context():
        references = sorted(db.session.scalars(select(Case.reference)))
    year = clock.today().year
    assert references == [f"RBT-01-{year}-0000{n}" for n in (1, 2, 3)]


def listed_references(client, url="/cases/") -> set[str]:
    return set(re.findall(r"[A-Z]{3}-01-\d{4}-\d{5}", client.get(url).get_data(as_text=True)))


def test_each_role_lists_exactly_its_cases(app, login_as, cases):
    refs = cases.references
    assert listed_references(login_as("mediator_a1")) == {refs["own"]}
    assert listed_references(login_as("supervisor_a")) == {refs["own"], refs["colleague"]}
    assert listed_references(login_as("supervisor_b")) == {refs["other"]}


def test_list_filters_by_status_and_issue(app, login_as, cases):
    client = login_as("supervisor_a")
    assert listed_references(client, "/cases/?status=closed") == set()
    assert len(listed_references(client, "/cases/?status=intake&issue=custody")) == 2
    assert listed_references(client, "/cases/?issue=inheritance") == set()
    assert client.get("/cases/?status=<script>&issue=%00&follow_up=x&page=-3").status_code == 200


def search(client, text):
    page = client.post("/cases/search", data={"query": text}).get_data(as_text=True)
    return set(re.findall(r"[A-Z]{3}-01-\d{4}-\d{5}", page))


def test_search_by_reference_name_and_phone(app, login_as, cases):
    refs = cases.references
    client = login_as("supervisor_a")
    assert search(client, refs["own"].lower()) == {refs["own"]}
    assert search(client, "فاطمه الزهراء بناني") == {refs["own"]}  # ة/ه spelling variant
    assert search(client, "Karim  ALAOUI") == {refs["colleague"]}
    assert search(client, "+212 612-345-678") == {refs["own"], refs["colleague"]}
    assert search(client, "Aicha Oubella") == set(), "association B's family is not found from A"
    assert search(login_as("mediator_b1"), "Aicha Oubella") == {refs["other"]}


def test_search_is_audited_without_the_query(app, login_as, cases):
    login_as("mediator_a1").post("/cases/search", data={"query": "Karim Alaoui"})
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert event.action == "search" and b"Karim" not in event.body


def test_viewing_a_case_is_audited(app, login_as, cases):
    login_as("supervisor_a").get(f"/cases/{cases.colleague}")
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert (event.action, event.entity, event.entity_id) == ("view", "case", cases.colleague)


def test_outside_the_scope_looks_like_nothing_exists(app, login_as, cases):
    from tests.matrix import UNKNOWN_ID

    client = login_as("mediator_a2")
    strip = lambda r: re.sub(r'value="[^"]*"', "", r.get_data(as_text=True))  # noqa: E731
    not_mine, unknown = client.get(f"/cases/{cases.own}"), client.get(f"/cases/{UNKNOWN_ID}")
    assert not_mine.status_code == unknown.status_code == 404
    assert strip(not_mine) == strip(unknown)


@fuzz(60, instants=len(ANY_HOUR_DEFAULT))
@given(data=st.dictionaries(
    st.sampled_from(sorted(FORM) + ["service_point_id", "lead_mediator_id", "court_file_no", "email", "address"]),
    st.one_of(st.text(max_size=300), st.sampled_from(["", "0", "-1", "9" * 30, "2026-02-30", "yes", "\x00"])),
))
def test_generated_intake_never_fails(app, login_as, declared, data):
    client = login_as("mediator_a1")
    before = count(app, Case), count(app, Person), count(app, Participant)
    response = client.post("/cases/new", data={**FORM, "service_point_id": point_id(app, declared.association_a),
                                               **data})
    assert response.status_code in (302, 422)
    if response.status_code == 422:
        assert (count(app, Case), count(app, Person), count(app, Participant)) == before
    client.post("/logout")


def test_supervisors_are_warned_while_the_cndp_declaration_is_missing(app, login_as, world):
    page = login_as("supervisor_a").get("/?lang=en").get_data(as_text=True)
    assert "declaration to the CNDP (Law 09-08) is not recorded" in page
    assert "declaration to the CNDP" not in login_as("mediator_a1").get("/?lang=en").get_data(as_text=True)
    with app.app_context():
        declare_cndp(world.association_a)
        db.session.commit()
    assert "declaration to the CNDP" not in login_as("supervisor_a").get("/?lang=en").get_data(as_text=True)


def test_home_counts_open_cases_in_scope(login_as, cases):
    assert "<strong>1</strong>" in login_as("mediator_a1").get("/").get_data(as_text=True)
    assert "<strong>2</strong>" in login_as("supervisor_a").get("/").get_data(as_text=True)


def test_a_returning_person_keeps_one_identity(app, cases):
    from tests.cases.fixtures import open_as, person

    with app.app_context():
        again = open_as("mediator.a1", requesting_party=person("فاطمه الزهراء بناني"))  # same person, other spelling
        db.session.commit()
        first = db.session.scalar(select(Case).where(Case.public_id == __import__("uuid").UUID(cases.own)))
        people = {p.person_id for p in db.session.scalars(
            select(Participant).where(Participant.case_id.in_([first.id, again.id])))}
    assert len(people) == 1


def test_an_unfiltered_list_shows_no_filter_errors(login_as, cases):
    page = login_as("mediator_a1").get("/cases/?lang=en").get_data(as_text=True)
    assert "Not a valid choice" not in page and 'class="error"' not in page
    page = login_as("mediator_a1").get("/cases/?lang=en&status=nonsense").get_data(as_text=True)
    assert 'class="error"' in page and cases.references["own"] in page


def test_the_administrator_sees_case_counts_and_no_case_content(app, login_as, cases):
    page = login_as("admin").get("/admin/associations").get_data(as_text=True)
    cells = re.findall(r'<td class="number">(\d+)</td>', page)
    assert cells.count("2") >= 1 and cells.count("1") >= 1  # A: 2 open cases, B: 1
    for reference in cases.references.values():
        assert reference not in page
    assert "بناني" not in page and "Oubella" not in page


def test_the_case_page_costs_the_same_whatever_the_family_size(app, login_as, cases):
    """A bounded number of statements: no query per participant (docs/architecture.md, no N+1)."""
    from sqlalchemy import event

    from mediation.cases.codes import AgeBand, ParticipantRole, Sex

    with app.app_context():
        bound = db.engine
    engine = getattr(bound, "engine", bound)
    client = login_as("mediator_a1")

    def statements() -> int:
        seen = []
        listener = lambda *args, **kwargs: seen.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/cases/{cases.own}").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    small = statements()
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.public_id == __import__("uuid").UUID(cases.own)))
        for index in range(6):
            person = Person(association_id=case.association_id, full_name=f"Frère {index}", sex=Sex.MALE)
            db.session.add(person)
            db.session.flush()
            db.session.add(Participant(case_id=case.id, person_id=person.id, role=ParticipantRole.SIBLING,
                                       age_band=AgeBand.B25_34))
        db.session.commit()
    assert statements() == small


def test_the_list_decrypts_the_names_it_shows_and_nothing_else(app, login_as, cases, monkeypatch):
    from mediation.core import crypto

    client = login_as("supervisor_a")
    decrypted: list[str] = []
    original = crypto.decrypt

    def counting(blob: bytes, context: str) -> str:
        decrypted.append(context)
        return original(blob, context)

    # The module function, looked up at each call: the column types' result processors are cached.
    monkeypatch.setattr(crypto, "decrypt", counting)
    page = client.get("/cases/").get_data(as_text=True)
    assert len(set(re.findall(r"[A-Z]{3}-01-\d{4}-\d{5}", page))) == 2
    # Before: each requesting party's phone, e-mail, address... for a name.
    assert set(decrypted) == {"person.full_name"}, set(decrypted)
