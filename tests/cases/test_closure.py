"""Closing and reopening a case (and reopen).

docs/domain.md, DOM14 (workflow), DOM53-DOM56 (closure consistency), DOM65; docs/security.md, S13,
S27, S31, S32. Direct database work happens inside `with app.app_context():`;
requests are made outside it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import func, select, text

from mediation.cases import queries as case_queries
from mediation.cases.codes import Outcome, ScreeningDecision, ViolenceLevel
from mediation.cases.models import (
    Closure,
    Participant,
    Screening,
    ScreeningDecisionRecord,
    ScreeningResult,
    StatusChange,
)
from mediation.cases.services import closure as closure_service
from mediation.cases.services.intake import add_co_worker
from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.core.errors import DomainError
from mediation.extensions import db
from tests.agreements.fixtures import FULL, PARTIAL, write_agreement
from tests.cases.matrix_rows_notes import actor, case_by_public_id, close_now
from tests.conftest import login
from tests.strategies import FUZZ, nasty_strings

POINTS = "CANARY-points-0a1b2c3d4e5f: الحضانة للأم وزيارة الأب كل أسبوع"
NOTE = "CANARY-closure-note-aa11bb22cc33"
REASON = "CANARY-reopen-reason-dd44ee55ff66"


def casablanca_today() -> date:
    return clock.today()


def state(app, case_id: str) -> tuple:
    """What a refused or failed operation must leave unchanged."""
    with app.app_context():
        case = case_by_public_id(case_id)
        return (case.status, case.closed_on, case.outcome, case.follow_up_on, case.version_id,
                db.session.scalar(select(func.count()).select_from(Closure).where(Closure.case_id == case.id)),
                db.session.scalar(select(func.count()).select_from(StatusChange)
                                  .where(StatusChange.case_id == case.id)),
                db.session.scalar(select(func.count()).select_from(AuditEvent)),
                tuple(db.session.scalars(select(Closure.reopened_at).where(Closure.case_id == case.id)
                                         .order_by(Closure.id))))


def version(app, case_id: str) -> int:
    with app.app_context():
        return case_by_public_id(case_id).version_id


def closures(app, case_id: str) -> list[Closure]:
    with app.app_context():
        rows = case_queries.closures_of(db.session, case_by_public_id(case_id))
        for row in rows:
            db.session.expunge(row)
        return list(reversed(rows))  # oldest first


def post_close(client, app, case_id: str, **fields):
    data = {"version": str(version(app, case_id)), **fields}
    return client.post(f"/cases/{case_id}/close?lang=en", data=data)


def screen(app, case_id: str, result: ScreeningResult, at: datetime) -> None:
    """A screening of the case's requesting party, created directly through the model."""
    with app.app_context():
        case = case_by_public_id(case_id)
        participant = db.session.scalar(select(Participant).where(Participant.case_id == case.id))
        db.session.add(Screening(
            participant_id=participant.id, screened_by_id=actor("mediator.a1").id, screened_on=at.date(),
            created_at=at, result=result,
            violence=ViolenceLevel.CURRENT if result is ScreeningResult.POSITIVE else ViolenceLevel.NONE,
        ))
        db.session.commit()


def decide(app, case_id: str, decision: ScreeningDecision, at: datetime) -> None:
    with app.app_context():
        db.session.add(ScreeningDecisionRecord(case_id=case_by_public_id(case_id).id,
                                               decided_by_id=actor("supervisor.a").id, decision=decision,
                                               decided_at=at))
        db.session.commit()


def hours_ago(hours: int) -> datetime:
    return clock.now() - timedelta(hours=hours)


# -- closing -------------------------------------------------------------------------------


def test_the_lead_closes_in_one_transaction_dated_today(app, login_as, cases):
    # A full agreement rests on a concluded agreement of that level (docs/domain.md, DOM80), whose points
    # replace the closure's free text: the points posted anyway are not read.
    write_agreement(app, cases.own, "mediator.a1", FULL)
    client = login_as("mediator_a1")
    form = client.get(f"/cases/{cases.own}/close?lang=en").get_data(as_text=True)
    assert "Full agreement" in form and 'value="opened_in_error"' not in form
    assert 'name="agreement_points"' not in form and "closure-agreement-title" in form
    follow_up = casablanca_today() + timedelta(days=30)
    seq = state(app, cases.own)[7]
    response = post_close(client, app, cases.own, outcome="agreement_full", agreement_level="full",
                          agreement_points=POINTS, follow_up_on=follow_up.isoformat(), note=NOTE,
                          # never assignable from a request (S13)
                          closed_on="2030-01-01", stat_key="7", closed_by_id="1", status="intake")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{cases.own}#closure"
    with app.app_context():
        case = case_by_public_id(cases.own)
        assert (case.status, case.closed_on, case.outcome, case.follow_up_on) == (
            "closed", casablanca_today(), "agreement_full", follow_up)
        closure = db.session.scalar(select(Closure).where(Closure.case_id == case.id))
        assert (closure.closed_on, closure.closed_by.username, closure.outcome, closure.agreement_level) == (
            casablanca_today(), "mediator.a1", "agreement_full", "full")
        assert (closure.agreement_points, closure.note, closure.follow_up_on) == (None, NOTE, follow_up)
        assert closure.reopened_at is None and 0 <= closure.stat_key < 256
        change = db.session.scalars(select(StatusChange).where(StatusChange.case_id == case.id)
                                    .order_by(StatusChange.id.desc())).first()
        assert (change.from_status, change.to_status, change.changed_by.username) == ("intake", "closed", "mediator.a1")
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq)))
        # The closure first, then what its listeners did, in whatever order they were registered: the
        # post-closure follow-ups it planned and the agreement linking itself to it (docs/domain.md, DOM93,
        # DOM80), ids only.
        assert (events[0].action, events[0].entity) == ("status_change", "case")
        assert sorted((e.action, e.entity) for e in events[1:]) == [
            *[("create", "post_closure_follow_up")] * 3, ("update", "agreement_version")]
        assert events[0].entity_id == cases.own and all(b"CANARY" not in event.body for event in events)
        raw = db.session.execute(text("SELECT note FROM case_closure")).one()
        assert all(b"CANARY" not in bytes(value) for value in raw), "encrypted at rest"
    page = client.get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    assert POINTS not in page and NOTE in page and "Closed on" in page and "Agreement concluded" in page
    assert f"/cases/{cases.own}/close" not in page, "a closed case offers no closing"


OK = object()


@pytest.mark.parametrize("fields, error", [
    # agreement: the outcome names the level (DOM54) and rests on a concluded agreement of that level (DOM80,
    # `agreement` writes one first); a level sent anyway is not read
    (dict(outcome="agreement_full"), "Conclude the agreement on the case's agreement page before closing"),
    (dict(outcome="agreement_full", agreement=FULL), OK),
    (dict(outcome="agreement_partial", agreement=PARTIAL), OK),
    (dict(outcome="agreement_full", agreement=PARTIAL), "The concluded agreement is at the level"),
    (dict(outcome="agreement_full", agreement_level="partial", agreement=FULL), OK),
    (dict(outcome="no_agreement", agreement=PARTIAL), "The parties concluded an agreement with agreed points"),
    (dict(outcome="lost_contact", agreement_level="full"), OK),
    (dict(outcome="party_withdrew", agreement_points="x"),
     "Agreed points go only with an agreement or a reconciliation."),
    (dict(outcome="reconciliation", agreement_points="x"), OK),
    # referrals: the outcome rests on a referral record of the case (docs/domain.md, DOM88), which these
    # cases have not; the form has no destination of its own any more, and one sent is not read
    # (tests/referrals/test_closure_coupling.py closes with referrals)
    (dict(outcome="referred_to_justice"), "Closing as referred to court or prosecutor needs a referral"),
    (dict(outcome="referred_other_service"), "Closing as referred to another service needs a referral"),
    (dict(outcome="referred_to_justice", referral_destination="public_prosecutor"),
     "Closing as referred to court or prosecutor needs a referral"),
    (dict(outcome="transferred", referral_destination="other_association"), OK),
    # not_suitable needs the supervisor's decision (see the decision test below)
    (dict(outcome="not_suitable"),
     "Closing as not suitable needs a supervisor's screening decision that mediation is not suitable."),
    # sessions do not exist yet: accepted
    (dict(outcome="no_agreement"), OK),
    (dict(outcome="counselling_completed"), OK),
    (dict(outcome="terminated_safety"), OK),
    # a mediator never records opened_in_error; unknown codes are refused
    (dict(outcome="opened_in_error"), "Not a valid choice"),
    (dict(outcome="not_a_code"), "Not a valid choice"),
    (dict(outcome=""), "Choose the outcome of the case."),
    (dict(outcome="lost_contact", referral_destination="nowhere"), OK),
])
def test_each_outcome_rule(app, login_as, cases, fields, error):
    fields = dict(fields)
    if "agreement" in fields:
        write_agreement(app, cases.own, "mediator.a1", fields.pop("agreement"))
    client = login_as("mediator_a1")
    before = state(app, cases.own)
    response = post_close(client, app, cases.own, **fields)
    if error is OK:
        assert response.status_code == 302
        assert state(app, cases.own)[:3] == ("closed", casablanca_today(), fields["outcome"])
    else:
        assert response.status_code == 422
        assert str(escape(error)) in response.get_data(as_text=True)  # errors are escaped like any text
        assert state(app, cases.own) == before


@pytest.mark.parametrize("outcome, level", [("agreement_full", "full"), ("agreement_partial", "partial")])
def test_an_agreement_outcome_names_its_level(app, login_as, cases, outcome, level):
    """The form does not ask for the level again (docs/domain.md, DOM54): the outcome says it, and it is stored.
    Nor the points, once the case has an agreement (DOM80): they are the agreement's."""
    client = login_as("mediator_a1")
    form = client.get(f"/cases/{cases.own}/close?lang=en").get_data(as_text=True)
    assert 'name="agreement_level"' not in form and "Agreement level" not in form
    assert 'name="agreement_points"' in form, "no agreement on record: the free text is still offered"
    write_agreement(app, cases.own, "mediator.a1", FULL if level == "full" else PARTIAL)
    form = client.get(f"/cases/{cases.own}/close?lang=en").get_data(as_text=True)
    assert 'name="agreement_points"' not in form
    assert post_close(client, app, cases.own, outcome=outcome, agreement_points=POINTS).status_code == 302
    with app.app_context():
        case = case_by_public_id(cases.own)
        closure = db.session.scalar(select(Closure).where(Closure.case_id == case.id))
        assert (closure.outcome, closure.agreement_level, closure.agreement_points) == (outcome, level, None)


def test_the_service_still_refuses_a_level_that_contradicts_the_outcome(app, cases):
    """A caller that names a level (an import, a script) must name the outcome's own."""
    with app.app_context():
        case = case_by_public_id(cases.own)
        with pytest.raises(DomainError) as refused:
            closure_service.close_case(db.session, case, closure_service.ClosureData(
                outcome=Outcome.AGREEMENT_FULL, agreement_level="partial", agreement_points=POINTS),
                actor=actor("mediator.a1"))
        assert refused.value.field == "agreement_level"
        db.session.rollback()
        with pytest.raises(DomainError) as refused:
            closure_service.close_case(db.session, case, closure_service.ClosureData(
                outcome=Outcome.LOST_CONTACT, agreement_level="full"), actor=actor("mediator.a1"))
        assert refused.value.field == "agreement_level"
        db.session.rollback()


@pytest.mark.parametrize("days, ok", [(-1, False), (0, False), (1, True)])
def test_the_follow_up_comes_after_the_closure_date(app, login_as, cases, days, ok):
    client = login_as("mediator_a1")
    before = state(app, cases.own)
    response = post_close(client, app, cases.own, outcome="lost_contact",
                          follow_up_on=(casablanca_today() + timedelta(days=days)).isoformat())
    assert response.status_code == (302 if ok else 422)
    if not ok:
        assert "The follow-up date must be after the closure date." in response.get_data(as_text=True)
        assert state(app, cases.own) == before


def test_not_suitable_needs_a_not_suitable_decision(app, login_as, cases):
    decide(app, cases.own, ScreeningDecision.COUNSELLING_ONLY, hours_ago(2))
    client = login_as("mediator_a1")
    assert post_close(client, app, cases.own, outcome="not_suitable").status_code == 422
    decide(app, cases.own, ScreeningDecision.NOT_SUITABLE, hours_ago(1))
    assert post_close(client, app, cases.own, outcome="not_suitable").status_code == 302


AGREEMENT = dict(outcome="agreement_partial", agreement_level="partial", agreement_points=POINTS)


@pytest.mark.parametrize("history, allowed", [
    ([], True),
    ([("negative", 5)], True),
    ([("positive", 5)], False),
    ([("positive", 5), ("proceed", 4)], True),
    ([("positive", 5), ("proceed_with_adaptations", 4)], True),
    ([("proceed", 6), ("positive", 5)], False),  # the decision came before the screening
    ([("positive", 5), ("counselling_only", 4)], False),
    ([("positive", 5), ("proceed", 4), ("counselling_only", 3)], False),  # a later decision undoes it
    ([("positive", 5), ("proceed", 4), ("positive", 3)], False),  # a new positive screen reopens the question
    ([("positive", 5), ("negative", 3)], True),  # the latest screening counts
])
def test_no_agreement_closure_while_a_positive_screening_is_unresolved(app, login_as, cases, history, allowed):
    for event, hours in history:
        if event in ("positive", "negative"):
            screen(app, cases.own, ScreeningResult(event), hours_ago(hours))
        else:
            decide(app, cases.own, ScreeningDecision(event), hours_ago(hours))
    write_agreement(app, cases.own, "mediator.a1", PARTIAL)  # the agreement the outcome rests on (DOM80)
    client = login_as("mediator_a1")
    before = state(app, cases.own)
    response = post_close(client, app, cases.own, **AGREEMENT)
    if allowed:
        assert response.status_code == 302
    else:
        assert response.status_code == 422
        assert "No closure with an agreement while a positive screening awaits" in response.get_data(as_text=True)
        assert state(app, cases.own) == before
        # A reconciliation is an agreement outcome too; closing without agreement stays possible.
        assert post_close(client, app, cases.own, outcome="reconciliation").status_code == 422
        assert post_close(client, app, cases.own, outcome="terminated_safety").status_code == 302


def test_opened_in_error_is_the_supervisors_outcome_only(app, login_as, cases):
    supervisor = login_as("supervisor_a")
    form = supervisor.get(f"/cases/{cases.own}/close").get_data(as_text=True)
    assert 'value="opened_in_error"' in form and 'value="lost_contact"' not in form
    before = state(app, cases.own)
    assert post_close(supervisor, app, cases.own, outcome="lost_contact").status_code == 422
    assert state(app, cases.own) == before
    with app.app_context():
        with pytest.raises(closure_service.ClosureNotAllowed):
            closure_service.close_case(db.session, case_by_public_id(cases.own),
                                       closure_service.ClosureData(Outcome.OPENED_IN_ERROR),
                                       actor=actor("mediator.a1"))
        with pytest.raises(closure_service.ClosureNotAllowed):
            closure_service.close_case(db.session, case_by_public_id(cases.own),
                                       closure_service.ClosureData(Outcome.LOST_CONTACT),
                                       actor=actor("supervisor.a"))
        db.session.rollback()
    assert state(app, cases.own) == before
    assert post_close(supervisor, app, cases.own, outcome="opened_in_error").status_code == 302
    assert state(app, cases.own)[:3] == ("closed", casablanca_today(), "opened_in_error")
    assert closures(app, cases.own)[0].closed_by_id == _id(app, "supervisor.a")


def _id(app, username: str) -> int:
    with app.app_context():
        return actor(username).id


def test_a_co_worker_who_is_not_the_lead_cannot_close(app, login_as, cases):
    with app.app_context():
        add_co_worker(db.session, case_by_public_id(cases.own), actor("mediator.a2").id, actor=actor("mediator.a1"))
        db.session.commit()
    client = login_as("mediator_a2")
    assert client.get(f"/cases/{cases.own}").status_code == 200
    before = state(app, cases.own)
    assert client.get(f"/cases/{cases.own}/close").status_code == 403
    assert post_close(client, app, cases.own, outcome="lost_contact").status_code == 403
    assert state(app, cases.own)[:7] == before[:7]  # only the access_denied event was added
    with app.app_context():
        with pytest.raises(closure_service.ClosureNotAllowed):
            closure_service.close_case(db.session, case_by_public_id(cases.own),
                                       closure_service.ClosureData(Outcome.LOST_CONTACT),
                                       actor=actor("mediator.a2"))
        db.session.rollback()


def test_a_stale_form_gets_409_and_saves_nothing(app, login_as, cases):
    client = login_as("mediator_a1")
    stale = version(app, cases.own)
    with app.app_context():
        add_co_worker(db.session, case_by_public_id(cases.own), actor("mediator.a2").id, actor=actor("mediator.a1"))
        case_by_public_id(cases.own).request_summary = "changed meanwhile"
        db.session.commit()
    before = state(app, cases.own)
    response = client.post(f"/cases/{cases.own}/close?lang=en",
                           data={"version": str(stale), "outcome": "lost_contact", "note": "MY-closure-note"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else changed this case" in page and "MY-closure-note" in page
    assert f'name="version" value="{before[4]}"' in page
    assert state(app, cases.own) == before


def test_closing_is_all_or_nothing(app, login_as, cases, monkeypatch):
    """Fault injection (S28, S32): the audit event cannot be written, so nothing is closed."""
    write_agreement(app, cases.own, "mediator.a1", FULL)
    client = login_as("mediator_a1")
    before = state(app, cases.own)

    def broken(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(closure_service, "record", broken)
    response = post_close(client, app, cases.own, outcome="agreement_full", agreement_level="full",
                          agreement_points=POINTS)
    assert response.status_code == 500 and POINTS not in response.get_data(as_text=True)
    assert state(app, cases.own) == before

    monkeypatch.undo()
    close_now(app, cases.own, "mediator.a1")
    supervisor = login_as("supervisor_a")
    closed = state(app, cases.own)
    monkeypatch.setattr(closure_service, "record", broken)
    response = supervisor.post(f"/cases/{cases.own}/reopen",
                                             data={"reason": REASON, "version": str(closed[4])})
    assert response.status_code == 500
    assert state(app, cases.own) == closed


# -- reopening -----------------------------------------------------------------------------


def test_reopening_keeps_the_first_closure_and_closing_again_adds_a_second(app, login_as, cases):
    first_id = close_now(app, cases.own, "mediator.a1", Outcome.PARTY_WITHDREW, note=NOTE)
    supervisor = login_as("supervisor_a")
    assert "Reopen the case" in supervisor.get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    assert supervisor.get(f"/cases/{cases.own}/reopen").status_code == 200
    seq = state(app, cases.own)[7]
    refused = supervisor.post(f"/cases/{cases.own}/reopen?lang=en",
                              data={"reason": "  ", "version": str(version(app, cases.own))})
    assert refused.status_code == 422 and "Give the reason for reopening the case." in refused.get_data(as_text=True)
    response = supervisor.post(f"/cases/{cases.own}/reopen",
                               data={"reason": REASON, "version": str(version(app, cases.own))})
    assert response.status_code == 302
    with app.app_context():
        case = case_by_public_id(cases.own)
        assert (case.status, case.closed_on, case.outcome, case.follow_up_on) == ("assessment", None, None, None)
        change = db.session.scalars(select(StatusChange).where(StatusChange.case_id == case.id)
                                    .order_by(StatusChange.id.desc())).first()
        assert (change.from_status, change.to_status, change.reason) == ("closed", "assessment", REASON)
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.seq > seq)))
        assert [(e.action, e.entity, e.entity_id) for e in events] == [("status_change", "case", cases.own)]
        assert b"CANARY" not in events[0].body
    [first] = closures(app, cases.own)
    assert str(first.public_id) == first_id and first.reopened_at is not None
    assert (first.reopen_reason, first.outcome, first.note) == (REASON, "party_withdrew", NOTE)

    # Closing again: a new event, the first one untouched.
    assert post_close(login_as("mediator_a1"), app, cases.own, outcome="lost_contact").status_code == 302
    first_again, second = closures(app, cases.own)
    assert str(first_again.public_id) == first_id and first_again.reopened_at == first.reopened_at
    assert (second.outcome, second.reopened_at, second.reopen_reason) == ("lost_contact", None, None)
    assert second.stat_key is not None and state(app, cases.own)[:3] == ("closed", casablanca_today(), "lost_contact")
    page = login_as("supervisor_a").get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    assert page.index("Contact lost") < page.index("A party withdrew"), "the current closure first"
    assert REASON in page and "Reopened on" in page


def test_only_a_supervisor_reopens_and_only_a_closed_case(app, login_as, cases):
    supervisor = login_as("supervisor_a")
    assert supervisor.get(f"/cases/{cases.own}/reopen").status_code == 403  # still open
    close_now(app, cases.own, "mediator.a1")
    before = state(app, cases.own)
    data = {"reason": REASON, "version": str(before[4])}
    assert login_as("mediator_a1").post(f"/cases/{cases.own}/reopen", data=data).status_code == 403
    assert login_as("supervisor_b").post(f"/cases/{cases.own}/reopen", data=data).status_code == 404
    assert state(app, cases.own)[:7] == before[:7]
    with app.app_context():
        with pytest.raises(DomainError):
            closure_service.reopen_case(db.session, case_by_public_id(cases.own), REASON, actor=actor("mediator.a1"))
        with pytest.raises(closure_service.CaseNotClosed):
            closure_service.reopen_case(db.session, case_by_public_id(cases.colleague), REASON,
                                        actor=actor("supervisor.a"))
        db.session.rollback()


def test_scope_other_mediators_404_admin_and_ministry_403(app, login_as, cases):
    close_now(app, cases.colleague, "mediator.a2")
    routes = [("GET", f"/cases/{cases.own}/close"), ("POST", f"/cases/{cases.own}/close"),
              ("GET", f"/cases/{cases.colleague}/reopen"), ("POST", f"/cases/{cases.colleague}/reopen")]
    expected = {
        "mediator_a2": [404, 404, 403, 403],  # mediators never hold the reopen permission
        "mediator_b1": [404, 404, 403, 403],
        "supervisor_b": [404, 404, 404, 404],
        "admin": [403] * 4,
        "ministry": [403] * 4,
    }
    for persona, statuses in expected.items():
        client = login_as(persona)
        got = [client.open(url, method=method, data={"outcome": "lost_contact", "reason": "x"}).status_code
               for method, url in routes]
        assert got == statuses, persona
    assert state(app, cases.own)[0] == "intake" and state(app, cases.colleague)[0] == "closed"


def test_each_closure_route_writes_one_audit_event(app, login_as, cases):
    def events_after(seq):
        with app.app_context():
            return [(e.action, e.entity, e.entity_id)
                    for e in db.session.scalars(select(AuditEvent).where(AuditEvent.seq > seq))]

    client = login_as("mediator_a1")
    seq = state(app, cases.own)[7]
    client.get(f"/cases/{cases.own}/close")
    assert events_after(seq) == [("view", "case", cases.own)]
    seq = state(app, cases.own)[7]
    post_close(client, app, cases.own, outcome="lost_contact")
    assert events_after(seq) == [("status_change", "case", cases.own)]
    supervisor = login_as("supervisor_a")
    seq = state(app, cases.own)[7]
    supervisor.get(f"/cases/{cases.own}/reopen")
    assert events_after(seq) == [("view", "case", cases.own)]


def test_two_clients_closing_at_once_make_one_closure(app, cases):
    lead, supervisor = app.test_client(), app.test_client()
    assert login(lead, "mediator.a1").status_code == 302 and login(supervisor, "supervisor.a").status_code == 302
    current = str(version(app, cases.own))
    closed = lead.post(f"/cases/{cases.own}/close", data={"outcome": "lost_contact", "version": current})
    assert closed.status_code == 302
    late = supervisor.post(f"/cases/{cases.own}/close", data={"outcome": "opened_in_error", "version": current})
    assert late.status_code == 403  # the case is closed now
    assert len(closures(app, cases.own)) == 1


# -- generated input -----------------------------------------------------------------------

nasty_text = nasty_strings(200, short_size=40, repeated="ن", repeats=(3_990, 10_010))
dates = st.one_of(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)).map(date.isoformat),
    st.sampled_from(["", "2026-02-30", "31/12/2026", "9999-99-99", "0000-01-01", "\x00"]),
    st.text(max_size=12),
)


def codes(values) -> st.SearchStrategy:
    return st.one_of(st.sampled_from([*values, ""]), st.text(max_size=20))


@FUZZ
@given(outcome=codes([o.value for o in Outcome]), level=codes(["full", "partial", "none"]),
       destination=codes(["family_court", "public_prosecutor", "police", "health", "other"]),
       points=nasty_text, note=nasty_text, follow_up=dates,
       version_value=st.one_of(st.just("current"), st.sampled_from(["", "0", "-1", "9" * 40, "x"])),
       extra=st.dictionaries(st.sampled_from(["stat_key", "closed_on", "status", "closed_by_id", "reopened_at"]),
                             st.text(max_size=10), max_size=3))
def test_generated_closures_never_fail(app, login_as, cases, outcome, level, destination, points, note,
                                       follow_up, version_value, extra):
    client = login_as("mediator_a1")
    before = state(app, cases.own)
    data = {**extra, "outcome": outcome, "agreement_level": level, "referral_destination": destination,
            "agreement_points": points, "note": note, "follow_up_on": follow_up,
            "version": str(before[4]) if version_value == "current" else version_value}
    response = client.post(f"/cases/{cases.own}/close", data=data)
    assert response.status_code in (302, 409, 422), response.status_code
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    after = state(app, cases.own)
    if response.status_code != 302:
        assert after == before, "nothing half-saved"
        return
    assert after[:3] == ("closed", casablanca_today(), outcome)
    assert (after[5], after[6]) == (before[5] + 1, before[6] + 1)
    latest = closures(app, cases.own)[-1]
    assert latest.note == (note.strip() or None) and latest.agreement_points == (points.strip() or None)
    # Reopen through the service so the next example closes again.
    with app.app_context():
        closure_service.reopen_case(db.session, case_by_public_id(cases.own), "fuzz", actor=actor("supervisor.a"))
        db.session.commit()


@FUZZ
@given(reason=nasty_text, version_value=st.one_of(st.just("current"), st.sampled_from(["", "0", "9" * 40, "x"])),
       extra=st.dictionaries(st.sampled_from(["status", "closed_on", "outcome", "stat_key"]),
                             st.text(max_size=10), max_size=2))
def test_generated_reopenings_never_fail(app, login_as, cases, reason, version_value, extra):
    if state(app, cases.own)[0] != "closed":
        close_now(app, cases.own, "mediator.a1")
    client = login_as("supervisor_a")
    before = state(app, cases.own)
    data = {**extra, "reason": reason, "version": str(before[4]) if version_value == "current" else version_value}
    response = client.post(f"/cases/{cases.own}/reopen", data=data)
    assert response.status_code in (302, 409, 422), response.status_code
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    after = state(app, cases.own)
    if response.status_code != 302:
        assert after == before, "nothing half-saved"
        return
    assert after[0] == "assessment" and after[1] is None and after[2] is None
    assert closures(app, cases.own)[-1].reopen_reason == reason.strip()

