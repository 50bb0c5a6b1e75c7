"""Reads of the outbox for its operator: messages per status, and why the failed ones failed.

Counts only: never an address or a text.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.outbox.models import OutboxMessage, OutboxSmsPart
from mediation.outbox.services import CHANNELS, FAILED, PENDING, SENDING, SENT, STATUSES
from mediation.outbox.sms import DELIVERED as RECEIPT_DELIVERED

# What the timelines and the operator see (docs/domain.md, DOM145): queued, sent, delivered, failed.
QUEUED, DELIVERED = "queued", "delivered"
SHOWN_STATUSES = (QUEUED, SENT, DELIVERED, FAILED)


def status_counts(session: Session) -> dict[str, int]:
    """Messages per status (every status present, zero included)."""
    rows = dict(session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return {status: rows.get(status, 0) for status in STATUSES}


def channel_status_counts(session: Session) -> dict[str, dict[str, int]]:
    """Messages per channel and status, every channel and status present; `delivered` counts the
    sent SMS whose every part has a DELIVRD receipt (part of `sent`, not apart from it)."""
    rows = session.execute(select(OutboxMessage.channel, OutboxMessage.status, func.count())
                           .group_by(OutboxMessage.channel, OutboxMessage.status)).all()
    counts = {channel: {status: 0 for status in (*STATUSES, DELIVERED)} for channel in CHANNELS}
    for channel, status, count in rows:
        counts.setdefault(channel, {status: 0 for status in (*STATUSES, DELIVERED)})[status] = count
    counts["sms"][DELIVERED] = session.scalar(
        select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.channel == "sms", OutboxMessage.status == SENT, OutboxMessage.parts_sent > 0,
            OutboxMessage.parts_sent == select(func.count()).where(
                OutboxSmsPart.message_id == OutboxMessage.id, OutboxSmsPart.receipt == RECEIPT_DELIVERED,
            ).correlate(OutboxMessage).scalar_subquery())) or 0
    return counts


_SHOWN_COLUMNS = (OutboxMessage.id, OutboxMessage.about, OutboxMessage.dedupe_key, OutboxMessage.channel,
                  OutboxMessage.kind, OutboxMessage.status, OutboxMessage.parts_sent, OutboxMessage.created_at,
                  OutboxMessage.sent_at)


def _shown(session: Session, rows: list) -> list[dict]:
    """Each row's shown status: queued, sent, delivered (every SMS part has its DELIVRD receipt) or failed."""
    delivered = dict(session.execute(
        select(OutboxSmsPart.message_id, func.count()).where(
            OutboxSmsPart.message_id.in_([row.id for row in rows]), OutboxSmsPart.receipt == RECEIPT_DELIVERED)
        .group_by(OutboxSmsPart.message_id)).all()) if rows else {}
    shown = []
    for row in rows:
        if row.status in (PENDING, SENDING):
            status = QUEUED
        elif row.status == SENT and row.parts_sent and delivered.get(row.id, 0) >= row.parts_sent:
            status = DELIVERED
        else:
            status = row.status
        shown.append({"id": row.id, "about": row.about, "key": row.dedupe_key, "channel": row.channel,
                      "kind": row.kind, "status": status, "queued_at": row.created_at, "sent_at": row.sent_at})
    return shown


def kind_channel_counts(session: Session) -> dict[str, dict[str, int]]:
    """Messages per kind (reminder, convocation, agenda...) and channel, every channel present."""
    counts: dict[str, dict[str, int]] = {}
    for kind, channel, count in session.execute(
            select(OutboxMessage.kind, OutboxMessage.channel, func.count())
            .group_by(OutboxMessage.kind, OutboxMessage.channel).order_by(OutboxMessage.kind)).all():
        counts.setdefault(kind, dict.fromkeys(CHANNELS, 0))[channel] = count
    return counts


def messages_about(session: Session, refs: list[str]) -> list[dict]:
    """The messages queued about these things (`about`), oldest first: channel, kind, shown status and
    times. Ids and codes only, never an address or a text."""
    if not refs:
        return []
    return _shown(session, list(session.execute(select(*_SHOWN_COLUMNS).where(OutboxMessage.about.in_(refs))
                                                .order_by(OutboxMessage.created_at, OutboxMessage.id)).all()))


def messages_by_id(session: Session, ids: list[int]) -> list[dict]:
    """As `messages_about`, for these messages (the case timeline's page; docs/domain.md, DOM167)."""
    if not ids:
        return []
    return _shown(session, list(session.execute(select(*_SHOWN_COLUMNS).where(OutboxMessage.id.in_(ids))).all()))


def failure_counts(session: Session) -> dict[str | None, int]:
    """Failed messages per recorded error (class and code only)."""
    return dict(session.execute(
        select(OutboxMessage.last_error, func.count()).where(OutboxMessage.status == FAILED)
        .group_by(OutboxMessage.last_error).order_by(OutboxMessage.last_error)
    ).all())
