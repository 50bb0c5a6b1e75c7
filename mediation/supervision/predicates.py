"""What the supervision figures count, as SQL conditions on a case row.

The dashboard counts cases with these conditions (grouped, in SQL) and the case
list filters with the very same ones, so a figure always equals the length of
the list it links to. Each function returns a boolean SQL expression correlated
to `Case`; none loads anything into Python.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, exists, func, literal, not_, select
from sqlalchemy.orm import aliased

from mediation.appointments.codes import CANCELLED
from mediation.appointments.models import Appointment
from mediation.cases.codes import CaseStatus
from mediation.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    DecisionRequest,
    Participant,
    Screening,
    ScreeningDecisionRecord,
    ScreeningResult,
)
from mediation.core.clock import to_utc
from mediation.counselling.models import CounsellingSession, FollowUpAction

STALE_DAYS_SETTING = "SUPERVISION_STALE_DAYS"
DEFAULT_STALE_DAYS = 30


def stale_days() -> int:
    return int(current_app.config.get(STALE_DAYS_SETTING, DEFAULT_STALE_DAYS))


def is_open() -> ColumnElement[bool]:
    return Case.status != CaseStatus.CLOSED


def led_by(user_id: int) -> ColumnElement[bool]:
    """The user is the case's lead (the one responsible; co-workers are not counted)."""
    return exists().where(CaseAssignment.case_id == Case.id, CaseAssignment.user_id == user_id,
                          CaseAssignment.role == AssignmentRole.LEAD)


def without_lead() -> ColumnElement[bool]:
    """No one leads the case (its lead left and nobody took it over yet)."""
    return not_(exists().where(CaseAssignment.case_id == Case.id, CaseAssignment.role == AssignmentRole.LEAD))


# For grouping by lead, join this alias (PostgreSQL cannot group by a correlated subquery).
Lead = aliased(CaseAssignment, name="lead_assignment")


def lead_join() -> ColumnElement[bool]:
    """The ON clause joining `Lead` to `Case`: exactly one row per open case (one lead, enforced by an index)."""
    return and_(Lead.case_id == Case.id, Lead.role == AssignmentRole.LEAD)


def in_danger() -> ColumnElement[bool]:
    return and_(is_open(), Case.immediate_danger.is_(True))


def overdue_follow_up(today: date) -> ColumnElement[bool]:
    """An open case with a follow-up action not done by its due date."""
    return and_(is_open(), exists().where(FollowUpAction.case_id == Case.id, FollowUpAction.done_on.is_(None),
                                          FollowUpAction.due_on < today))


def review_due() -> ColumnElement[bool]:
    """Flagged for a supervision review that has not taken place yet."""
    return and_(is_open(), Case.review_due_on.is_not(None))


def stale(today: date, days: int | None = None) -> ColumnElement[bool]:
    """An open case with no session held and no appointment (past or planned) in the last `days` days.

    A case opened within the period is not stale yet.
    """
    days = stale_days() if days is None else days
    since_day = today - timedelta(days=days)
    since = to_utc(since_day, time(12))  # noon never falls in a clock change
    session_since = exists().where(CounsellingSession.case_id == Case.id, CounsellingSession.voided_at.is_(None),
                                   CounsellingSession.started_at >= since)
    appointment_since = exists().where(Appointment.case_id == Case.id, Appointment.status.not_in(CANCELLED),
                                       Appointment.start_utc >= since)
    return and_(is_open(), Case.opened_on <= since_day, not_(session_since), not_(appointment_since))


def awaiting_decision() -> ColumnElement[bool]:
    """An open case where a party's latest screening is positive and no supervisor decision followed it.

    Any decision counts as an answer (proceed, adaptations, counselling only,
    not suitable); the safety gate itself is in cases.services.safety.
    """
    later = aliased(Screening)
    last_decision = (select(func.max(ScreeningDecisionRecord.decided_at))
                     .where(ScreeningDecisionRecord.case_id == Case.id).correlate(Case).scalar_subquery())
    positive_latest = (
        select(literal(1))
        .select_from(Screening)
        .join(Participant, Participant.id == Screening.participant_id)
        .where(Participant.case_id == Case.id, Screening.result == ScreeningResult.POSITIVE,
               not_(exists().where(later.participant_id == Screening.participant_id,
                                   later.created_at > Screening.created_at)),
               (last_decision.is_(None)) | (Screening.created_at > last_decision))
        .correlate(Case)
    )
    return and_(is_open(), exists(positive_latest))


def decision_requested() -> ColumnElement[bool]:
    """An open case whose staff asked for a decision that no decision has answered yet (docs/domain.md, DOM71)."""
    return and_(is_open(), exists().where(DecisionRequest.case_id == Case.id, DecisionRequest.answered_at.is_(None)))


def opened_between(first: date, last: date) -> ColumnElement[bool]:
    return Case.opened_on.between(first, last)


def closed_between(first: date, last: date) -> ColumnElement[bool]:
    return and_(Case.status == CaseStatus.CLOSED, Case.closed_on.between(first, last))


def open_for_at_least(today: date, days: int) -> ColumnElement[bool]:
    return and_(is_open(), Case.opened_on <= today - timedelta(days=days))
