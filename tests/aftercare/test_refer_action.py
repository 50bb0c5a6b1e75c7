"""A post-closure follow-up that asks for a referral opens the way to one (docs/domain.md, DOM160): recording it
leads to the referral form, and the closed case's staff may then refer; without such a follow-up they may not."""

from __future__ import annotations

from sqlalchemy import func, select

from mediation.cases.codes import Outcome
from mediation.core import clock
from mediation.extensions import db
from mediation.referrals.models import Referral
from tests.aftercare.support import close_with, planned, record_now
from tests.aftercare.test_record import _row, _url


def _referrals(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Referral))


def test_the_refer_action_leads_to_a_referral_on_the_closed_case(app, login_as, cases):
    close_with(app, cases.own, Outcome.AGREEMENT_FULL)
    first = planned(app, cases.own)
    client = login_as("mediator_a1")
    # Closed, and no follow-up asked for a referral: the case's staff may not refer.
    assert client.get(f"/cases/{cases.own}/referrals/new").status_code == 403
    response = client.post(_url(cases.own, first), data={
        "contact_mode": "phone", "contacted": cases.participants["own"], "result": "not_holding",
        "new_proceedings": "no", "action": "referral", "version": str(_row(app, first).version_id)})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{cases.own}/referrals/new")
    assert client.get(response.headers["Location"]).status_code == 200
    before = _referrals(app)
    with app.app_context():
        today = clock.today().isoformat()
    made = client.post(f"/cases/{cases.own}/referrals/new", data={
        "participant": cases.participants["own"], "destination": "legal_aid", "organisation_name": "Bureau",
        "urgency": "routine", "reason": "Exécution de l'accord", "made_on": today})
    assert made.status_code == 302 and _referrals(app) == before + 1
    # A supervisor still only reads; another association's staff still meet a 404.
    assert login_as("supervisor_a").get(f"/cases/{cases.own}/referrals/new").status_code == 403
    assert login_as("mediator_b1").get(f"/cases/{cases.own}/referrals/new").status_code == 404


def test_a_follow_up_without_the_refer_action_keeps_the_closed_case_closed_to_referrals(app, login_as, cases):
    close_with(app, cases.own, Outcome.AGREEMENT_FULL)
    record_now(app, cases.own, planned(app, cases.own), "mediator.a1", action="reopen_requested")
    assert login_as("mediator_a1").get(f"/cases/{cases.own}/referrals/new").status_code == 403
