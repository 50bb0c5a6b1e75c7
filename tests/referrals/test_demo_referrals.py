"""Demo and synthetic referrals: every status on the demo cases, each with its basis, and every synthetic
referral closure resting on a referral (docs/domain.md, DOM85-DOM88)."""

from __future__ import annotations

from sqlalchemy import select

from mediation.cases.models import Closure
from mediation.cases.services.closure import REFERRAL_OUTCOMES
from mediation.demo.synthetic.loader import load_synthetic
from mediation.extensions import db
from mediation.referrals.codes import ExceptionStatus, ReferralStatus
from mediation.referrals.models import Referral, ReferralClosure, SafeguardingException


def test_the_demo_shows_referrals_in_every_status_with_their_basis(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "5 new referrals" in result.output
    with app.app_context():
        referrals = db.session.scalars(select(Referral)).all()
        assert {referral.status for referral in referrals} == set(ReferralStatus)
        for referral in referrals:
            assert not referral.data_shared or referral.consent_id or referral.exception_id
            assert (referral.feedback_on is None) == (referral.status is ReferralStatus.MADE)
        assert {row.status for row in db.session.scalars(select(SafeguardingException))} == {
            ExceptionStatus.APPROVED, ExceptionStatus.PENDING}
    again = runner.invoke(args=["demo", "load"])
    assert "0 new referrals" in again.output


def test_every_synthetic_referral_closure_rests_on_a_referral(app):
    with app.app_context():
        load_synthetic(db.session, 60, 3)
        closures = db.session.scalars(select(Closure).where(Closure.outcome.in_(REFERRAL_OUTCOMES))).all()
        assert closures
        for closure in closures:
            link = db.session.get(ReferralClosure, closure.id)
            referral = db.session.get(Referral, link.referral_id)
            assert referral.case_id == closure.case_id and referral.destination is closure.referral_destination
        db.session.rollback()
