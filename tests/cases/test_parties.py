"""The people of a case: adults and children (docs/domain.md, DOM19-DOM24; docs/security.md, S12, S13,
S22, S31).

Direct database work happens inside `with app.app_context():`; requests are made outside it.
"""

from __future__ import annotations

import re
from datetime import date
from uuid import UUID

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import func, select, text

from mediation.accounts.models import Association
from mediation.cases.codes import CaseStatus
from mediation.cases.models import Case, Consent, Participant, Person
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from tests.cases.fixtures import CONSENT_ANSWERS
from tests.conftest import login
from tests.matrix import UNKNOWN_ID
from tests.strategies import FUZZ, nasty_text, sometimes

# The own case is dated so that ages are exact whatever day the suite runs.
OPENED = date(2026, 5, 15)

ADULT = {
    "full_name": "أحمد بنعلي",
    "full_name_latin": "Ahmed Benali",
    "role": "father",
    "sex": "male",
    "birth_date": "1990-03-01",
    "phone": "0622334455",
    "email": "ahmed@example.ma",
    "address": "زنقة 5، حي السلام، سلا",
    "contact_allowed": "yes",
    "safe_contact_instructions": "الهاتف فقط، صباحاً",
    "preferred_language": "ary",
    "is_party": "y",
    **CONSENT_ANSWERS,
}
CHILD = {
    "full_name": "ياسمين بنعلي",
    "sex": "female",
    "birth_date": "2019-01-10",
    "lives_with": "mother",
    "in_school": "yes",
    "takes_part": "y",
}


# Helpers


def client_as(app, world, persona: str):
    """A fresh client logged in as the persona (one client per persona: no shared session)."""
    client = app.test_client()
    if persona != "anonymous":
        assert login(client, world.usernames[persona]).status_code == 302
    return client


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def authorised(app, case_public_id: str) -> bool:
    """Whether the case's association holds the CNDP authorisation for health data (docs/domain.md, DOM3)."""
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.public_id == UUID(case_public_id)))
        return bool(db.session.get(Association, case.association_id).cndp_authorisation_no)


def counts(app) -> tuple[int, int, int]:
    return count(app, Person), count(app, Participant), count(app, AuditEvent)


def people(app, case_public_id: str) -> list[dict]:
    """The case's participants with their decrypted identity, oldest row first."""
    with app.app_context():
        rows = db.session.scalars(
            select(Participant).join(Case, Case.id == Participant.case_id)
            .where(Case.public_id == UUID(case_public_id)).order_by(Participant.id)
        ).all()
        return [{
            "id": str(p.public_id), "person_id": p.person_id, "role": p.role.value, "age_band": p.age_band.value,
            "is_party": p.is_party, "is_requesting_party": p.is_requesting_party,
            "lives_with": p.lives_with.value if p.lives_with else None, "in_school": p.in_school,
            "takes_part": p.takes_part, "version": p.version_id,
            "full_name": p.person.full_name, "birth_date": p.person.birth_date, "phone": p.person.phone,
            "sex": p.person.sex.value, "person_version": p.person.version_id,
            "contact_allowed": p.person.contact_allowed, "id_checked": p.person.id_checked,
        } for p in rows]


def newest(app, case_public_id: str) -> dict:
    return people(app, case_public_id)[-1]


def requesting(app, case_public_id: str) -> dict:
    return next(p for p in people(app, case_public_id) if p["is_requesting_party"])


def last_event(app) -> AuditEvent:
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        db.session.expunge(event)
        return event


def versions(page: str) -> dict[str, str]:
    return {name: re.search(rf'name="{name}"[^>]*value="(\d+)"', page)[1]
            for name in ("person_version", "participant_version")}


def set_case(app, case_public_id: str, **values) -> None:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.public_id == UUID(case_public_id)))
        for name, value in values.items():
            setattr(case, name, value)
        db.session.commit()


def edit_url(case_id: str, participant_id: str) -> str:
    return f"/cases/{case_id}/participants/{participant_id}/edit"


@pytest.fixture
def own(app, cases):
    """Mediator A1's case, opened on a fixed day."""
    set_case(app, cases.own, opened_on=OPENED)
    return cases.own


@pytest.fixture
def a1(app, world, cases):
    return client_as(app, world, "mediator_a1")


# Adding people: happy paths in Arabic and French


def test_a_mediator_adds_a_party_in_arabic(app, a1, own):
    response = a1.post(f"/cases/{own}/parties/new?lang=ar", data=ADULT)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/cases/{own}")
    party = newest(app, own)
    assert (party["role"], party["age_band"], party["is_party"], party["is_requesting_party"]) == (
        "father", "35_44", True, False)
    assert (party["full_name"], party["phone"], party["contact_allowed"]) == ("أحمد بنعلي", "0622334455", "yes")
    page = a1.get(f"/cases/{own}?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert "أحمد بنعلي" in page and "0622334455" in page and "Ahmed Benali" in page
    assert "الأب" in page, "the role label is translated"
    event = last_event(app)
    # The case page view is the last event; the creation comes just before it.
    with app.app_context():
        created = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "create",
                                                             AuditEvent.entity == "participant"))
        assert created.entity_id == party["id"]
        assert created.association_id == event.association_id
        assert "أحمد".encode("unicode_escape") not in created.body and b"0622" not in created.body


def test_a_supervisor_adds_a_child_in_french(app, world, own):
    client = client_as(app, world, "supervisor_a")
    response = client.post(f"/cases/{own}/children/new?lang=fr", data={**CHILD, "full_name": "Yasmine Benali"})
    assert response.status_code == 302
    child = newest(app, own)
    assert (child["role"], child["age_band"], child["lives_with"], child["in_school"], child["takes_part"]) == (
        "child", "6_11", "mother", True, True)
    assert child["is_party"] is False and child["is_requesting_party"] is False
    page = client.get(response.headers["Location"].split("#")[0] + "?lang=fr").get_data(as_text=True)
    assert 'lang="fr"' in page and "Yasmine Benali" in page
    assert "De 6 à 11 ans" in page
    assert "Mère" in page, "lives with: translated"
    with app.app_context():
        # (the requesting party's consent at intake is a participant event too)
        created = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "participant",
                                                              AuditEvent.action != "consent_change")).one()
        assert (created.action, created.entity_id) == ("create", child["id"])


def test_the_add_forms_render_in_both_languages(a1, own):
    arabic = a1.get(f"/cases/{own}/parties/new?lang=ar").get_data(as_text=True)
    french = a1.get(f"/cases/{own}/children/new?lang=fr").get_data(as_text=True)
    assert 'dir="rtl"' in arabic and '<option value="father">الأب</option>' in arabic
    assert 'lang="fr"' in french and '<option value="mother">Mère</option>' in french


# Age bands and age rules (at the case's opening day)


@pytest.mark.parametrize("form, birth, band", [
    (ADULT, "1996-05-16", "25_34"),
    (ADULT, "2008-05-15", "18_24"),  # 18 on the very day
    (ADULT, "1960", "60_plus"),
    (ADULT, "2008", "18_24"),  # the year allows 18: the estimate (17) is kept on the adult side
    (ADULT, "", "unknown"),
    (CHILD, "2008-05-16", "15_17"),  # 18 the day after the opening
    (CHILD, "2019-01-10", "6_11"),
    (CHILD, "2013", "12_14"),  # read as born on 1 July: 12
    (CHILD, "2008", "15_17"),  # the year allows 17
    (CHILD, "2026-08-01", "0_3"),  # born after the case opened
])
def test_the_age_band_is_computed_at_the_opening_and_stored(app, a1, own, form, birth, band):
    url = f"/cases/{own}/{'parties' if form is ADULT else 'children'}/new"
    assert a1.post(url, data={**form, "birth_date": birth}).status_code == 302
    assert newest(app, own)["age_band"] == band


@pytest.mark.parametrize("form, birth, message", [
    (ADULT, "2008-05-16", "A party is an adult: 18 or over on the day the case was opened."),
    (ADULT, "2009", "A party is an adult: 18 or over on the day the case was opened."),
    (CHILD, "2008-05-15", "A child is under 18 on the day the case was opened."),
    (CHILD, "2007", "A child is under 18 on the day the case was opened."),
    (ADULT, "2999-01-01", "The birth date cannot be in the future."),
    (CHILD, "2099", "The birth date cannot be in the future."),
    (CHILD, "2026-02-30", "This date does not exist: check the day and the month."),
    (CHILD, "30/02/2020", "This date does not exist: check the day and the month."),
    (CHILD, "2020/02/03", "Enter the birth date as day/month/year (for example 25/03/1985), or the year alone (1985)."),
    (ADULT, "01/03/90", "Write the year with its four digits, for example 1985 rather than 85."),
    (ADULT, "1850", "This birth date is not plausible."),
])
def test_age_rules_are_enforced_with_the_input_kept(app, a1, own, form, birth, message):
    url = f"/cases/{own}/{'parties' if form is ADULT else 'children'}/new?lang=en"
    before = counts(app)
    response = a1.post(url, data={**form, "birth_date": birth})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert f'value="{form["full_name"]}"' in page, "the input is kept"
    assert counts(app) == before


def test_a_child_is_at_least_12_years_younger_than_each_parent(app, a1, own):
    # The requesting mother was born in 1988; a young father is added.
    assert a1.post(f"/cases/{own}/parties/new", data={**ADULT, "birth_date": "2000-01-01"}).status_code == 302
    before = counts(app)
    refused = a1.post(f"/cases/{own}/children/new?lang=en", data={**CHILD, "birth_date": "2010-06-01"})
    assert refused.status_code == 422
    assert "A child is at least 12 years younger than each parent in the case." in refused.get_data(as_text=True)
    assert counts(app) == before
    assert a1.post(f"/cases/{own}/children/new", data={**CHILD, "birth_date": "2012-01-01"}).status_code == 302
    # The same rule holds when the parent comes after the child.
    late = a1.post(f"/cases/{own}/parties/new?lang=en",
                   data={**ADULT, "full_name": "سعاد", "role": "mother", "sex": "female", "birth_date": "2004"})
    assert late.status_code == 422
    assert "12 years younger" in late.get_data(as_text=True)
    # A relative who is not a parent is not compared.
    uncle = {**ADULT, "full_name": "رشيد", "role": "other_relative", "birth_date": "2006-01-01"}
    assert a1.post(f"/cases/{own}/parties/new", data=uncle).status_code == 302


# One identity per person in an association


def test_a_registered_person_is_reused_not_copied(app, world, cases, own):
    """One identity per person among the cases a user may see (docs/security.md, P1): the supervisor,
    who sees every case of the association, is shown the record and links to it; the stored details
    are kept."""
    assert client_as(app, world, "mediator_a1").post(f"/cases/{own}/parties/new", data=ADULT).status_code == 302
    first = newest(app, own)
    persons = count(app, Person)
    supervisor = client_as(app, world, "supervisor_a")
    # Spelling variant: احمد without hamza; spaces differ too.
    variant = {**ADULT, "full_name": "احمد  بنعلي", "phone": "", "role": "spouse"}
    warning = supervisor.post(f"/cases/{cases.colleague}/parties/new?lang=en", data=variant)
    assert warning.status_code == 422 and count(app, Person) == persons
    [known, _new] = re.findall(r'name="match_choice"[^>]*value="([^"]+)"', warning.get_data(as_text=True))
    response = supervisor.post(f"/cases/{cases.colleague}/parties/new?lang=en", data={**variant, "match_choice": known})
    assert response.status_code == 302
    second = newest(app, cases.colleague)
    assert second["person_id"] == first["person_id"]
    assert count(app, Person) == persons, "no second identity"
    assert second["full_name"] == "أحمد بنعلي" and second["phone"] == "0622334455", "the stored record is kept"
    page = supervisor.get(response.headers["Location"].split("#")[0] + "?lang=en").get_data(as_text=True)
    assert "This person was already registered in your association" in page
    # Twice in the same case: refused.
    again = supervisor.post(f"/cases/{cases.colleague}/parties/new?lang=en", data=ADULT)
    assert again.status_code == 422 and "This person already takes part in this case." in again.get_data(as_text=True)
    # Another association keeps its own vault.
    other = client_as(app, world, "mediator_b1")
    assert other.post(f"/cases/{cases.other}/parties/new", data=ADULT).status_code == 302
    assert newest(app, cases.other)["person_id"] != first["person_id"]
    assert count(app, Person) == persons + 1


def test_a_colleague_who_may_not_see_the_case_gets_a_record_of_their_own(app, world, cases, own):
    """Mediator A2 may not see A1's case: the same name and birth date give A2 a new record, with only
    what A2 typed, and no more than one sentence saying such a person may be known
    (tests/cases/test_person_scope.py, tests/cases/test_duplicates.py)."""
    assert client_as(app, world, "mediator_a1").post(f"/cases/{own}/parties/new", data=ADULT).status_code == 302
    first = newest(app, own)
    colleague = client_as(app, world, "mediator_a2")
    response = colleague.post(f"/cases/{cases.colleague}/parties/new?lang=en",
                              data={**ADULT, "phone": "", "role": "spouse", "match_choice": "new"})
    assert response.status_code == 302
    second = newest(app, cases.colleague)
    assert second["person_id"] != first["person_id"] and second["phone"] is None
    page = colleague.get(response.headers["Location"].split("#")[0] + "?lang=en").get_data(as_text=True)
    assert "already registered" not in page and "0622334455" not in page


def test_without_a_birth_date_a_name_alone_does_not_merge_two_people(app, a1, own, cases, world):
    """Nor warns: the phone is left out, the name alone matches nobody."""
    name_only = {**ADULT, "birth_date": "", "phone": ""}
    assert a1.post(f"/cases/{own}/parties/new", data=name_only).status_code == 302
    colleague = client_as(app, world, "mediator_a2")
    assert colleague.post(f"/cases/{cases.colleague}/parties/new", data=name_only).status_code == 302
    assert newest(app, own)["person_id"] != newest(app, cases.colleague)["person_id"]


def test_a_returning_identity_stays_one_row(app, a1, own):
    """Intake reuses the identity of a person who comes back: one Person row, however often she asks."""
    from tests.cases.fixtures import open_as

    with app.app_context():
        open_as("mediator.a1")  # the same mother asks again
        db.session.commit()
    with app.app_context():
        mother = db.session.scalar(select(Person.identity_bidx).where(Person.id == requesting(app, own)["person_id"]))
        assert db.session.scalar(select(func.count()).where(Person.identity_bidx == mother)) == 1
    # Adding her to her own case again is refused, whichever row would be reused.
    again = a1.post(f"/cases/{own}/parties/new?lang=en",
                    data={**ADULT, "full_name": "فاطمه الزهراء بناني", "birth_date": "1988-04-02",
                          "role": "mother", "sex": "female"})
    assert again.status_code == 422 and "This person already takes part in this case." in again.get_data(as_text=True)
    # Editing her without changing her identity still works.
    party = requesting(app, own)
    page = a1.get(edit_url(own, party["id"])).get_data(as_text=True)
    form = {**ADULT, "full_name": "فاطمة الزهراء بناني", "role": "mother", "sex": "female",
            "birth_date": "1988-04-02", "is_requesting_party": "y", "phone": "0611000000", **versions(page)}
    assert a1.post(edit_url(own, party["id"]), data=form).status_code == 302


# Editing, optimistic locking


def test_editing_a_party_saves_and_audits(app, a1, own):
    party = requesting(app, own)
    page = a1.get(edit_url(own, party["id"]) + "?lang=en").get_data(as_text=True)
    assert 'value="فاطمة الزهراء بناني"' in page
    form = {**ADULT, "full_name": "فاطمة الزهراء بناني", "role": "mother", "sex": "female",
            "birth_date": "1988-04-02", "is_requesting_party": "y", "phone": "0611000000", **versions(page)}
    response = a1.post(edit_url(own, party["id"]), data=form)
    assert response.status_code == 302
    after = requesting(app, own)
    assert after["phone"] == "0611000000" and after["person_version"] == party["person_version"] + 1
    assert after["age_band"] == "35_44"
    event = last_event(app)
    assert (event.action, event.entity, event.entity_id) == ("update", "participant", party["id"])
    assert b"0611" not in event.body


def test_versions_and_keys_are_compared_never_assigned(app, a1, own, world):
    party = requesting(app, own)
    page = a1.get(edit_url(own, party["id"])).get_data(as_text=True)
    form = {**ADULT, "full_name": "فاطمة الزهراء بناني", "role": "mother", "sex": "female",
            "birth_date": "1988-04-02", "is_requesting_party": "y", **versions(page),
            # Not fields of the form: ignored.
            "version_id": "99", "association_id": str(world.association_b), "case_id": "1", "person_id": "1",
            "id_checked": "y", "age_band": "60_plus", "public_id": UNKNOWN_ID}
    assert a1.post(edit_url(own, party["id"]), data=form).status_code == 302
    after = requesting(app, own)
    assert after["version"] in (party["version"], party["version"] + 1) and after["version"] != 99
    assert after["id"] == party["id"] and after["age_band"] == "35_44" and after["id_checked"] is False
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.id == after["person_id"]))
        assert person.association_id == world.association_a


def test_a_stale_save_gets_409_with_both_versions_and_the_first_change_kept(app, world, own):
    party = requesting(app, own)
    url = edit_url(own, party["id"])
    first, second = client_as(app, world, "mediator_a1"), client_as(app, world, "supervisor_a")
    page_1, page_2 = first.get(url).get_data(as_text=True), second.get(url).get_data(as_text=True)
    base = {**ADULT, "role": "mother", "sex": "female", "birth_date": "1988-04-02", "is_requesting_party": "y"}
    saved = first.post(url, data={**base, "full_name": "Fatima Zahra Bennani", **versions(page_1)})
    assert saved.status_code == 302

    stale = second.post(url + "?lang=en", data={**base, "full_name": "فاطمة بناني", "phone": "0677889900",
                                                  **versions(page_2)})
    body = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Someone else saved this record while you were editing it." in body
    assert 'value="فاطمة بناني"' in body and "0677889900" in body, "the second user's input is kept"
    assert "Fatima Zahra Bennani" in body, "the values saved in the meantime are shown"
    stored = requesting(app, own)
    assert stored["full_name"] == "Fatima Zahra Bennani" and stored["phone"] == "0622334455"
    # The 409 page carries the current versions: saving it again is a deliberate overwrite.
    assert versions(body) == {"person_version": str(stored["person_version"]),
                              "participant_version": str(stored["version"])}
    retry = second.post(url, data={**base, "full_name": "فاطمة بناني", **versions(body)})
    assert retry.status_code == 302
    assert requesting(app, own)["full_name"] == "فاطمة بناني"


def test_a_child_is_edited_with_its_own_form(app, a1, own):
    assert a1.post(f"/cases/{own}/children/new", data=CHILD).status_code == 302
    child = newest(app, own)
    page = a1.get(edit_url(own, child["id"])).get_data(as_text=True)
    assert 'name="lives_with"' in page and 'name="phone"' not in page
    response = a1.post(edit_url(own, child["id"]), data={**CHILD, "lives_with": "both", "in_school": "",
                                                          "takes_part": "", **versions(page)})
    assert response.status_code == 302
    after = newest(app, own)
    assert (after["lives_with"], after["in_school"], after["takes_part"], after["age_band"]) == (
        "both", None, False, "6_11")
    # A child stays a child: an adult's birth date is refused.
    page = a1.get(edit_url(own, child["id"])).get_data(as_text=True)
    refused = a1.post(edit_url(own, child["id"]) + "?lang=en", data={**CHILD, "birth_date": "1990", **versions(page)})
    assert refused.status_code == 422 and "A child is under 18" in refused.get_data(as_text=True)


def test_the_last_requesting_party_stays(app, a1, own):
    party = requesting(app, own)
    page = a1.get(edit_url(own, party["id"])).get_data(as_text=True)
    form = {**ADULT, "full_name": "فاطمة الزهراء بناني", "role": "mother", "sex": "female",
            "birth_date": "1988-04-02", **versions(page)}  # is_requesting_party unticked
    response = a1.post(edit_url(own, party["id"]) + "?lang=en", data=form)
    assert response.status_code == 422
    assert "A case has at least one requesting party." in response.get_data(as_text=True)
    assert requesting(app, own)["id"] == party["id"]


def test_an_edit_cannot_make_two_identities_one(app, a1, own):
    assert a1.post(f"/cases/{own}/parties/new", data=ADULT).status_code == 302
    party = requesting(app, own)
    page = a1.get(edit_url(own, party["id"])).get_data(as_text=True)
    form = {**ADULT, "full_name": "أحمد بنعلي", "birth_date": "1990-03-01", "role": "mother", "sex": "female",
            "is_requesting_party": "y", **versions(page)}
    response = a1.post(edit_url(own, party["id"]) + "?lang=en", data=form)
    assert response.status_code == 422
    assert "Another person with this name and birth date is already registered" in response.get_data(as_text=True)


def test_tampered_versions_are_refused(app, a1, own):
    party = requesting(app, own)
    before = requesting(app, own)
    for tampered in ({"person_version": "x", "participant_version": "1"}, {}):
        response = a1.post(edit_url(own, party["id"]), data={**ADULT, "role": "mother", **tampered})
        assert response.status_code == 422
    assert requesting(app, own) == before


# Scope (S12) and closed cases


def routes(case_id: str, participant_id: str) -> list[str]:
    return [f"/cases/{case_id}/parties/new", f"/cases/{case_id}/children/new", edit_url(case_id, participant_id)]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_scope_404_403_and_200(app, world, cases, method):
    own_party, other_party = requesting(app, cases.own)["id"], requesting(app, cases.other)["id"]
    expected = {"mediator_a1": 200, "supervisor_a": 200, "mediator_a2": 404, "mediator_b1": 404,
                "supervisor_b": 404, "admin": 403, "ministry": 403}
    ok = 200 if method == "GET" else 422  # an empty form is refused field by field
    for persona, status in expected.items():
        client = client_as(app, world, persona)
        for url in routes(cases.own, own_party):
            got = client.open(url, method=method).status_code
            assert got == (ok if status == 200 else status), f"{persona} {method} {url}"
        if persona in ("mediator_a2", "supervisor_a"):
            for url in routes(cases.other, other_party):
                assert client.open(url, method=method).status_code == 404, f"{persona} {url}"
    anonymous = client_as(app, world, "anonymous").open(routes(cases.own, own_party)[0], method=method)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")


def test_not_mine_looks_like_nothing(app, world, cases):
    client = client_as(app, world, "mediator_a2")
    strip = lambda r: re.sub(r'value="[^"]*"', "", r.get_data(as_text=True))  # noqa: E731
    party = requesting(app, cases.own)["id"]
    not_mine = client.get(edit_url(cases.own, party))
    unknown = client.get(edit_url(UNKNOWN_ID, UNKNOWN_ID))
    elsewhere = client_as(app, world, "mediator_a1").get(edit_url(cases.own, requesting(app, cases.colleague)["id"]))
    assert not_mine.status_code == unknown.status_code == elsewhere.status_code == 404
    assert strip(not_mine) == strip(unknown)


def test_a_closed_case_is_read_only(app, a1, own):
    party = requesting(app, own)
    set_case(app, own, status=CaseStatus.CLOSED, closed_on=date(2026, 6, 1))
    before = counts(app)
    for url in routes(own, party["id"]):
        assert a1.get(url).status_code == 403
        assert a1.post(url, data={**ADULT, "person_version": "1", "participant_version": "1"}).status_code == 403
    page = a1.get(f"/cases/{own}?lang=en").get_data(as_text=True)
    assert "فاطمة الزهراء بناني" in page, "the people are still listed"
    assert "/participants/" not in page and "/parties/new" not in page, "no edit links"
    # Only the denials (and the page view) were audited.
    assert counts(app)[:2] == before[:2]


# Encryption (S22) and the case page


def test_names_are_encrypted_in_the_database(app, a1, own):
    assert a1.post(f"/cases/{own}/parties/new", data=ADULT).status_code == 302
    with app.app_context():
        raw = [bytes(row[0]) for row in db.session.execute(text("SELECT person.full_name FROM person"))]
        phones = [bytes(row[0]) for row in db.session.execute(text("SELECT person.phone FROM person")) if row[0]]
    assert raw and all("أحمد".encode() not in value and b"Benali" not in value for value in raw)
    assert all(b"0622334455" not in value for value in phones)


def test_the_case_page_lists_adults_and_children(app, a1, own):
    a1.post(f"/cases/{own}/parties/new", data=ADULT)
    a1.post(f"/cases/{own}/children/new", data=CHILD)
    page = a1.get(f"/cases/{own}?lang=en").get_data(as_text=True)
    section = page[page.index('id="parties"'):]
    adults, children = section.split("Children", 1)
    assert "فاطمة الزهراء بناني" in adults and "أحمد بنعلي" in adults and "ياسمين بنعلي" not in adults
    assert "ياسمين بنعلي" in children and "6–11 years" in children and "Mother" in children
    assert "25–34 years" not in adults and "35–44 years" in adults
    assert str(escape("الهاتف فقط، صباحاً")) in adults, "safe-contact instructions beside the contact answer"


def test_the_parties_section_issues_a_bounded_number_of_queries(app, a1, own):
    """No N+1, even though the case page commits (its audit event) before rendering."""
    from flask import render_template
    from sqlalchemy import event

    from mediation.accounts.models import StaffUser
    from mediation.cases.routes.parties import parties_section

    def queries_for_section() -> tuple[int, str]:
        seen = []
        with app.test_request_context("/?lang=en"):
            case = db.session.scalar(select(Case).where(Case.public_id == UUID(own)))
            user = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
            connection = db.session.connection()

            def count_query(*args):
                seen.append(1)

            event.listen(connection, "before_cursor_execute", count_query)
            try:
                context = parties_section(case, user)
                db.session.commit()
                html = render_template("cases/_section_parties.html", case=case, **context)
            finally:
                event.remove(connection, "before_cursor_execute", count_query)
        return len(seen), html

    few, _ = queries_for_section()
    for number in range(4):
        assert a1.post(f"/cases/{own}/children/new", data={**CHILD, "full_name": f"طفل {number}"}).status_code == 302
    many, html = queries_for_section()
    assert "طفل 3" in html
    assert 1 <= many == few


# Generated input (S16): never a 500, nothing half-saved





BIRTHS = ("", "1985", "1990-03-01", "01/03/1990", "1.3.1990", "٠١/٠٣/١٩٩٠", "2012-02-29", "29/02/2013", "2019-01-10",
          "2099", "2026-02-30", "0000", "01/03/90", "9" * 30)
ANSWERS = ("given", "refused", "not_asked", "", "withdrawn")
adult_form = st.fixed_dictionaries({
    "full_name": sometimes("أحمد بنعلي", "Nadia Alaoui", "ⵜⴰⵎⴰⵣⵉⵖⵜ"),
    "full_name_latin": sometimes("", "Ahmed"),
    "role": sometimes("father", "mother", "spouse", "child", "in_law", ""),
    "sex": sometimes("male", "female", "not_recorded"),
    "birth_date": sometimes(*BIRTHS),
    "phone": sometimes("", "0612345678", "+212 6 12 34 56 78"),
    "email": sometimes("", "a@b.ma", "a@b"),
    "address": sometimes("", "حي السلام"),
    "contact_allowed": sometimes("yes", "no"),
    "safe_contact_instructions": sometimes("", "صباحاً"),
    "preferred_language": sometimes("", "ar", "ary", "zgh", "fr"),
    "interpreter_needed": sometimes("", "y"),
    "is_party": sometimes("", "y"),
    "is_requesting_party": sometimes("", "y"),
    **{name: sometimes(*ANSWERS) for name in CONSENT_ANSWERS},
}, optional={"case_id": nasty_text, "association_id": nasty_text, "version_id": nasty_text,
             "age_band": nasty_text})
child_form = st.fixed_dictionaries({
    "full_name": sometimes("ياسمين", "Sami"),
    "full_name_latin": sometimes("", "Yasmine"),
    "sex": sometimes("male", "female"),
    "birth_date": sometimes(*BIRTHS),
    "lives_with": sometimes("mother", "father", "both", "other_relative", "other", ""),
    "in_school": sometimes("", "yes", "no"),
    "takes_part": sometimes("", "y"),
}, optional={"person_id": nasty_text, "role": nasty_text})


def check(response, app, before, *, created: bool, consents: int = 0) -> None:
    """`before` is counts(app) and the number of consent rows; a saved party adds `consents` rows, each
    audited (docs/domain.md, DOM76)."""
    assert response.status_code in (302, 409, 422), response.status_code
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    persons, participants, events = counts(app)
    consent_rows = count(app, Consent)
    if response.status_code == 302:
        assert participants - before[1] == (1 if created else 0)
        assert persons - before[0] in ((0, 1) if created else (0,))
        assert consent_rows - before[3] == consents
        assert events - before[2] == 1 + consents
    else:
        assert (persons, participants, events, consent_rows) == before


@FUZZ
@given(data=adult_form)
@example(data={**ADULT})
def test_generated_parties_never_fail(app, a1, own, data):
    before = (*counts(app), count(app, Consent))
    # sensitive_data is asked only where the association holds the health-data authorisation (DOM76)
    asked = [name for name in CONSENT_ANSWERS if name != "consent_sensitive_data" or authorised(app, own)]
    answered = sum(data[name] in ("given", "refused") for name in asked)
    check(a1.post(f"/cases/{own}/parties/new", data=data), app, before, created=True, consents=answered)


@FUZZ
@given(data=child_form)
@example(data={**CHILD})
def test_generated_children_never_fail(app, a1, own, data):
    before = (*counts(app), count(app, Consent))
    check(a1.post(f"/cases/{own}/children/new", data=data), app, before, created=True)


@FUZZ
@given(data=adult_form, version=st.one_of(st.none(), nasty_text, st.integers(-(2**70), 2**70).map(str)))
@example(data={**ADULT, "role": "mother", "is_requesting_party": "y"}, version=None)
def test_generated_edits_never_fail(app, a1, own, data, version):
    party = requesting(app, own)
    current = {"person_version": str(party["person_version"]), "participant_version": str(party["version"])}
    if version is not None:
        current["participant_version"] = version
    before = (*counts(app), count(app, Consent))
    response = a1.post(edit_url(own, party["id"]), data={**data, **current})
    check(response, app, before, created=False)
    if response.status_code != 302:
        assert requesting(app, own) == party, "nothing half-saved"
