"""Safety screening, consent, supervisor decisions and the danger flag.

Rules are exercised by direct POST, as a browser (or an attacker) would send
them; the database is read inside `with app.app_context():` only, never while a
request runs. The helpers here are shared with test_workflow.py.
"""

from __future__ import annotations

import html
from datetime import timedelta
from uuid import UUID

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import LargeBinary, func, select, type_coerce

from mediation.accounts.models import StaffUser
from mediation.cases import queries as case_queries
from mediation.cases.codes import AgeBand, CaseStatus, GatingIndicator, ParticipantRole, Sex, ViolenceLevel
from mediation.cases.identity import PersonData
from mediation.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    Consent,
    Note,
    Participant,
    Screening,
    ScreeningDecisionRecord,
    ScreeningItem,
    ScreeningResult,
    StatusChange,
)
from mediation.cases.services import safety
from mediation.cases.services.intake import create_person
from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from tests.conftest import ANY_HOUR_DEFAULT
from tests.strategies import extra_fields, fuzz, nasty_strings, sometimes_from

# Date-sensitive (screening and consent dates): every test runs under the
# instants of ANY_HOUR_DEFAULT (tests/conftest.py; T1).
pytestmark = pytest.mark.usefixtures("any_hour")



def yesterday() -> str:
    """The service's yesterday, read from the product's clock when the test runs."""
    return (clock.today() - timedelta(days=1)).isoformat()


YESTERDAY = st.builds(yesterday)
NOTES_MARKER = "CANARY-screening-notes-كناري"


# Helpers (also used by test_workflow.py)


def case_row(app, case_public_id: str) -> Case:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.public_id == UUID(case_public_id)))
        db.session.expunge(case)
        return case


def requesting_party(app, case_public_id: str) -> str:
    with app.app_context():
        return str(db.session.scalar(
            select(Participant.public_id).join(Case, Case.id == Participant.case_id)
            .where(Case.public_id == UUID(case_public_id), Participant.is_requesting_party.is_(True))
        ))


def add_participant(app, case_public_id: str, name: str = "Youssef Bennani", *, role=ParticipantRole.FATHER,
                    child: bool = False, is_party: bool = True) -> str:
    """A second participant, added through the models (the parties forms are built elsewhere)."""
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.public_id == UUID(case_public_id)))
        person = create_person(db.session, case.association_id,
                               PersonData(full_name=name, sex=Sex.MALE,
                                          birth_date="2016-05-05" if child else "1985-03-03"))
        db.session.flush()
        participant = Participant(case_id=case.id, person_id=person.id,
                                  role=ParticipantRole.CHILD if child else role,
                                  is_party=is_party and not child,
                                  age_band=AgeBand.B6_11 if child else AgeBand.B35_44)
        db.session.add(participant)
        db.session.commit()
        return str(participant.public_id)


def screening_form(**changes) -> dict:
    """A negative screening: no violence, every gating question answered no."""
    form = {"screened_on": yesterday(), "violence": "none", "mediator_view": "", "notes": ""}
    form.update({f"gating_{code.value}": "no" for code in GatingIndicator})
    form.update(changes)
    return form


def screen(client, case: str, participant: str, **changes):
    return client.post(f"/cases/{case}/participants/{participant}/screenings/new?lang=en",
                       data=screening_form(**changes))


def give_consent(client, case: str, participant: str, scope: str = "mediation", status: str = "given",
                 given_by: str = "self"):
    return client.post(f"/cases/{case}/participants/{participant}/consents/new?lang=en",
                       data={"scope": scope, "status": status, "on_date": yesterday(), "given_by": given_by})


def decide(client, case: str, decision: str = "proceed", adaptations=(),
           rationale: str = "Les deux parties sont en sécurité."):
    return client.post(f"/cases/{case}/decisions/new?lang=en",
                       data={"decision": decision, "adaptations": list(adaptations), "rationale": rationale})


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def events(app, action: str | None = None) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.seq)
        if action:
            query = query.where(AuditEvent.action == action)
        rows = list(db.session.scalars(query))
        for row in rows:
            db.session.expunge(row)
        return rows


def latest_screening(app, participant: str) -> Screening:
    with app.app_context():
        row = db.session.scalar(select(Screening).join(Participant, Participant.id == Screening.participant_id)
                                .where(Participant.public_id == UUID(participant)).order_by(Screening.id.desc()))
        row.codes("x")  # load the items before leaving the session
        db.session.expunge(row)
        return row


# The result rule


@pytest.mark.parametrize("violence, indicators, expected", [
    ("none", (), "negative"),
    ("past", (), "positive"),
    ("current", (), "positive"),
    *(("none", (code,), "positive") for code in GatingIndicator),
    ("none", tuple(GatingIndicator), "positive"),
])
def test_the_screening_result_rule(violence, indicators, expected):
    assert safety.screening_result(violence, indicators) == expected


def test_a_negative_screening_is_recorded_with_its_items(app, login_as, cases):
    party = requesting_party(app, cases.own)
    client = login_as("mediator_a1")
    before = len(events(app))
    response = screen(client, cases.own, party, concerns=["substance_misuse", "financial_imbalance"],
                      mediator_view="proceed", notes=NOTES_MARKER)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{cases.own}#safety")
    screening = latest_screening(app, party)
    assert screening.result == "negative" and screening.violence == "none"
    assert screening.codes("concern") == ["financial_imbalance", "substance_misuse"]
    assert screening.codes("gating_indicator") == [] and screening.notes == NOTES_MARKER
    assert not case_row(app, cases.own).immediate_danger
    with app.app_context():
        raw = db.session.scalar(select(type_coerce(Screening.notes, LargeBinary)).where(Screening.id == screening.id))
    assert NOTES_MARKER.encode() not in raw, "screening notes are encrypted"
    new = events(app)[before:]
    # The case was at intake: its first screening began the assessment (docs/domain.md, DOM104).
    assert case_row(app, cases.own).status == CaseStatus.ASSESSMENT
    assert [(e.action, e.entity, e.entity_id) for e in new] == [("create", "screening", str(screening.public_id)),
                                                                ("status_change", "case", cases.own)]
    assert b"CANARY" not in new[0].body and "كناري".encode("unicode_escape") not in new[0].body


@pytest.mark.parametrize("changes", [
    {"violence": "past"},
    {"violence": "current", "violence_types": ["physical", "economic"]},
    {"gating_coercive_control": "yes"},
    {"gating_abduction_threat": "yes", "concerns": ["language_literacy"]},
])
def test_violence_or_any_gating_yes_makes_the_screen_positive(app, login_as, cases, changes):
    party = requesting_party(app, cases.own)
    response = screen(login_as("mediator_a1"), cases.own, party, **changes)
    assert response.status_code == 302
    screening = latest_screening(app, party)
    assert screening.result == "positive"
    assert screening.codes("violence_type") == sorted(changes.get("violence_types", []))
    assert not case_row(app, cases.own).immediate_danger, "only the immediate-danger indicator flags the case"


def test_concerns_alone_do_not_make_the_screen_positive(app, login_as, cases):
    party = requesting_party(app, cases.own)
    screen(login_as("mediator_a1"), cases.own, party, concerns=["mental_health_capacity", "substance_misuse"])
    assert latest_screening(app, party).result == "negative"


def test_a_positive_screen_with_immediate_danger_flags_the_case(app, login_as, cases):
    party = requesting_party(app, cases.own)
    response = screen(login_as("mediator_a1"), cases.own, party, gating_immediate_danger="yes")
    assert response.status_code == 302
    assert latest_screening(app, party).codes("gating_indicator") == ["immediate_danger"]
    assert case_row(app, cases.own).immediate_danger


@pytest.mark.parametrize("changes, message", [
    ({"violence_types": ["physical"]}, "Types of violence go with past or current violence."),
    ({"screened_on": "2099-01-01"}, "The date cannot be in the future."),
    ({"screened_on": "2001-01-01"}, "The date cannot be before the first contact."),
    ({"gating_fear_of_other_party": ""}, "Answer this question."),
    ({"violence": "sometimes"}, "Not a valid choice"),
    ({"concerns": ["substance_misuse", "astrology"]}, "is not a valid choice"),
    # Blank or whitespace choices never reach the code lists (found by fuzzing).
    ({"violence_types": [""]}, "is not a valid choice"),
    ({"concerns": [" "]}, "is not a valid choice"),
    ({"mediator_view": " "}, "Not a valid choice"),
])
def test_bad_screenings_are_refused_and_nothing_is_saved(app, login_as, cases, changes, message):
    party = requesting_party(app, cases.own)
    client = login_as("mediator_a1")
    before = count(app, Screening), count(app, ScreeningItem), len(events(app))
    response = screen(client, cases.own, party, notes="kept text", **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert "kept text" in page, "the input is kept"
    assert (count(app, Screening), count(app, ScreeningItem), len(events(app))) == before


def test_children_and_other_cases_participants_are_not_screened_here(app, login_as, cases):
    child = add_participant(app, cases.own, "Salma", child=True)
    colleague_party = requesting_party(app, cases.colleague)
    client = login_as("mediator_a1")
    for participant in (child, colleague_party, "00000000-0000-4000-8000-000000000000"):
        assert client.get(f"/cases/{cases.own}/participants/{participant}/screenings/new").status_code == 404
        assert screen(client, cases.own, participant).status_code == 404
    assert client.get(f"/cases/{cases.own}/participants/{colleague_party}/consents/new").status_code == 404
    assert count(app, Screening) == 0


def test_the_screening_page_offers_no_pre_answered_question(app, login_as, cases):
    party = requesting_party(app, cases.own)
    page = login_as("mediator_a1").get(f"/cases/{cases.own}/participants/{party}/screenings/new?lang=en")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Coercive control" in body
    assert "checked" not in body


def test_the_screening_form_states_the_rule_that_makes_it_positive(app, login_as, cases):
    """The form says what screening_result decides (docs/domain.md, DOM25): any violence disclosed, past or
    current, or any gating indicator; concerns never. Not only the gating questions."""
    party = requesting_party(app, cases.own)
    body = html.unescape(login_as("mediator_a1").get(
        f"/cases/{cases.own}/participants/{party}/screenings/new?lang=en").get_data(as_text=True))
    assert ("The screening is positive when any violence is disclosed, past or current, or when any gating "
            "question is answered yes") in body
    assert "Other concerns never make it positive." in body
    assert safety.screening_result(ViolenceLevel.PAST, ()) is ScreeningResult.POSITIVE
    assert safety.screening_result(ViolenceLevel.CURRENT, ()) is ScreeningResult.POSITIVE
    assert safety.screening_result(ViolenceLevel.NONE, (GatingIndicator.COERCIVE_CONTROL,)) is ScreeningResult.POSITIVE
    assert safety.screening_result(ViolenceLevel.NONE, ()) is ScreeningResult.NEGATIVE


# Consent


def current_consent(app, participant: str, scope: str) -> Consent | None:
    with app.app_context():
        participant_row = db.session.scalar(select(Participant).where(Participant.public_id == UUID(participant)))
        row = case_queries.current_consents(db.session, [participant_row.id]).get((participant_row.id, scope))
        if row is not None:
            db.session.expunge(row)
        return row


def test_consent_is_append_only_and_the_latest_row_counts(app, login_as, cases):
    party = requesting_party(app, cases.own)
    client = login_as("mediator_a1")
    before = count(app, Consent)
    earlier_events = len(events(app, "consent_change"))  # those of the consents given at intake
    assert give_consent(client, cases.own, party, "mediation", "given").status_code == 302
    assert current_consent(app, party, "mediation").status == "given"
    assert give_consent(client, cases.own, party, "mediation", "withdrawn").status_code == 302
    latest = current_consent(app, party, "mediation")
    assert latest.status == "withdrawn" and latest.notice_version == "2026-1" and latest.given_by == "self"
    assert count(app, Consent) == before + 2, "a change adds a row; nothing is overwritten"
    assert current_consent(app, party, "data_processing").status == "given", "other scopes are untouched"
    consent_events = events(app, "consent_change")[earlier_events:]
    assert [(e.entity, e.entity_id) for e in consent_events] == [("participant", party)] * 2


def test_only_a_given_consent_can_be_withdrawn(app, login_as, cases):
    party = requesting_party(app, cases.own)
    before = count(app, Consent)
    response = give_consent(login_as("mediator_a1"), cases.own, party, "contact", "withdrawn")
    assert response.status_code == 422
    assert "Only a consent currently given can be withdrawn." in response.get_data(as_text=True)
    assert count(app, Consent) == before


def test_a_childs_consent_comes_from_the_legal_representative(app, login_as, cases):
    child = add_participant(app, cases.own, "Salma", child=True)
    client = login_as("mediator_a1")
    refused = give_consent(client, cases.own, child, "data_processing", "given", given_by="self")
    assert refused.status_code == 422
    assert give_consent(client, cases.own, child, "data_processing", "given",
                        given_by="legal_representative").status_code == 302
    assert give_consent(client, cases.own, child, "child_consultation", "given", given_by="self").status_code == 302


def test_the_consent_form_is_never_pre_ticked(app, login_as, cases):
    party = requesting_party(app, cases.own)
    page = login_as("mediator_a1").get(f"/cases/{cases.own}/participants/{party}/consents/new")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="status"' in body
    assert "checked" not in body and "selected" not in body


# Supervisor decisions


def test_a_mediator_posting_a_decision_is_refused(app, login_as, cases):
    party = requesting_party(app, cases.own)
    client = login_as("mediator_a1")
    screen(client, cases.own, party, violence="past")
    assert decide(client, cases.own).status_code == 403
    assert client.post(f"/cases/{cases.own}/danger/clear", data={"note": "x"}).status_code == 403
    assert count(app, ScreeningDecisionRecord) == 0
    denied = events(app, "access_denied")[-1]
    assert (denied.outcome, denied.entity_id) == ("denied", "cases.danger_clear")


def test_a_supervisor_decides_and_the_decision_is_audited(app, login_as, cases):
    party = requesting_party(app, cases.own)
    screen(login_as("mediator_a1"), cases.own, party, violence="past")
    response = decide(login_as("supervisor_a"), cases.own, "proceed_with_adaptations",
                      adaptations=["shuttle", "separate_sessions"], rationale="CANARY-rationale")
    assert response.status_code == 302
    with app.app_context():
        decision = db.session.scalar(select(ScreeningDecisionRecord))
        assert decision.adaptation_codes == ["separate_sessions", "shuttle"]  # code-list order
        assert decision.rationale == "CANARY-rationale" and not decision.decided_by_case_worker
        assert decision.decided_by.username == "supervisor.a"
        raw = db.session.scalar(select(type_coerce(ScreeningDecisionRecord.rationale, LargeBinary)))
        public_id = str(decision.public_id)
    assert b"CANARY" not in raw
    event = events(app, "decision")[-1]
    assert (event.entity, event.entity_id) == ("screening_decision", public_id)
    assert b"CANARY" not in event.body


def make_supervisor_a_co_worker(app, case_public_id: str) -> None:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.public_id == UUID(case_public_id)))
        supervisor = db.session.scalar(select(StaffUser).where(StaffUser.username == "supervisor.a"))
        db.session.add(CaseAssignment(case_id=case.id, user_id=supervisor.id, role=AssignmentRole.CO_WORKER))
        db.session.commit()


def test_a_supervisor_who_works_the_case_may_not_decide_by_default(app, login_as, cases, monkeypatch):
    party = requesting_party(app, cases.own)
    screen(login_as("mediator_a1"), cases.own, party, violence="past")
    make_supervisor_a_co_worker(app, cases.own)
    client = login_as("supervisor_a")
    response = decide(client, cases.own)
    assert response.status_code == 422
    assert "another supervisor must take this decision" in response.get_data(as_text=True)
    assert count(app, ScreeningDecisionRecord) == 0

    monkeypatch.setitem(app.config, "CASE_ALLOW_ASSIGNED_DECIDER", True)
    assert decide(client, cases.own).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ScreeningDecisionRecord)).decided_by_case_worker is True


def test_the_case_lead_may_never_decide(app, cases):
    """Even with the setting on, a mediator (lead or co-worker) is no supervisor."""
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.public_id == UUID(cases.own)))
        lead = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
        with pytest.raises(safety.DecisionNotAllowed):
            safety.decide_screening(db.session, case, safety.DecisionData("proceed", "r"), actor=lead,
                                    allow_case_worker=True)


@pytest.mark.parametrize("decision, adaptations, rationale, message", [
    ("proceed_with_adaptations", [], "r", "Choose at least one adaptation."),
    ("proceed", ["remote"], "r", "Adaptations go only with a decision to proceed with adaptations."),
    ("not_suitable", ["shuttle"], "r", "Adaptations go only with a decision to proceed with adaptations."),
    ("proceed", [], "   ", "Give the reasons for the decision."),
    ("maybe", [], "r", "Not a valid choice"),
    ("proceed", [""], "r", "is not a valid choice"),
    ("proceed_with_adaptations", [" ", "shuttle"], "r", "is not a valid choice"),
])
def test_bad_decisions_are_refused(app, login_as, cases, decision, adaptations, rationale, message):
    party = requesting_party(app, cases.own)
    screen(login_as("mediator_a1"), cases.own, party, violence="past")
    response = decide(login_as("supervisor_a"), cases.own, decision, adaptations, rationale)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert count(app, ScreeningDecisionRecord) == 0


def test_no_decision_before_any_screening(app, login_as, cases):
    response = decide(login_as("supervisor_a"), cases.own)
    assert response.status_code == 422
    assert "No party of this case has been screened yet." in response.get_data(as_text=True)


# The danger flag


def test_a_supervisor_clears_the_danger_flag_with_a_note(app, login_as, cases):
    party = requesting_party(app, cases.own)
    screen(login_as("mediator_a1"), cases.own, party, gating_immediate_danger="yes")
    client = login_as("supervisor_a")
    notes_before = count(app, Note)
    refused = client.post(f"/cases/{cases.own}/danger/clear", data={"note": "  "})
    assert refused.status_code == 422 and case_row(app, cases.own).immediate_danger
    assert count(app, Note) == notes_before
    before = len(events(app))
    response = client.post(f"/cases/{cases.own}/danger/clear", data={"note": "CANARY-danger-over"})
    assert response.status_code == 302
    assert not case_row(app, cases.own).immediate_danger
    with app.app_context():
        note = db.session.scalar(select(Note).order_by(Note.id.desc()))
        assert (note.visibility, note.current.body, note.author.username) == (
            "staff_only", "CANARY-danger-over", "supervisor.a")
    new = events(app)[before:]
    assert [(e.action, e.entity, e.entity_id) for e in new] == [("update", "case", cases.own)]
    again = client.post(f"/cases/{cases.own}/danger/clear?lang=en", data={"note": "again"})
    assert again.status_code == 422 and "not flagged for immediate danger" in again.get_data(as_text=True)


# Scope and the case page


def test_scope_on_every_safety_route(app, login_as, cases):
    party = requesting_party(app, cases.own)
    routes = [
        ("GET", f"/cases/{cases.own}/participants/{party}/screenings/new"),
        ("POST", f"/cases/{cases.own}/participants/{party}/screenings/new"),
        ("GET", f"/cases/{cases.own}/participants/{party}/consents/new"),
        ("POST", f"/cases/{cases.own}/participants/{party}/consents/new"),
        ("POST", f"/cases/{cases.own}/status"),
    ]
    supervisor_routes = [
        ("GET", f"/cases/{cases.own}/decisions/new"), ("POST", f"/cases/{cases.own}/decisions/new"),
        ("GET", f"/cases/{cases.own}/danger/clear"), ("POST", f"/cases/{cases.own}/danger/clear"),
    ]
    before = count(app, Screening), count(app, Consent)
    for persona, expected, expected_supervisor in (
        ("mediator_a2", 404, 403),  # a mediator of another case: not found; deciding is no mediator's
        ("mediator_b1", 404, 403),
        ("supervisor_b", 404, 404),
        ("admin", 403, 403),
        ("ministry", 403, 403),
    ):
        client = login_as(persona)
        for method, url in routes:
            assert client.open(url, method=method, data=screening_form()).status_code == expected, (persona, url)
        for method, url in supervisor_routes:
            assert client.open(url, method=method, data={}).status_code == expected_supervisor, (persona, url)
    assert (count(app, Screening), count(app, Consent)) == before


def test_the_case_page_shows_screening_content_to_staff_and_supervisors(app, login_as, cases):
    party = requesting_party(app, cases.own)
    screen(login_as("mediator_a1"), cases.own, party, violence="current", violence_types=["psychological"],
           notes=NOTES_MARKER)
    for persona in ("mediator_a1", "supervisor_a"):
        page = login_as(persona).get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
        assert NOTES_MARKER in page and "Psychological violence" in page and "Positive" in page
    assert "Record a decision" in page, "the supervisor is offered the decision"
    for persona in ("mediator_a2", "supervisor_b", "admin", "ministry"):
        response = login_as(persona).get(f"/cases/{cases.own}")
        assert response.status_code in (403, 404) and NOTES_MARKER not in response.get_data(as_text=True)


def test_the_decision_page_shows_the_screenings_and_audits_the_read(app, login_as, cases):
    party = requesting_party(app, cases.own)
    screen(login_as("mediator_a1"), cases.own, party, gating_coercive_control="yes", notes=NOTES_MARKER)
    before = len(events(app))
    page = login_as("supervisor_a").get(f"/cases/{cases.own}/decisions/new?lang=en")
    assert page.status_code == 200 and NOTES_MARKER in page.get_data(as_text=True)
    assert "Coercive control" in page.get_data(as_text=True)
    new = [e for e in events(app)[before:] if e.action == "view"]
    assert [(e.entity, e.entity_id) for e in new] == [("case", cases.own)]


# Fuzzing: never a 500, nothing half-saved


nasty_text = nasty_strings(200, short_size=40)


sometimes = sometimes_from(nasty_text)


def subsets(values):
    return st.one_of(st.lists(st.sampled_from(values), max_size=len(values)), st.lists(nasty_text, max_size=2))


DATES = ("", "2099-01-01", "1999-12-31", "31/12/2025", "2026-02-30", "0001-01-01", "9999-12-31")
VIOLENCE_TYPES = ["physical", "sexual", "psychological", "economic"]
CONCERNS = ["substance_misuse", "mental_health_capacity", "language_literacy", "financial_imbalance"]
DECISIONS = ["proceed", "proceed_with_adaptations", "counselling_only", "not_suitable"]
ADAPTATIONS = ["separate_sessions", "shuttle", "remote", "co_mediation"]


def form_data(plausible: dict, anything: dict, optional: dict):
    """Half the examples only plausible values (so some are saved), half anything at all."""
    return st.one_of(
        st.fixed_dictionaries({key: st.sampled_from(values) if isinstance(values, list) else values
                               for key, values in plausible.items()}),
        st.fixed_dictionaries(anything, optional=optional),
    )


screening_data = form_data(
    {"screened_on": YESTERDAY, "violence": ["none", "past", "current"],
     "violence_types": st.lists(st.sampled_from(VIOLENCE_TYPES), max_size=2),
     **{f"gating_{code.value}": ["no", "no", "yes"] for code in GatingIndicator},
     "concerns": st.lists(st.sampled_from(CONCERNS), max_size=2), "mediator_view": ["", *DECISIONS],
     "notes": nasty_text},
    {"screened_on": st.one_of(YESTERDAY, sometimes(*DATES)), "violence": sometimes("none", "past", "current", ""),
     "violence_types": subsets(VIOLENCE_TYPES),
     **{f"gating_{code.value}": sometimes("no", "yes", "") for code in GatingIndicator},
     "concerns": subsets(CONCERNS), "mediator_view": sometimes("", *DECISIONS), "notes": nasty_text},
    {"result": nasty_text, "participant_id": nasty_text, "screened_by_id": nasty_text},
)

consent_data = form_data(
    {"scope": ["mediation", "data_processing", "contact", "statistics"], "status": ["given", "refused", "withdrawn"],
     "on_date": YESTERDAY, "given_by": ["self", "legal_representative"]},
    {"scope": sometimes("", "mediation", "data_processing", "contact", "statistics"),
     "status": sometimes("", "given", "refused", "withdrawn"), "on_date": st.one_of(YESTERDAY, sometimes(*DATES)),
     "given_by": sometimes("", "self", "legal_representative")},
    {"notice_version": nasty_text, "recorded_by_id": nasty_text},
)

decision_data = form_data(
    {"decision": DECISIONS, "adaptations": st.lists(st.sampled_from(ADAPTATIONS), max_size=2), "rationale": nasty_text},
    {"decision": sometimes("", *DECISIONS), "adaptations": subsets(ADAPTATIONS), "rationale": nasty_text},
    {"decided_by_case_worker": nasty_text, "decided_by_id": nasty_text},
)


def snapshot(app, case_public_id: str) -> tuple:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.public_id == UUID(case_public_id)))
        rows = tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Screening, ScreeningItem, Consent, ScreeningDecisionRecord, Note, StatusChange))
        return (*rows, case.status, case.immediate_danger)


# The module runs at each instant of ANY_HOUR_DEFAULT, which share the examples (T1).
FUZZ_AT_EACH_INSTANT = fuzz(50, instants=len(ANY_HOUR_DEFAULT))


def check_fuzzed(response, app, case, before, saved_index: int) -> None:
    event(f"status {response.status_code}")
    assert response.status_code in (302, 422), response.status_code
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    after = snapshot(app, case)
    if response.status_code == 422:
        assert after == before, "a refused form saves nothing"
    else:
        added = [new - old for new, old in zip(after[:6], before[:6], strict=True)]
        expected = [1 if index == saved_index else 0 for index in range(6)]
        if saved_index == 0:
            expected[1] = added[1]  # a screening brings any number of items
            if (before[6], after[6]) == (CaseStatus.INTAKE, CaseStatus.ASSESSMENT):
                expected[5] = 1  # the first screening began the assessment (docs/domain.md, DOM104)
        assert added == expected, "exactly one record more"


@FUZZ_AT_EACH_INSTANT
@given(data=screening_data)
def test_fuzz_the_screening_form(app, login_as, cases, data):
    party = requesting_party(app, cases.own)
    client = login_as("mediator_a1")
    before = snapshot(app, cases.own)
    response = client.post(f"/cases/{cases.own}/participants/{party}/screenings/new", data=data)
    check_fuzzed(response, app, cases.own, before, 0)
    if response.status_code == 302:
        screening = latest_screening(app, party)
        assert screening.notes == (data["notes"].strip() or None), "valid text round-trips exactly"
        assert screening.result == safety.screening_result(
            ViolenceLevel(data["violence"]),
            [code for code in GatingIndicator if data[f"gating_{code.value}"] == "yes"])


@FUZZ_AT_EACH_INSTANT
@given(data=consent_data)
def test_fuzz_the_consent_form(app, login_as, cases, data):
    party = requesting_party(app, cases.own)
    client = login_as("mediator_a1")
    before = snapshot(app, cases.own)
    response = client.post(f"/cases/{cases.own}/participants/{party}/consents/new", data=data)
    check_fuzzed(response, app, cases.own, before, 2)


@FUZZ_AT_EACH_INSTANT
@given(data=decision_data)
def test_fuzz_the_decision_form(app, login_as, cases, data):
    party = requesting_party(app, cases.own)
    if count(app, Screening) == 0:
        screen(login_as("mediator_a1"), cases.own, party, violence="past")
    client = login_as("supervisor_a")
    before = snapshot(app, cases.own)
    response = client.post(f"/cases/{cases.own}/decisions/new", data=data)
    check_fuzzed(response, app, cases.own, before, 3)


@FUZZ_AT_EACH_INSTANT
@given(note=nasty_text, extra=extra_fields)
def test_fuzz_the_danger_form(app, login_as, cases, note, extra):
    if not case_row(app, cases.own).immediate_danger:
        screen(login_as("mediator_a1"), cases.own, requesting_party(app, cases.own), gating_immediate_danger="yes")
    client = login_as("supervisor_a")
    before = snapshot(app, cases.own)
    response = client.post(f"/cases/{cases.own}/danger/clear", data={**extra, "note": note})
    check_fuzzed(response, app, cases.own, before, 4)
    assert case_row(app, cases.own).immediate_danger is (response.status_code != 302)
