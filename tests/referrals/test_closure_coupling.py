"""A `referred_*` closure rests on a referral record of the case (docs/domain.md, DOM54, DOM88).

The closure refuses a referral outcome without a fitting referral, takes its destination from the referral
(the statistics read it on the closure), and the referral feature links the two from its own table.
"""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import select

from mediation.cases.codes import Outcome, ReferralDestination
from mediation.cases.models import Closure
from mediation.cases.services import closure as closure_service
from mediation.core.errors import DomainError
from mediation.extensions import db
from mediation.referrals.models import ReferralClosure
from tests.cases.matrix_rows_notes import actor, case_by_public_id
from tests.cases.test_closure import OK, post_close, state
from tests.referrals.helpers import participant, stored_referral

JUSTICE = "Closing as referred to court or prosecutor needs a referral"
OTHER = "Closing as referred to another service needs a referral"


def give_referrals(app, case_id: str, participant_id: str, destinations) -> dict[str, int]:
    with app.app_context():
        case = case_by_public_id(case_id)
        ids = {destination.value: stored_referral(case.id, participant(participant_id), destination=destination).id
               for destination in destinations}
        db.session.commit()
        return ids


@pytest.mark.parametrize("outcome, referrals, expected", [
    ("referred_to_justice", [], JUSTICE),
    ("referred_to_justice", [ReferralDestination.HEALTH], JUSTICE),
    ("referred_to_justice", [ReferralDestination.PUBLIC_PROSECUTOR], ReferralDestination.PUBLIC_PROSECUTOR),
    ("referred_to_justice", [ReferralDestination.POLICE], ReferralDestination.POLICE),
    ("referred_other_service", [], OTHER),
    ("referred_other_service", [ReferralDestination.FAMILY_COURT], OTHER),
    ("referred_other_service", [ReferralDestination.FAMILY_COURT, ReferralDestination.LISTENING_CENTRE],
     ReferralDestination.LISTENING_CENTRE),
    ("referred_other_service", [ReferralDestination.POLICE], ReferralDestination.POLICE),
    ("lost_contact", [ReferralDestination.HEALTH], OK),
])
def test_a_referral_outcome_needs_a_fitting_referral(app, login_as, cases, outcome, referrals, expected):
    ids = give_referrals(app, cases.own, cases.participants["own"], referrals)
    client = login_as("mediator_a1")
    before = state(app, cases.own)
    response = post_close(client, app, cases.own, outcome=outcome, referral_destination="family_court")
    with app.app_context():
        closure = db.session.scalar(select(Closure).where(Closure.case_id == case_by_public_id(cases.own).id))
        link = db.session.scalar(select(ReferralClosure))
        if expected is OK:
            assert response.status_code == 302
            assert closure.referral_destination is None and link is None, "no referral outcome, no link"
        elif not isinstance(expected, ReferralDestination):
            assert response.status_code == 422
            assert str(escape(expected)) in response.get_data(as_text=True)
            assert closure is None and link is None
            assert state(app, cases.own) == before, "nothing half-saved"
        else:
            assert response.status_code == 302
            assert closure.referral_destination is expected, "the destination comes from the referral"
            assert (link.closure_id, link.referral_id) == (closure.id, ids[expected.value])


def test_the_service_prefers_the_referral_a_caller_names(app, cases):
    ids = give_referrals(app, cases.own, cases.participants["own"],
                         [ReferralDestination.HEALTH, ReferralDestination.LEGAL_AID])
    with app.app_context():
        closure = closure_service.close_case(db.session, case_by_public_id(cases.own), closure_service.ClosureData(
            outcome=Outcome.REFERRED_OTHER_SERVICE, referral_destination=ReferralDestination.HEALTH),
            actor=actor("mediator.a1"))
        assert closure.referral_destination is ReferralDestination.HEALTH
        assert db.session.get(ReferralClosure, closure.id).referral_id == ids["health"]
        db.session.rollback()


def test_the_service_still_refuses_a_destination_that_contradicts_the_outcome(app, cases):
    give_referrals(app, cases.own, cases.participants["own"], [ReferralDestination.FAMILY_COURT])
    with app.app_context():
        case = case_by_public_id(cases.own)
        for outcome, destination in ((Outcome.REFERRED_TO_JUSTICE, ReferralDestination.HEALTH),
                                     (Outcome.REFERRED_OTHER_SERVICE, ReferralDestination.FAMILY_COURT),
                                     (Outcome.TRANSFERRED, ReferralDestination.OTHER_ASSOCIATION)):
            with pytest.raises(DomainError) as refused:
                closure_service.close_case(db.session, case, closure_service.ClosureData(
                    outcome=outcome, referral_destination=destination), actor=actor("mediator.a1"))
            assert refused.value.field == "referral_destination"
            db.session.rollback()


def test_another_cases_referral_does_not_count(app, login_as, cases):
    give_referrals(app, cases.colleague, cases.participants["colleague"], [ReferralDestination.PUBLIC_PROSECUTOR])
    client = login_as("mediator_a1")
    response = post_close(client, app, cases.own, outcome="referred_to_justice")
    assert response.status_code == 422 and str(escape(JUSTICE)) in response.get_data(as_text=True)


def test_the_closure_form_asks_no_destination(app, login_as, cases):
    page = login_as("mediator_a1").get(f"/cases/{cases.own}/close?lang=en").get_data(as_text=True)
    assert 'name="referral_destination"' not in page
    assert "takes its destination from the referral recorded on the case" in page
