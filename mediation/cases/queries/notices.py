"""Notices to staff (docs/domain.md, DOM72, DOM73): always read through the case scope of now, so a notice of a
case the user no longer sees is neither counted nor listed. And the case's requests for a supervisor's
decision still waiting for one (DOM71)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.cases.codes import NoticeKind
from mediation.cases.models import Case, DecisionRequest, Notice
from mediation.cases.policies import visible_cases

NOTICES_SHOWN = 100  # the notices page lists the latest ones


@dataclass(frozen=True)
class NoticeRow:
    id: int
    kind: NoticeKind
    created_at: datetime
    read_at: datetime | None
    case_public_id: uuid.UUID
    case_reference: str


def _notices_in_scope(user):
    visible = visible_cases(user).with_only_columns(Case.id)
    return Notice.user_id == user.id, Notice.case_id.in_(visible)


def unread_notice_count(session: Session, user) -> int:
    """The header's counter: one statement."""
    return session.scalar(select(func.count(Notice.id)).where(*_notices_in_scope(user),
                                                              Notice.read_at.is_(None))) or 0


def notices_of(session: Session, user, *, unread_only: bool = False, kinds=None,
               limit: int = NOTICES_SHOWN) -> list[NoticeRow]:
    """The user's latest notices with their case's reference, newest first: one statement."""
    query = (select(Notice.id, Notice.kind, Notice.created_at, Notice.read_at, Case.public_id, Case.reference)
             .join(Case, Case.id == Notice.case_id)
             .where(*_notices_in_scope(user)))
    if unread_only:
        query = query.where(Notice.read_at.is_(None))
    if kinds is not None:
        query = query.where(Notice.kind.in_(list(kinds)))
    rows = session.execute(query.order_by(Notice.created_at.desc(), Notice.id.desc()).limit(limit)).all()
    return [NoticeRow(*row) for row in rows]


def open_requests(session: Session, case: Case) -> list[DecisionRequest]:
    """The case's requests for a decision that no decision has answered yet, oldest first."""
    return list(session.scalars(select(DecisionRequest).where(DecisionRequest.case_id == case.id,
                                                              DecisionRequest.answered_at.is_(None))
                                .order_by(DecisionRequest.id)))
