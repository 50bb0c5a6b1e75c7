"""Assembling one association's quarterly report: figures, counted sections and rate tables."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from mediation.appointments.codes import SessionMode
from mediation.cases.codes import SessionType
from mediation.counselling.models import CounsellingSession
from mediation.statistics.aggregate import period_bounds
from mediation.statistics.own_report import activity, lasting, outcomes, parenting, safety
from mediation.statistics.own_report.quarters import Quarter
from mediation.statistics.own_report.shapes import Figure, Report, rate_figure


def association_report(session: Session, association_id: int, year: int, quarter: int) -> Report:
    """The report of one association for one quarter: exact counts, no identifiers.

    A fixed number of statements whatever the number of cases (tests/statistics/test_own_report.py)."""
    bounds = period_bounds(year, quarter)
    report = Report(association_id, Quarter(year, quarter))
    appointments = activity.appointments(session, association_id, bounds)
    screenings, screening_figures = safety.screenings(session, association_id, bounds)
    decisions, adaptations = safety.decisions(session, association_id, bounds)
    follow_ups, follow_up_figures = lasting.follow_ups(session, association_id, bounds)
    enrolments, parent_figures = parenting.parents(session, association_id, bounds)
    report.figures = [
        Figure("open_caseload", _l("Open caseload at the end of the quarter"),
               activity.open_caseload(session, association_id, bounds)),
        rate_figure("missed_rate", _l("Missed-appointment rate (missed ÷ (held + missed))"),
                    *activity.missed_counts(appointments)),
        Figure("days_to_first_session", _l("Median days from first contact to first session"),
               activity.days_to_first_session(session, association_id, bounds), "days"),
        lasting.days_to_first_mediation(session, association_id, bounds),
        outcomes.reconciliations(session, association_id, bounds),
        *follow_up_figures,
        outcomes.parenting_sessions(session, association_id, bounds),
        *parenting.groups_and_sessions(session, association_id, bounds),
        *parent_figures,
        safety.screened_before_mediation(session, association_id, bounds),
        *screening_figures,
        safety.danger_flags_today(session, association_id),
    ]
    report.sections = [
        activity.issue_groups(session, association_id, bounds),
        activity.service_points(session, association_id, bounds),
        activity.closures(session, association_id, bounds),
        lasting.agreements_by_level(session, association_id, bounds),
        activity.sessions_by(session, association_id, bounds, CounsellingSession.type, SessionType,
                              "sessions_by_type", _l("Sessions held by type")),
        activity.sessions_by(session, association_id, bounds, CounsellingSession.mode, SessionMode,
                              "sessions_by_mode", _l("Sessions held by mode")),
        appointments,
        activity.adults(session, association_id, bounds),
        activity.children(session, association_id, bounds),
        activity.referral_sources(session, association_id, bounds),
        outcomes.parenting_parents(session, association_id, bounds),
        enrolments,
        *parenting.activities(session, association_id, bounds),
        screenings,
        decisions,
        adaptations,
        activity.staff(session, association_id),
    ]
    report.rate_tables = [outcomes.agreements_by_issue(session, association_id, bounds),
                          lasting.agreement_points_by_issue(session, association_id, bounds),
                          follow_ups,
                          lasting.referrals_by_destination(session, association_id, bounds)]
    return report
