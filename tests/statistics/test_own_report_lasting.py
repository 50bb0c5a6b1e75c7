"""Outcomes that last in the own-association report (docs/statistics.md, ST2, ST36): agreements by level and by
issue, follow-ups at 3 and 6 months, new court proceedings, referrals by destination and status, and the median
days from intake to the first mediation session, counted by hand on the population of
tests/statistics/test_own_report_indicators.py plus the records added here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from mediation.aftercare.codes import AftercareStatus, ContactMode
from mediation.aftercare.models import PostClosureFollowUp
from mediation.agreements.models import Agreement, AgreementClosure, AgreementPoint, AgreementVersion
from mediation.cases.codes import (
    AgreementLevel,
    AgreementNature,
    FollowUpResult,
    Issue,
    Outcome,
    PointStatus,
    ReferralDestination,
)
from mediation.cases.models import Participant
from mediation.cases.models.case import Case, Closure
from mediation.extensions import db
from mediation.referrals.codes import ReferralStatus, Urgency
from mediation.referrals.models import Referral
from mediation.statistics.own_report import association_report
from tests.statistics.test_own_report import Q3, at, staff
from tests.statistics.test_own_report_indicators import population  # noqa: F401  (the fixture)

POINTS = {Outcome.AGREEMENT_FULL: ((Issue.CUSTODY, PointStatus.AGREED),),
          Outcome.AGREEMENT_PARTIAL: ((Issue.CUSTODY, PointStatus.AGREED), (Issue.VISITATION, PointStatus.NOT_AGREED))}


def _agreement(closure: Closure, author_id: int) -> None:
    agreement = Agreement(case_id=closure.case_id, latest_number=1)
    db.session.add(agreement)
    db.session.flush()
    points = [AgreementPoint(issue=issue, position=i, status=status) for i, (issue, status)
              in enumerate(POINTS[closure.outcome])]
    version = AgreementVersion(agreement_id=agreement.id, case_id=closure.case_id, number=1,
                               nature=AgreementNature.SEPARATION_ARRANGEMENTS, concluded_on=closure.closed_on,
                               level=AgreementLevel.FULL if closure.outcome is Outcome.AGREEMENT_FULL
                               else AgreementLevel.PARTIAL, created_by_id=author_id, points=points)
    db.session.add(version)
    db.session.flush()
    db.session.add(AgreementClosure(closure_id=closure.id, version_id=version.id))


def _follow_up(closure: Closure, months: int, done_on: date, result: FollowUpResult, proceedings: bool | None,
               assignee_id: int) -> None:
    db.session.add(PostClosureFollowUp(
        case_id=closure.case_id, closure_id=closure.id, months_after=months, due_on=done_on,
        assigned_to_id=assignee_id, status=AftercareStatus.DONE, done_on=done_on, done_by_id=assignee_id,
        contact_mode=ContactMode.NOT_REACHED if result is FollowUpResult.UNREACHABLE else ContactMode.PHONE,
        result=result, new_proceedings=proceedings))


def _referral(case_id: int, destination: ReferralDestination, when: date, status: ReferralStatus,
              author_id: int) -> None:
    participant_id = db.session.scalar(select(Participant.id).where(Participant.case_id == case_id).limit(1))
    db.session.add(Referral(case_id=case_id, participant_id=participant_id, destination=destination,
                            organisation_name="Org", urgency=Urgency.ROUTINE, reason="Raison", made_on=when,
                            status=status, made_by_id=author_id, created_at=at(when)))


@pytest.fixture
def lasting(app, world, population):  # noqa: F811
    with app.app_context():
        a1 = staff("mediator.a1")
        closures = db.session.scalars(
            select(Closure).join(Case, Case.id == Closure.case_id)
            .where(Case.association_id == world.association_a,
                   Closure.outcome.in_((Outcome.AGREEMENT_FULL, Outcome.AGREEMENT_PARTIAL)))
            .order_by(Closure.id)).all()
        # d1 (full), d3 (partial) and d6 (full) close in Q3 on an agreement.
        assert [c.outcome for c in closures] == [Outcome.AGREEMENT_FULL, Outcome.AGREEMENT_PARTIAL,
                                                 Outcome.AGREEMENT_FULL]
        for closure in closures:
            _agreement(closure, a1.id)
        d1, d3, d6 = closures
        # Follow-ups recorded in Q3: at 3 months d1 holding, d3 not holding with new proceedings, d6 not reached;
        # at 6 months d1 partly holding; at 1 month d3 holding. Decoys: one recorded in Q4, one planned.
        _follow_up(d1, 3, date(2026, 8, 20), FollowUpResult.HOLDING, False, a1.id)
        _follow_up(d3, 3, date(2026, 9, 2), FollowUpResult.NOT_HOLDING, True, a1.id)
        _follow_up(d6, 3, date(2026, 9, 25), FollowUpResult.UNREACHABLE, None, a1.id)
        _follow_up(d1, 6, date(2026, 9, 30), FollowUpResult.PARTLY_HOLDING, False, a1.id)
        _follow_up(d3, 1, date(2026, 7, 5), FollowUpResult.HOLDING, False, a1.id)
        _follow_up(d6, 6, date(2026, 10, 1), FollowUpResult.HOLDING, False, a1.id)  # Q4
        db.session.add(PostClosureFollowUp(case_id=d6.case_id, closure_id=d6.id, months_after=1,
                                           due_on=date(2026, 9, 1), assigned_to_id=a1.id))
        # Referrals made in Q3: two to legal aid (one accepted), one to the listening centre; one in Q2.
        _referral(d1.case_id, ReferralDestination.LEGAL_AID, date(2026, 7, 20), ReferralStatus.ACCEPTED, a1.id)
        _referral(d3.case_id, ReferralDestination.LEGAL_AID, date(2026, 8, 2), ReferralStatus.MADE, a1.id)
        _referral(d3.case_id, ReferralDestination.LISTENING_CENTRE, date(2026, 9, 3), ReferralStatus.DECLINED,
                  a1.id)
        _referral(d6.case_id, ReferralDestination.HEALTH, date(2026, 6, 3), ReferralStatus.MADE, a1.id)
        db.session.commit()


def _table(report, code):
    table = next(t for t in report.rate_tables if t.code == code)
    return {row.code: (row.base, {k: v for k, v in row.counts.items() if v}) for row in [*table.rows, table.total]}


def test_lasting_outcomes_equal_the_hand_count(app, world, lasting):
    with app.app_context():
        report = association_report(db.session, world.association_a, *Q3)
        levels = {row.code: row.count for row in next(s for s in report.sections if s.code == "agreements_by_level")
                  .rows}
        assert levels == {"full": 2, "partial": 1, "none": 0}
        points = _table(report, "agreement_points")
        assert points["custody"] == (3, {"agreed": 3}) and points["visitation"] == (1, {"not_agreed": 1})
        results = _table(report, "follow_ups_by_result")
        assert results["1_months"] == (1, {"holding": 1})
        assert results["3_months"] == (3, {"holding": 1, "not_holding": 1, "unreachable": 1})
        assert results["6_months"] == (1, {"partly_holding": 1})
        figures = {figure.code: figure for figure in report.figures}
        # Holding among the families reached: 1 of 2 at 3 months, 0 of 1 at 6 months.
        assert (figures["holding_3_months"].numerator, figures["holding_3_months"].denominator) == (1, 2)
        assert figures["holding_3_months"].value == Decimal("50.0") and figures["holding_3_months"].recorded
        assert (figures["holding_6_months"].numerator, figures["holding_6_months"].denominator) == (0, 1)
        assert (figures["new_proceedings"].numerator, figures["new_proceedings"].denominator) == (1, 4)
        referrals = _table(report, "referrals_by_destination")
        assert referrals["legal_aid"] == (2, {"accepted": 1, "made": 1})
        assert referrals["listening_centre"] == (1, {"declined": 1})
        assert referrals["health"] == (0, {}) and referrals["total"][0] == 3
        days = figures["days_to_first_mediation"]
        assert days.unit == "days" and days.value is not None and days.recorded

    # Association B sees none of it.
    with app.app_context():
        other = association_report(db.session, world.association_b, *Q3)
        assert _table(other, "referrals_by_destination")["total"][0] == 0
        assert {f.code: f.denominator for f in other.figures}["holding_3_months"] == 0


def test_the_page_and_the_workbook_show_them(login_as, lasting):
    client = login_as("supervisor_a")
    html = client.get("/statistics/own-report?quarter=2026Q3&lang=en").get_data(as_text=True)
    for section in ("section-agreements_by_level", "section-agreement_points", "section-follow_ups_by_result",
                    "section-referrals_by_destination"):
        assert f'id="{section}"' in html
    assert "Median days from intake to the first mediation session" in html
    download = client.get("/statistics/own-report.xlsx?quarter=2026Q3")
    assert download.status_code == 200
