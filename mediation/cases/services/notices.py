"""Notices to staff inside the application (docs/domain.md, DOM71-DOM73); the open requests for a
supervisor's decision are read in cases/queries/notices.py.

A notice is written in the transaction of the event it tells (a decision, a reassignment, a review
asking for an action, a co-worker added), by the service that makes the event: features above
`cases` call down to `notify`. Functions flush and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import update
from sqlalchemy.orm import Session

from mediation.cases.codes import NoticeKind
from mediation.cases.models import AssignmentRole, Case, Notice
from mediation.core import clock


def case_staff_ids(case: Case) -> list[int]:
    """Who works the case (its lead and co-workers), lead first."""
    return [a.user_id for a in sorted(case.assignments, key=lambda a: (a.role is not AssignmentRole.LEAD, a.user_id))]


def notify(session: Session, case: Case, kind: NoticeKind, user_ids: Iterable[int], *, actor) -> list[Notice]:
    """One notice per user named, once each; the one who made the event is not told of it (DOM72)."""
    actor_id = getattr(actor, "id", None)
    notices = [Notice(user_id=user_id, case_id=case.id, kind=NoticeKind(kind))
               for user_id in dict.fromkeys(user_ids) if user_id is not None and user_id != actor_id]
    session.add_all(notices)
    session.flush()
    return notices


def mark_read(session: Session, user, notice_ids: Iterable[int]) -> None:
    """The user has seen these notices of theirs (someone else's are never touched)."""
    ids = list(notice_ids)
    if ids:
        session.execute(update(Notice).where(Notice.id.in_(ids), Notice.user_id == user.id,
                                             Notice.read_at.is_(None)).values(read_at=clock.now())
                        .execution_options(synchronize_session=False))


