"""The lawful basis of a referral, in the service layer (docs/domain.md, DOM87; docs/security.md, S40).

Personal data leave only with the referred person's current `share_for_referral` consent, or under a
safeguarding exception a supervisor approved for them and no referral used yet; a referral that shares
nothing personal needs neither. Checked over every combination, against the service itself and through
the route (whatever the form sends).
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from mediation.cases.codes import ConsentStatus, ReferralDestination
from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from mediation.referrals.codes import ExceptionStatus, SharedData, Urgency
from mediation.referrals.models import Referral
from mediation.referrals.services import referrals as service
from tests.cases.matrix_rows_notes import actor, case_by_public_id
from tests.referrals.helpers import ORGANISATION, REASON, consent, counts, exception, participant, stored_referral
from tests.strategies import fuzz

CONSENTS = st.lists(st.sampled_from(list(ConsentStatus)), max_size=3)  # the rows in order: the last counts
EXCEPTIONS = st.lists(st.sampled_from([*ExceptionStatus, "used"]), max_size=3)


@fuzz(60)
@given(shared=st.sets(st.sampled_from(list(SharedData))), consents=CONSENTS, exceptions=EXCEPTIONS,
       colleague_consent=st.booleans())
def test_personal_data_leave_only_with_consent_or_an_approved_exception(app, cases, shared, consents, exceptions,
                                                                         colleague_consent):
    with app.app_context():
        case = case_by_public_id(cases.own)
        party = participant(cases.participants["own"])
        for status in consents:
            consent(party, status)
        approved_unused = None
        for status in exceptions:
            row = exception(case.id, party, ExceptionStatus.APPROVED if status == "used" else status)
            if status == "used":
                stored_referral(case.id, party, exception_id=row.id)
            elif status is ExceptionStatus.APPROVED and approved_unused is None:
                approved_unused = row
        if colleague_consent:  # someone else's consent is never this person's
            consent(participant(cases.participants["colleague"]), ConsentStatus.GIVEN, "mediator.a2")
        consented = bool(consents) and consents[-1] is ConsentStatus.GIVEN
        lawful = not shared or consented or approved_unused is not None
        before = db.session.scalar(select(db.func.count()).select_from(Referral))
        data = service.ReferralData(participant_id=cases.participants["own"],
                                    destination=ReferralDestination.CHILD_PROTECTION_UNIT,
                                    organisation_name=ORGANISATION, urgency=Urgency.URGENT, reason=REASON,
                                    made_on=clock.today(), data_shared=tuple(shared))
        try:
            if lawful:
                referral = service.make_referral(db.session, case, data, actor=actor("mediator.a1"))
                assert set(referral.data_shared) == set(shared)
                if not shared:
                    assert (referral.consent_id, referral.exception_id) == (None, None)
                elif consented:
                    assert referral.consent_id is not None and referral.exception_id is None
                else:
                    assert referral.exception_id == approved_unused.id and referral.consent_id is None
            else:
                try:
                    service.make_referral(db.session, case, data, actor=actor("mediator.a1"))
                except service.NoLawfulBasis as refused:
                    assert refused.field == "data_shared"
                else:
                    raise AssertionError("personal data left without a lawful basis")
                assert db.session.scalar(select(db.func.count()).select_from(Referral)) == before
        finally:
            db.session.rollback()


def test_an_exception_serves_one_referral_only(app, cases):
    with app.app_context():
        case = case_by_public_id(cases.own)
        party = participant(cases.participants["own"])
        exception(case.id, party, ExceptionStatus.APPROVED)
        data = service.ReferralData(participant_id=cases.participants["own"],
                                    destination=ReferralDestination.POLICE, organisation_name=ORGANISATION,
                                    urgency=Urgency.URGENT, reason=REASON, made_on=clock.today(),
                                    data_shared=(SharedData.IDENTITY,))
        service.make_referral(db.session, case, data, actor=actor("mediator.a1"))
        try:
            service.make_referral(db.session, case, data, actor=actor("mediator.a1"))
        except service.NoLawfulBasis:
            pass
        else:
            raise AssertionError("a second referral used the same exception")
        db.session.rollback()


def _post(client, case_id, participant_id, **fields):
    data = {"participant": participant_id, "destination": "health", "organisation_name": ORGANISATION,
            "urgency": "routine", "reason": REASON, "made_on": clock.today().isoformat(), **fields}
    return client.post(f"/cases/{case_id}/referrals/new?lang=en", data=data)


def test_the_route_refuses_sharing_without_consent_and_keeps_the_input(app, login_as, cases):
    client = login_as("mediator_a1")
    before = counts(app)
    response = _post(client, cases.own, cases.participants["own"], data_shared=["identity", "contact_details"])
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "has not consented to sharing their data for a referral" in page
    assert ORGANISATION in page and re.search(r'<input checked[^>]*value="contact_details"', page)
    assert counts(app) == before
    # Nothing personal: no consent needed.
    assert _post(client, cases.own, cases.participants["own"]).status_code == 302
    assert counts(app)[0] == before[0] + 1


def test_the_route_accepts_sharing_with_consent_and_audits_without_content(app, login_as, cases):
    with app.app_context():
        consent(participant(cases.participants["own"]), ConsentStatus.GIVEN)
        db.session.commit()
    client = login_as("mediator_a1")
    with app.app_context():
        seq = db.session.scalar(select(db.func.max(AuditEvent.seq)))
    assert _post(client, cases.own, cases.participants["own"], data_shared=["identity"]).status_code == 302
    with app.app_context():
        referral = db.session.scalar(select(Referral))
        assert referral.consent_id is not None and referral.data_shared == [SharedData.IDENTITY]
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.seq > seq)))
        assert [(e.action, e.entity, e.entity_id) for e in events] == [
            ("create", "referral", str(referral.public_id))]
        assert all(b"CANARY" not in e.body for e in events)
        raw = db.session.execute(db.text("SELECT organisation_name, reason FROM referral")).one()
        assert all(b"CANARY" not in bytes(value) for value in raw), "encrypted at rest"
