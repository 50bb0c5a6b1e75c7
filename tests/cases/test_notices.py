"""Asking a supervisor for a decision from a refusal of the mediation gate, and the notices the case's
events leave to its staff inside the application (docs/domain.md, DOM71-DOM73)."""

from __future__ import annotations

import re
from uuid import UUID

import pytest
from hypothesis import given
from sqlalchemy import LargeBinary, event, func, select, type_coerce

from mediation.accounts.models import StaffUser
from mediation.cases.codes import CaseStatus
from mediation.cases.models import Case, DecisionRequest, Notice
from mediation.cases.rules import DECISION_REQUEST_NOTE_MAX
from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from tests.cases.test_details import staff_id
from tests.cases.test_safety import decide, give_consent, requesting_party, screen
from tests.cases.test_workflow import move, set_status
from tests.english import login_as  # noqa: F401  (fixture: log in, then English)
from tests.strategies import FUZZ, nasty_text

NOTE = "CANARY-request-note-كناري: la mère craint une rencontre"
PERSONAS = ("supervisor_a", "mediator_a1", "mediator_a2", "supervisor_b", "mediator_b1", "admin", "ministry")


# Helpers


def ask(client, case: str, note: str = ""):
    return client.post(f"/cases/{case}/decision-requests", data={"note": note})


def requests_of(app, case: str) -> list[DecisionRequest]:
    with app.app_context():
        rows = list(db.session.scalars(select(DecisionRequest).join(Case, Case.id == DecisionRequest.case_id)
                                       .where(Case.public_id == UUID(case)).order_by(DecisionRequest.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def forget_requests(app, case: str) -> None:
    with app.app_context():
        case_id = db.session.scalar(select(Case.id).where(Case.public_id == UUID(case)))
        db.session.execute(DecisionRequest.__table__.delete().where(DecisionRequest.case_id == case_id))
        db.session.commit()


def notices(app) -> set[tuple[str, str, str]]:
    """Every notice stored, as (username, kind, case public id), whatever anyone may see now."""
    with app.app_context():
        rows = db.session.execute(
            select(StaffUser.username, Notice.kind, Case.public_id)
            .join(StaffUser, StaffUser.id == Notice.user_id).join(Case, Case.id == Notice.case_id)).all()
        return {(username, kind.value, str(case)) for username, kind, case in rows}


def counter(page: str) -> int | None:
    """The header's count of unread notices, or None when the header has no counter."""
    found = re.search(r'id="notice-counter" data-unread="(\d+)"', page)
    return int(found[1]) if found else None


def page_of(client, url: str = "/") -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.fixture
def refused(app, cases, login_as):
    """Mediator A1's case in assessment, its party screened positive: the gate waits for a decision."""
    set_status(app, cases.own, CaseStatus.ASSESSMENT)
    client = login_as("mediator_a1")
    assert screen(client, cases.own, requesting_party(app, cases.own), violence="past").status_code == 302
    return client


# The request (DOM71)


def test_a_gate_refusal_asks_the_supervisor_in_one_post(app, world, cases, login_as, refused):
    page = page_of(refused, f"/cases/{cases.own}")
    assert "A positive screening needs a later supervisor decision to proceed." in page
    assert 'id="decision-request"' in page and "Ask the supervisor for a decision" in page
    before = notices(app)

    response = ask(refused, cases.own, NOTE)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{cases.own}#safety")
    [request] = requests_of(app, cases.own)
    assert request.is_open and request.note == NOTE
    assert "no_decision" in request.check_codes and "no_mediation_consent" in request.check_codes
    with app.app_context():
        raw = db.session.scalar(select(type_coerce(DecisionRequest.note, LargeBinary))
                                .where(DecisionRequest.id == request.id))
        audited = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "decision_request"))
    assert b"CANARY" not in raw, "the note is encrypted at rest"
    assert (audited.action, audited.entity_id) == ("create", str(request.public_id))
    assert b"CANARY" not in audited.body and "كناري".encode("unicode_escape") not in audited.body
    assert notices(app) == before, "asking tells nobody: it waits in the supervisors' queue"

    # The case shows the waiting request instead of the form, and its timeline has it.
    page = page_of(refused, f"/cases/{cases.own}")
    assert f'data-request="{request.public_id}"' in page and NOTE in page
    assert 'id="decision-request"' not in page
    assert f'id="timeline-request-{request.public_id}"' in page and "Waiting for a supervisor" in page

    # In every supervisor's queue of the association, first after immediate danger; not in B's.
    home = page_of(login_as("supervisor_a"))
    waiting = home[home.index('id="waiting"'):].split("</section>")[0]
    assert cases.references["own"] in waiting and "Decision requested by its staff" in waiting
    # One action from the queue: the decision form (which shows the request, below).
    assert f'href="/cases/{cases.own}/decisions/new"' in waiting
    assert cases.references["own"] not in page_of(login_as("supervisor_b"))
    # The supervisor's case list filters on it, with the same condition (DOM51).
    listed = page_of(login_as("supervisor_a"), "/supervision/cases?risk=decision_requested")
    assert cases.references["own"] in listed and 'data-flag="decision_requested"' in listed
    assert cases.references["colleague"] not in listed
    # The decision form shows the request and its note to the supervisor who answers it.
    decision_page = page_of(login_as("supervisor_a"), f"/cases/{cases.own}/decisions/new")
    assert f'data-request="{request.public_id}"' in decision_page and NOTE in decision_page


def test_one_request_waits_at_a_time_and_never_while_the_gate_is_open(app, cases, login_as, refused):
    assert ask(refused, cases.own).status_code == 302
    again = ask(refused, cases.own, "Encore")
    assert again.status_code == 422
    assert "A request for a decision on this case is already waiting for a supervisor." in again.get_data(
        as_text=True)
    assert len(requests_of(app, cases.own)) == 1

    # Once the case's gate is open, there is nothing to ask.
    forget_requests(app, cases.own)
    party = requesting_party(app, cases.own)
    assert decide(login_as("supervisor_a"), cases.own, "proceed").status_code == 302
    client = login_as("mediator_a1")
    assert give_consent(client, cases.own, party, "mediation").status_code == 302
    open_gate = ask(client, cases.own)
    assert open_gate.status_code == 422
    assert "The mediation gate is open: there is no decision to ask for." in open_gate.get_data(as_text=True)
    assert requests_of(app, cases.own) == []


def test_a_supervisor_decides_instead_of_asking(app, cases, login_as, refused):
    assert ask(login_as("supervisor_a"), cases.own).status_code == 403
    assert ask(login_as("mediator_a2"), cases.own).status_code == 404
    assert requests_of(app, cases.own) == []
    page = page_of(login_as("supervisor_a"), f"/cases/{cases.own}")
    assert 'id="decision-request"' not in page


def test_a_refused_move_into_mediation_offers_the_request(app, cases, refused):
    response = move(refused, cases.own, "in_mediation", app=app)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "A positive screening needs a later supervisor decision to proceed." in page
    assert 'id="decision-request"' in page
    assert ask(refused, cases.own, "Depuis le refus").status_code == 302
    # Once asked, the refusal no longer offers a second request.
    assert 'id="decision-request"' not in move(refused, cases.own, "in_mediation", app=app).get_data(as_text=True)


def test_a_too_long_note_is_refused_with_the_input_kept(app, cases, refused):
    long_note = "م" * (DECISION_REQUEST_NOTE_MAX + 1)
    response = ask(refused, cases.own, long_note)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert long_note in page and "A positive screening needs a later supervisor decision to proceed." in page
    assert requests_of(app, cases.own) == []


@given(note=nasty_text)
@FUZZ
def test_generated_request_notes_never_fail_nor_half_save(app, cases, login_as, refused, note):
    forget_requests(app, cases.own)  # each example asks afresh
    response = ask(refused, cases.own, note)
    assert response.status_code in (302, 422)
    after = requests_of(app, cases.own)
    assert len(after) == (1 if response.status_code == 302 else 0)
    if response.status_code == 302:
        assert after[0].is_open and after[0].note == (note.strip() or None)
    else:
        page = response.get_data(as_text=True)
        assert 'id="decision-request"' in page, "the form comes back with its error"


# The four events and their notices (DOM72)


def test_the_decision_answers_the_request_and_tells_the_case_staff_only(app, world, cases, login_as, refused):
    assert refused.post(f"/cases/{cases.own}/co-workers",
                        data={"user_id": staff_id(app, "mediator.a2")}).status_code == 302
    assert notices(app) == {("mediator.a2", "co_worker", cases.own)}, "the co-worker added, not the lead"
    assert ask(refused, cases.own, NOTE).status_code == 302

    supervisor = login_as("supervisor_a")
    assert decide(supervisor, cases.own, "counselling_only").status_code == 302
    [request] = requests_of(app, cases.own)
    assert not request.is_open and request.decision_id is not None
    assert notices(app) == {("mediator.a2", "co_worker", cases.own), ("mediator.a1", "decision", cases.own),
                            ("mediator.a2", "decision", cases.own)}
    home = page_of(supervisor)
    assert "Decision requested by its staff" not in home, "an answered request leaves the queue"
    timeline = page_of(supervisor, f"/cases/{cases.own}")
    assert f'id="timeline-request-{request.public_id}"' in timeline and "Answered on" in timeline

    # The lead's day shows the case waiting on them, with the kind of event and nothing else.
    lead_home = page_of(login_as("mediator_a1"))
    waiting = lead_home[lead_home.index('id="waiting-on-you"'):].split("</section>")[0]
    assert cases.references["own"] in waiting and "A supervisor decided on the case" in waiting
    assert NOTE not in lead_home and "counselling" not in waiting.lower()


def test_a_reassignment_tells_the_new_lead_only(app, world, cases, login_as):
    response = login_as("supervisor_a").post(f"/supervision/cases/{cases.own}/reassign",
                                             data={"to_user": world.user_ids["mediator_a2"], "reason": "Congé"})
    assert response.status_code == 302
    assert notices(app) == {("mediator.a2", "reassigned", cases.own)}
    home = page_of(login_as("mediator_a2"))
    assert "The case was reassigned to you" in home and counter(home) == 1


@pytest.mark.parametrize("decision, told", [
    ("continue", False), ("change_approach", True), ("reassign", True), ("close", True), ("safeguarding", True),
    ("refer", True),
])
def test_a_review_tells_the_case_staff_when_it_asks_for_an_action(app, world, cases, login_as, decision, told):
    login_as("mediator_a1").post(f"/cases/{cases.own}/co-workers", data={"user_id": staff_id(app, "mediator.a2")})
    before = notices(app)
    with app.test_request_context():
        day = clock.today()
    response = login_as("supervisor_a").post(f"/supervision/cases/{cases.own}/reviews/new", data={
        "reviewed_on": day.isoformat(), "trigger": "periodic", "decision": decision, "note": "Note de revue"})
    assert response.status_code == 302
    expected = {("mediator.a1", "review_action", cases.own), ("mediator.a2", "review_action", cases.own)}
    assert notices(app) - before == (expected if told else set())


def test_a_co_worker_named_at_intake_is_told(app, world, cases, login_as):
    from tests.cases.fixtures import open_as

    with app.app_context():
        a2 = db.session.scalar(select(StaffUser.id).where(StaffUser.username == "mediator.a2"))
        case = open_as("mediator.a1", co_worker_ids=[a2])
        db.session.commit()
        public_id = str(case.public_id)
    assert ("mediator.a2", "co_worker", public_id) in notices(app)
    assert not {row for row in notices(app) if row[0] == "mediator.a1" and row[2] == public_id}


# Scope (DOM73), the page and the counter


def test_a_co_worker_removed_loses_the_cases_notices(app, world, cases, login_as):
    lead = login_as("mediator_a1")
    assert lead.post(f"/cases/{cases.own}/co-workers", data={"user_id": staff_id(app, "mediator.a2")}).status_code \
        == 302
    a2 = login_as("mediator_a2")
    home = page_of(a2)
    assert counter(home) == 1
    listed = page_of(a2, "/notices")
    assert f'data-case="{cases.own}"' in listed and "You were added to the case as a co-worker" in listed

    lead = login_as("mediator_a1")
    assert lead.post(f"/cases/{cases.own}/co-workers/{world.user_ids['mediator_a2']}/remove").status_code == 302
    a2 = login_as("mediator_a2")
    assert counter(page_of(a2)) == 0
    assert f'data-case="{cases.own}"' not in page_of(a2, "/notices")
    assert a2.get(f"/cases/{cases.own}").status_code == 404, "the notice's link leads nowhere"
    assert ("mediator.a2", "co_worker", cases.own) in notices(app), "kept, not shown"

    # Back on the case, the staff member sees its notice again.
    assert login_as("mediator_a1").post(f"/cases/{cases.own}/co-workers",
                                        data={"user_id": staff_id(app, "mediator.a2")}).status_code == 302
    assert f'data-case="{cases.own}"' in page_of(login_as("mediator_a2"), "/notices")


def test_a_lead_reassigned_away_loses_the_cases_notices(app, world, cases, login_as):
    supervisor = login_as("supervisor_a")
    with app.test_request_context():
        day = clock.today()
    supervisor.post(f"/supervision/cases/{cases.own}/reviews/new", data={
        "reviewed_on": day.isoformat(), "trigger": "periodic", "decision": "change_approach"})
    assert ("mediator.a1", "review_action", cases.own) in notices(app)
    assert counter(page_of(login_as("mediator_a1"))) == 1
    supervisor = login_as("supervisor_a")
    supervisor.post(f"/supervision/cases/{cases.own}/reassign",
                    data={"to_user": world.user_ids["mediator_a2"], "reason": "Congé"})
    a1 = login_as("mediator_a1")
    home = page_of(a1)
    assert counter(home) == 0 and cases.references["own"] not in home
    assert cases.references["own"] not in page_of(a1, "/notices")


def test_the_notices_page_marks_read_and_the_counter_follows(app, world, cases, login_as):
    login_as("mediator_a1").post(f"/cases/{cases.own}/co-workers", data={"user_id": staff_id(app, "mediator.a2")})
    login_as("supervisor_a").post(f"/supervision/cases/{cases.own}/reassign",
                                  data={"to_user": world.user_ids["mediator_a2"], "reason": "Congé",
                                        "keep_previous": "y"})
    a2 = login_as("mediator_a2")
    assert counter(page_of(a2)) == 2
    first = page_of(a2, "/notices")
    assert first.count('data-notice-kind="') == 2 and first.count(">New<") == 2
    assert counter(first) == 0, "the page that shows them has marked them read"
    assert ">New<" not in page_of(a2, "/notices") and counter(page_of(a2)) == 0
    home = page_of(a2)
    assert "No case is waiting on you." in home, "read notices leave the day's list"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notice).where(Notice.read_at.is_(None))) == 0
        viewed = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.entity == "notices"))
    assert viewed == 2


def test_a_notice_names_the_reference_and_the_kind_only(app, world, cases, login_as):
    login_as("supervisor_a").post(f"/supervision/cases/{cases.own}/reassign",
                                  data={"to_user": world.user_ids["mediator_a2"], "reason": "CANARY-reason"})
    page = page_of(login_as("mediator_a2"), "/notices")
    listed = page[page.index('id="notices"'):].split("</ul>")[0]
    assert cases.references["own"] in listed and "The case was reassigned to you" in listed
    assert "CANARY" not in page and "Fatima" not in listed


def test_only_staff_have_a_counter(app, world, cases, login_as):
    for persona in PERSONAS:
        page = page_of(login_as(persona), "/profile") if persona in ("admin", "ministry") else page_of(
            login_as(persona))
        assert (counter(page) is None) == (persona in ("admin", "ministry")), persona


def _notice_statements(app, client, url: str) -> tuple[int, int]:
    """(statements of GET url, of them those that read the notice table)."""
    with app.app_context():
        bound = db.engine
    engine = getattr(bound, "engine", bound)
    seen: list[str] = []

    def remember(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", remember)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    return len(seen), sum(1 for statement in seen if re.search(r"\bFROM notice\b", statement))


def test_the_header_counter_is_one_count_whatever_the_notices(app, world, cases, login_as):
    client = login_as("mediator_a2")
    quiet = _notice_statements(app, client, "/profile")
    assert quiet[1] == 1, "one count per page"
    lead = login_as("mediator_a1")
    for _ in range(3):
        lead.post(f"/cases/{cases.own}/co-workers", data={"user_id": staff_id(app, "mediator.a2")})
        lead.post(f"/cases/{cases.own}/co-workers/{world.user_ids['mediator_a2']}/remove")
    lead.post(f"/cases/{cases.own}/co-workers", data={"user_id": staff_id(app, "mediator.a2")})
    client = login_as("mediator_a2")
    busy = _notice_statements(app, client, "/profile")
    assert busy == quiet, "as many statements with four notices as with none"
    assert counter(page_of(client, "/profile")) == 4


def test_the_worklist_keeps_a_fixed_number_of_statements_with_notices(app, world, cases, login_as):
    from tests.statements import statements_of_get

    client = login_as("mediator_a2")
    quiet, _ = statements_of_get(app, client, "/")
    supervisor = login_as("supervisor_a")
    for target in ("mediator_a2", "mediator_a1", "mediator_a2"):
        supervisor.post(f"/supervision/cases/{cases.own}/reassign",
                        data={"to_user": world.user_ids[target], "reason": "Congé", "keep_previous": "y"})
    client = login_as("mediator_a2")
    busy, response = statements_of_get(app, client, "/")
    assert busy == quiet
    assert response.get_data(as_text=True).count('data-notice-kind="reassigned"') == 2

