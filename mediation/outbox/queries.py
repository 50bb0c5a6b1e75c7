"""Reads of the outbox for its operator: messages per status, and why the failed ones failed.

Counts only: never an address or a text.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.outbox.models import OutboxMessage
from mediation.outbox.services import FAILED, STATUSES


def status_counts(session: Session) -> dict[str, int]:
    """Messages per status (every status present, zero included)."""
    rows = dict(session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return {status: rows.get(status, 0) for status in STATUSES}


def failure_counts(session: Session) -> dict[str | None, int]:
    """Failed messages per recorded error (class and code only)."""
    return dict(session.execute(
        select(OutboxMessage.last_error, func.count()).where(OutboxMessage.status == FAILED)
        .group_by(OutboxMessage.last_error).order_by(OutboxMessage.last_error)
    ).all())
