"""Referral pages: the destination's answer, safeguarding exceptions from request to use, the case page and
its statement count (docs/domain.md, DOM85-DOM88; docs/security.md, S40-S42)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from mediation.cases.codes import ReferralDestination
from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from mediation.referrals.codes import ExceptionStatus, ReferralStatus
from mediation.referrals.models import Referral, SafeguardingException
from tests.cases.matrix_rows_notes import case_by_public_id, close_now
from tests.referrals.helpers import REASON, counts, exception, participant, refer, stored_referral
from tests.statements import statements_of_get


def _referral(app, public_id: str) -> Referral:
    with app.app_context():
        referral = db.session.scalar(select(Referral).where(Referral.public_id == __import__("uuid").UUID(public_id)))
        db.session.expunge(referral)
        return referral


def _answer(client, case_id, referral_id, **fields):
    return client.post(f"/cases/{case_id}/referrals/{referral_id}/answer?lang=en", data=fields)


def _audit_after(app, seq):
    with app.app_context():
        return [(e.action, e.entity) for e in db.session.scalars(select(AuditEvent).where(AuditEvent.seq > seq))]


def _seq(app):
    with app.app_context():
        return db.session.scalar(select(db.func.max(AuditEvent.seq)))


def test_the_answer_is_recorded_later_even_after_the_closure(app, login_as, cases):
    referral_id = refer(app, cases.own, cases.participants["own"])
    client = login_as("mediator_a1")
    today = clock.today()
    version = str(_referral(app, referral_id).version_id)
    refused = _answer(client, cases.own, referral_id, status="accepted",
                      feedback_on=(today + timedelta(days=1)).isoformat(), version=version)
    assert refused.status_code == 422 and "cannot be in the future" in refused.get_data(as_text=True)
    refused = _answer(client, cases.own, referral_id, status="made", feedback_on=today.isoformat(), version=version)
    assert refused.status_code == 422, "an answer is never 'made'"
    assert _referral(app, referral_id).status is ReferralStatus.MADE
    seq = _seq(app)
    assert _answer(client, cases.own, referral_id, status="no_answer", feedback_on=today.isoformat(),
                   version=version).status_code == 302
    assert _audit_after(app, seq) == [("status_change", "referral")]
    stale = _answer(client, cases.own, referral_id, status="declined", feedback_on=today.isoformat(), version=version)
    assert stale.status_code == 409 and _referral(app, referral_id).status is ReferralStatus.NO_ANSWER
    close_now(app, cases.own, "mediator.a1")
    version = str(_referral(app, referral_id).version_id)
    assert _answer(client, cases.own, referral_id, status="accepted", feedback_on=today.isoformat(),
                   version=version).status_code == 302
    saved = _referral(app, referral_id)
    assert (saved.status, saved.feedback_on) == (ReferralStatus.ACCEPTED, today)
    # A closed case takes no new referral.
    assert client.get(f"/cases/{cases.own}/referrals/new").status_code == 403


def test_an_answer_cannot_come_before_the_referral(app, login_as, cases):
    referral_id = refer(app, cases.own, cases.participants["own"])
    made_on = _referral(app, referral_id).made_on
    response = _answer(login_as("mediator_a1"), cases.own, referral_id, status="declined",
                       feedback_on=(made_on - timedelta(days=1)).isoformat())
    assert response.status_code == 422 and "cannot come before the referral" in response.get_data(as_text=True)


def test_a_safeguarding_exception_from_request_to_use(app, login_as, cases):
    party = cases.participants["own"]
    mediator = login_as("mediator_a1")
    seq = _seq(app)
    asked = mediator.post(f"/cases/{cases.own}/referrals/exceptions/new?lang=en",
                          data={"participant": party, "ground": "child_at_risk", "reason": REASON})
    assert asked.status_code == 302 and _audit_after(app, seq) == [("create", "safeguarding_exception")]
    with app.app_context():
        pending = db.session.scalar(select(SafeguardingException))
        exception_id, version = str(pending.public_id), pending.version_id
    shared = {"participant": party, "destination": "child_protection_unit", "organisation_name": "وحدة",
              "urgency": "urgent", "reason": REASON, "made_on": clock.today().isoformat(),
              "data_shared": ["identity", "case_summary"]}
    assert mediator.post(f"/cases/{cases.own}/referrals/new", data=shared).status_code == 422, "pending is not approved"

    supervisor = login_as("supervisor_a")
    home = supervisor.get("/?lang=en").get_data(as_text=True)
    assert "1 safeguarding exception to decide" in home
    waiting = supervisor.get("/referrals/exceptions?lang=en").get_data(as_text=True)
    assert exception_id in waiting and REASON not in waiting, "the list names the case, not the reasons"
    assert login_as("supervisor_b").get("/referrals/exceptions").get_data(as_text=True).count(exception_id) == 0
    supervisor = login_as("supervisor_a")
    url = f"/cases/{cases.own}/referrals/exceptions/{exception_id}/decide?lang=en"
    no_reason = supervisor.post(url, data={"decision": "approve", "version": version})
    assert no_reason.status_code == 422 and "Give the reason for your decision." in no_reason.get_data(as_text=True)
    seq = _seq(app)
    assert supervisor.post(url, data={"decision": "approve", "decision_reason": "خطر جسيم",
                                      "version": version}).status_code == 302
    assert _audit_after(app, seq) == [("decision", "safeguarding_exception")]
    assert supervisor.get(url).status_code == 403, "decided once"

    mediator = login_as("mediator_a1")
    assert mediator.post(f"/cases/{cases.own}/referrals/new", data=shared).status_code == 302
    assert mediator.post(f"/cases/{cases.own}/referrals/new", data=shared).status_code == 422, "one use"
    page = mediator.get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    assert "A safeguarding exception approved by" in page


def test_a_refused_exception_allows_nothing(app, cases):
    with app.app_context():
        case = case_by_public_id(cases.own)
        exception(case.id, participant(cases.participants["own"]), ExceptionStatus.REFUSED)
        db.session.commit()
    before = counts(app)
    try:
        refer(app, cases.own, cases.participants["own"], data_shared=("contact_details",))
    except Exception as refused:  # noqa: BLE001 (the service's refusal is the point)
        assert "has not consented" in str(refused)
    else:
        raise AssertionError("a refused exception let data leave")
    assert counts(app) == before


def test_the_case_page_shows_referrals_to_staff_and_supervisors_only_with_their_actions(app, login_as, cases):
    refer(app, cases.own, cases.participants["own"], destination=ReferralDestination.LEGAL_AID)
    staff_page = login_as("mediator_a1").get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    assert 'id="referrals"' in staff_page and "Lawyer or legal aid" in staff_page and REASON in staff_page
    assert '<section class="card internal-only" id="referrals"' in staff_page, "never in the parties' print"
    assert "/referrals/new" in staff_page and "/answer" in staff_page
    supervisor_page = login_as("supervisor_a").get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    assert "Lawyer or legal aid" in supervisor_page
    assert "/referrals/new" not in supervisor_page and "/answer" not in supervisor_page
    assert login_as("mediator_a2").get(f"/cases/{cases.own}").status_code == 404


def test_the_case_page_statements_do_not_grow_with_referrals(app, login_as, cases):
    client = login_as("mediator_a1")
    url = f"/cases/{cases.own}?lang=en"
    with app.app_context():
        case = case_by_public_id(cases.own)
        party = participant(cases.participants["own"])
        stored_referral(case.id, party)
        exception(case.id, party, ExceptionStatus.PENDING)
        db.session.commit()
    few, _ = statements_of_get(app, client, url)
    with app.app_context():
        case = case_by_public_id(cases.own)
        party = participant(cases.participants["own"])
        for number in range(6):
            used = exception(case.id, party, ExceptionStatus.APPROVED)
            stored_referral(case.id, party, status=list(ReferralStatus)[number % 4], exception_id=used.id,
                            shared=("identity", "contact_details"))
        db.session.commit()
    many, page = statements_of_get(app, client, url)
    assert page.get_data(as_text=True).count('id="referral-') == 7
    assert many == few, f"{few} statements with one referral, {many} with seven"
