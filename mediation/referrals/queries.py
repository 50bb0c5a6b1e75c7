"""The reads behind the referral pages and the case page's referral section (docs/architecture.md, A2, A3).

A fixed number of statements whatever the number of referrals: each list is one query with what its rows
show loaded with it (the shared data by one "select in").
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from mediation.cases.models import Case, Closure
from mediation.cases.policies import visible_cases
from mediation.referrals.codes import ExceptionStatus
from mediation.referrals.models import Referral, ReferralClosure, SafeguardingException


def referrals_of(session: Session, case: Case) -> list[Referral]:
    """The case's referrals, newest first."""
    return list(session.scalars(
        select(Referral).where(Referral.case_id == case.id)
        .order_by(Referral.made_on.desc(), Referral.id.desc())
    ).unique())


def exceptions_of(session: Session, case: Case) -> list[SafeguardingException]:
    """The case's safeguarding exceptions, pending first, then newest first."""
    return list(session.scalars(
        select(SafeguardingException).where(SafeguardingException.case_id == case.id)
        .order_by((SafeguardingException.status == ExceptionStatus.PENDING).desc(),
                  SafeguardingException.requested_at.desc(), SafeguardingException.id.desc())
    ).unique())


def closure_referral_ids(session: Session, case: Case) -> set[int]:
    """The referrals a closure of the case rests on (DOM88)."""
    return set(session.scalars(
        select(ReferralClosure.referral_id).join(Closure, Closure.id == ReferralClosure.closure_id)
        .where(Closure.case_id == case.id)))


def referral_of(session: Session, case: Case, public_id: uuid.UUID) -> Referral | None:
    """A referral of this case; another case's is None, exactly as an unknown id."""
    return session.scalar(select(Referral).where(Referral.case_id == case.id, Referral.public_id == public_id))


def exception_of(session: Session, case: Case, public_id: uuid.UUID) -> SafeguardingException | None:
    return session.scalar(select(SafeguardingException).where(
        SafeguardingException.case_id == case.id, SafeguardingException.public_id == public_id))


def usable_exception(session: Session, case: Case, participant_id: int) -> SafeguardingException | None:
    """The oldest approved exception for this participant of the case that no referral has used yet."""
    used = exists().where(Referral.exception_id == SafeguardingException.id)
    return session.scalar(
        select(SafeguardingException)
        .where(SafeguardingException.case_id == case.id, SafeguardingException.participant_id == participant_id,
               SafeguardingException.status == ExceptionStatus.APPROVED, ~used)
        .order_by(SafeguardingException.decided_at, SafeguardingException.id).limit(1))


@dataclass(frozen=True)
class PendingException:
    exception: SafeguardingException
    case: Case


def pending_exceptions(session: Session, user) -> list[PendingException]:
    """The requests awaiting a decision on the cases the user sees (a supervisor: their association's), oldest
    first; one query."""
    cases = visible_cases(user).subquery()
    rows = session.execute(
        select(SafeguardingException, Case).join(Case, Case.id == SafeguardingException.case_id)
        .where(SafeguardingException.status == ExceptionStatus.PENDING, Case.id.in_(select(cases.c.id)))
        .order_by(SafeguardingException.requested_at, SafeguardingException.id)
    ).unique().all()
    return [PendingException(exception, case) for exception, case in rows]


def count_pending_exceptions(session: Session, user) -> int:
    """How many requests await a decision on the cases the user sees (the supervisor's home page)."""
    cases = visible_cases(user).with_only_columns(Case.id)
    return session.scalar(select(func.count()).select_from(SafeguardingException).where(
        SafeguardingException.status == ExceptionStatus.PENDING, SafeguardingException.case_id.in_(cases))) or 0
