"""Outcome and positive-parenting indicators of the own-association report (docs/statistics.md, ST2).

What the system records is counted exactly, one grouped query per indicator. Agreements, follow-ups and referrals
are in lasting.py; the parenting groups and the family-space activities in parenting.py.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from mediation.cases.codes import Outcome, ParticipantRole, SessionType, Sex
from mediation.cases.models import Participant, Person
from mediation.cases.models.case import Case, Closure
from mediation.counselling.models import CounsellingSession, SessionAttendee
from mediation.statistics.aggregate import issue_code, issue_rank, real_case
from mediation.statistics.codes import IssueGroup
from mediation.statistics.own_report.shapes import (
    Figure,
    RateRow,
    RateTable,
    Row,
    Section,
)

MEDIATION_SESSIONS = (SessionType.JOINT_MEDIATION, SessionType.SHUTTLE_MEDIATION)
AGREEMENT_COLUMNS = tuple((outcome.value, outcome.label) for outcome in (
    Outcome.AGREEMENT_FULL, Outcome.AGREEMENT_PARTIAL, Outcome.RECONCILIATION))


def _closed_in(association_id: int, bounds):
    """Closures recorded in the quarter, as the closures section counts them (opened in error aside)."""
    return (Case.association_id == association_id, Closure.created_at >= bounds[0], Closure.created_at < bounds[1],
            real_case(), Closure.outcome != Outcome.OPENED_IN_ERROR)


def _mediation_held_before_closure():
    return exists().where(CounsellingSession.case_id == Case.id, CounsellingSession.type.in_(MEDIATION_SESSIONS),
                          CounsellingSession.voided_at.is_(None), CounsellingSession.started_at < Closure.created_at)


def agreements_by_issue(session: Session, association_id: int, bounds) -> RateTable:
    """Full and partial agreement (and reconciliation) rates among the quarter's closures of cases
    that had at least one mediation session, by the case's issue group (its first, as in docs/statistics.md, ST5)."""
    issue = issue_rank()
    counts: dict[str, dict[str, int]] = {}
    for rank, outcome, n in session.execute(
            select(issue.c.rank, Closure.outcome, func.count()).select_from(Closure)
            .join(Case, Case.id == Closure.case_id).outerjoin(issue, issue.c.case_id == Case.id)
            .where(*_closed_in(association_id, bounds), _mediation_held_before_closure())
            .group_by(issue.c.rank, Closure.outcome)):
        by_outcome = counts.setdefault(issue_code(rank), {})
        key = str(getattr(outcome, "value", outcome))
        by_outcome[key] = by_outcome.get(key, 0) + int(n)
    rows = [RateRow(group.value, group.label, sum(counts.get(group.value, {}).values()),
                    {code: counts.get(group.value, {}).get(code, 0) for code, _label in AGREEMENT_COLUMNS})
            for group in IssueGroup]
    return RateTable("agreements_by_issue",
                     _l("Agreement rates among cases closed after at least one mediation session, by issue group"),
                     _l("Cases closed after mediation"), list(AGREEMENT_COLUMNS), rows)


def reconciliations(session: Session, association_id: int, bounds) -> Figure:
    n = session.scalar(select(func.count()).select_from(Closure).join(Case, Case.id == Closure.case_id)
                       .where(*_closed_in(association_id, bounds), Closure.outcome == Outcome.RECONCILIATION))
    return Figure("reconciliations", _l("Reconciliations (cases closed in the quarter as a reconciliation)"),
                  int(n or 0))


def _parenting_sessions(association_id: int, bounds):
    return (Case.association_id == association_id, real_case(),
            CounsellingSession.type == SessionType.POSITIVE_PARENTING, CounsellingSession.voided_at.is_(None),
            CounsellingSession.started_at >= bounds[0], CounsellingSession.started_at < bounds[1])


def parenting_sessions(session: Session, association_id: int, bounds) -> Figure:
    n = session.scalar(select(func.count()).select_from(CounsellingSession)
                       .join(Case, Case.id == CounsellingSession.case_id)
                       .where(*_parenting_sessions(association_id, bounds)))
    return Figure("parenting_sessions", _l("Positive-parenting sessions held"), int(n or 0))


def parenting_parents(session: Session, association_id: int, bounds) -> Section:
    """Distinct people (not children) present at a positive-parenting session of the quarter, by sex."""
    present = (select(Participant.person_id).select_from(SessionAttendee)
               .join(CounsellingSession, CounsellingSession.id == SessionAttendee.session_id)
               .join(Case, Case.id == CounsellingSession.case_id)
               .join(Participant, Participant.id == SessionAttendee.participant_id)
               .where(*_parenting_sessions(association_id, bounds), Participant.role != ParticipantRole.CHILD)
               .distinct().subquery("parents"))
    counts = {str(getattr(sex, "value", sex)): int(n) for sex, n in session.execute(
        select(Person.sex, func.count()).join(present, present.c.person_id == Person.id)
        .where(Person.association_id == association_id).group_by(Person.sex))}
    return Section("parenting_parents",
                   _l("Parents present at a positive-parenting session, by sex (distinct people)"),
                   [Row(sex.value, sex.label, counts.get(sex.value, 0)) for sex in Sex])

