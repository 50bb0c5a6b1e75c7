"""The staff member's day, read for the home page: the cases waiting on them (docs/domain.md, DOM72), what
is on today and tomorrow, what is due, and for a supervisor what waits for their decision, requests
included (docs/domain.md, DOM71; dates are the service's local dates, T1).

A fixed number of statements whatever the day holds: each list is one query with what its rows show
loaded with it (docs/architecture.md, A2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from mediation.aftercare import queries as aftercare_queries
from mediation.aftercare.models import PostClosureFollowUp
from mediation.aftercare.rules import ALERTS_SHOWN
from mediation.appointments.models import Appointment
from mediation.appointments.queries import calendars as appointment_queries
from mediation.cases import queries as case_queries
from mediation.cases.codes import CaseStatus, NoticeKind
from mediation.cases.models import Case
from mediation.cases.policies import visible_cases
from mediation.counselling.models import FollowUpAction
from mediation.referrals import queries as referral_queries
from mediation.supervision import predicates

# Past appointments still waiting for "held" or "nobody came": the most recent few, then a link.
UNRECORDED_SHOWN = 10
# Cases waiting for a supervisor: the first ones, most urgent first, then a link to the full list.
WAITING_SHOWN = 20
# Cases waiting on a staff member: their unread notices of these kinds (docs/domain.md, DOM72).
WAITING_ON_YOU = (NoticeKind.DECISION, NoticeKind.REASSIGNED, NoticeKind.REVIEW_ACTION)


@dataclass(frozen=True)
class WaitingCase:
    case: Case
    in_danger: bool
    awaiting_decision: bool
    requested: bool  # its staff asked for a decision (docs/domain.md, DOM71)


@dataclass(frozen=True)
class Worklist:
    today: date
    appointments: list[Appointment]  # the user's, today and tomorrow, by start time
    unrecorded: list[Appointment]  # the user's past appointments with no attendance recorded
    unrecorded_more: bool
    actions: list[FollowUpAction]  # assigned to the user, due today or overdue
    cases: dict[int, Case]  # the cases of those actions, by id
    open_cases: int  # in the user's scope: a mediator's own cases, all of a supervisor's association
    follow_up_dates_reached: int  # of those, the ones whose follow-up date has come
    waiting: list[WaitingCase]  # a supervisor's: danger, requests, positive screenings without a decision
    waiting_more: bool
    notices: list[case_queries.NoticeRow]  # unread, on cases the user still sees: a decision, a reassignment, a review
    duplicates_waiting: int = 0  # a supervisor's: possible duplicates to decide (docs/domain.md, DOM74)
    exceptions_waiting: int = 0  # a supervisor's: safeguarding exceptions to decide (docs/domain.md, DOM87)
    # Post-closure follow-ups (docs/domain.md, DOM93-DOM95), not the counselling's follow-up actions: the user's
    # due today or overdue, and a supervisor's alerts (did not hold, new proceedings, a request to reopen).
    post_closure_due: list[PostClosureFollowUp] = field(default_factory=list)
    post_closure_alerts: list[PostClosureFollowUp] = field(default_factory=list)
    post_closure_alerts_more: bool = False

    def appointments_on(self, day: date) -> list[Appointment]:
        return [a for a in self.appointments if appointment_queries.local_day(a.start_utc) == day]


def _due_actions(session: Session, user, today: date) -> list[FollowUpAction]:
    visible = visible_cases(user).with_only_columns(Case.id)
    return list(session.scalars(
        select(FollowUpAction)
        .where(FollowUpAction.assigned_to_id == user.id, FollowUpAction.done_on.is_(None),
               FollowUpAction.due_on <= today, FollowUpAction.case_id.in_(visible))
        .order_by(FollowUpAction.due_on, FollowUpAction.id)
    ))


def _cases(session: Session, ids: set[int]) -> dict[int, Case]:
    if not ids:
        return {}
    return {case.id: case for case in session.scalars(select(Case).where(Case.id.in_(ids)))}


def _case_counts(session: Session, user, today: date) -> tuple[int, int]:
    """(open cases, of them those whose follow-up date has come) in one statement, through the user's
    scope: the cases a mediator works, or all of a supervisor's association, as the case list shows them."""
    counted = visible_cases(user).where(Case.status != CaseStatus.CLOSED).subquery()
    total, reached = session.execute(
        select(func.count(), func.count().filter(counted.c.follow_up_on <= today)).select_from(counted)).one()
    return total, reached


def _waiting(session: Session, user) -> tuple[list[WaitingCase], bool]:
    danger, awaiting = predicates.in_danger(), predicates.awaiting_decision()
    requested = predicates.decision_requested()
    rows = session.execute(
        visible_cases(user).add_columns(danger.label("danger"), awaiting.label("awaiting"),
                                        requested.label("requested"))
        .where(or_(danger, awaiting, requested))
        .order_by(danger.desc(), requested.desc(), Case.opened_on, Case.id)
        .limit(WAITING_SHOWN + 1)
    ).all()
    waiting = [WaitingCase(case, bool(in_danger), bool(waits), bool(asked))
               for case, in_danger, waits, asked in rows]
    return waiting[:WAITING_SHOWN], len(waiting) > WAITING_SHOWN


def worklist(session: Session, user, today: date, now: datetime, *, supervisor: bool) -> Worklist:
    appointments = appointment_queries.days_of(session, user, user, today, days=2)
    unrecorded = list(session.scalars(
        appointment_queries.attendance_to_record(user, user, now).limit(UNRECORDED_SHOWN + 1)).unique())
    actions = _due_actions(session, user, today)
    waiting, waiting_more = _waiting(session, user) if supervisor else ([], False)
    open_cases, follow_up_dates_reached = _case_counts(session, user, today)
    alerts, alerts_more = (aftercare_queries.alerts_for(session, user, ALERTS_SHOWN) if supervisor else ([], False))
    return Worklist(
        today=today, appointments=appointments,
        unrecorded=unrecorded[:UNRECORDED_SHOWN], unrecorded_more=len(unrecorded) > UNRECORDED_SHOWN,
        actions=actions, cases=_cases(session, {action.case_id for action in actions}),
        open_cases=open_cases, follow_up_dates_reached=follow_up_dates_reached,
        waiting=waiting, waiting_more=waiting_more,
        notices=case_queries.notices_of(session, user, unread_only=True, kinds=WAITING_ON_YOU, limit=WAITING_SHOWN),
        duplicates_waiting=case_queries.count_open_duplicate_flags(session, user) if supervisor else 0,
        exceptions_waiting=referral_queries.count_pending_exceptions(session, user) if supervisor else 0,
        post_closure_due=aftercare_queries.due_for(session, user, today),
        post_closure_alerts=alerts, post_closure_alerts_more=alerts_more,
    )
