"""Hash-chained, append-only audit events: ids and codes, never values.

Each event's canonical body (sorted compact JSON) is chained by
HMAC-SHA256(audit key, previous hash || body). A one-row head holds the last
seq and hash; it is locked while appending, so concurrent writers queue
instead of forking the chain (SELECT ... FOR UPDATE on PostgreSQL; SQLite
transactions start with BEGIN IMMEDIATE, see core/database.py). Events are
written in the caller's transaction: if the event cannot be written, the
change it records does not happen either (docs/security.md, S28).
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
from collections.abc import Generator, Iterable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app, g, has_request_context
from flask_login import current_user
from sqlalchemy import Integer, LargeBinary, RowMapping, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from mediation.core import clock
from mediation.core.models import Base, UTCDateTime

GENESIS_HASH = bytes(32)
# The body keys, in the order of the columns that copy them.
BODY_FIELDS = (
    "seq",
    "at",
    "action",
    "outcome",
    "actor_id",
    "actor_role",
    "association_id",
    "entity",
    "entity_id",
    "request_id",
)


class AuditAction(enum.StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    LOCKOUT = "lockout"
    SESSIONS_ENDED = "sessions_ended"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET_ISSUED = "password_reset_issued"
    PASSWORD_RESET_USED = "password_reset_used"
    SECOND_FACTOR_ENROLLED = "second_factor_enrolled"
    SECOND_FACTOR_RESET = "second_factor_reset"
    RECOVERY_CODES_ISSUED = "recovery_codes_issued"
    RECOVERY_CODE_USED = "recovery_code_used"
    ACCESS_DENIED = "access_denied"
    CSRF_FAILED = "csrf_failed"
    CREATE = "create"
    UPDATE = "update"
    VIEW = "view"
    SEARCH = "search"
    STATUS_CHANGE = "status_change"
    CONSENT_CHANGE = "consent_change"
    DECISION = "decision"
    EXPORT = "export"
    MESSAGE_QUEUED = "message_queued"
    MESSAGE_SENT = "message_sent"
    # Backups (`flask backup`): entity "backup", entity_id the archive's backup id.
    BACKUP_CREATED = "backup_created"
    BACKUP_RESTORED = "backup_restored"
    # The quarterly restore drill (`flask backup drill`): outcome failure when the copy did not check out.
    RESTORE_DRILL = "restore_drill"
    # Retention: a case's identity and free text removed; expired records deleted.
    ANONYMISED = "anonymised"
    PURGED = "purged"


class AuditOutcome(enum.StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


class AuditEvent(Base):
    __tablename__ = "audit_event"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    action: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    # Plain integers, no foreign keys: the trail outlives what it records.
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_role: Mapped[str | None] = mapped_column(String(16))
    association_id: Mapped[int | None] = mapped_column(Integer, index=True)
    entity: Mapped[str | None] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(32))
    body: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32), nullable=False)


class AuditHead(Base):
    """The one row holding the chain's last seq and hash."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32), nullable=False)


def canonical_body(fields: dict) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def chain_hash(key: bytes, previous: bytes, body: bytes) -> bytes:
    return hmac.new(key, previous + body, hashlib.sha256).digest()


def _current_actor() -> tuple[int | None, str | None, int | None]:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id, str(current_user.role), current_user.association_id
    return None, None, None


def record(
    session: Session,
    action: AuditAction,
    *,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    entity: str | None = None,
    entity_id: object | None = None,
    actor_id: int | None = None,
    actor_role: str | None = None,
    association_id: int | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction."""
    if actor_id is None and actor_role is None:
        actor_id, actor_role, default_association = _current_actor()
        association_id = association_id if association_id is not None else default_association
    head_seq, head_hash = session.execute(
        select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update()
    ).one()
    seq = head_seq + 1
    fields: dict[str, Any] = {
        "seq": seq,
        "at": clock.now().isoformat(timespec="microseconds"),
        "action": str(action),
        "outcome": str(outcome),
        "actor_id": actor_id,
        "actor_role": actor_role,
        "association_id": association_id,
        "entity": entity,
        "entity_id": None if entity_id is None else str(entity_id),
        "request_id": g.get("request_id") if has_request_context() else None,
    }
    body = canonical_body(fields)
    digest = chain_hash(current_app.config["AUDIT_KEY"], head_hash, body)
    event = AuditEvent(
        **{**fields, "at": datetime.fromisoformat(fields["at"])}, body=body, hash=digest
    )
    session.add(event)
    session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(seq=seq, hash=digest)
    )
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class StoredEvent:
    seq: int
    body: bytes
    hash: bytes
    columns: dict


def _columns_of(row: RowMapping) -> dict:
    values = {name: row[name] for name in BODY_FIELDS}
    values["at"] = row["at"].isoformat(timespec="microseconds")
    return values


def verify_entries(
    entries: Iterable[StoredEvent],
    key: bytes,
    head: tuple[int, bytes],
    anchor: tuple[int, bytes] | None = None,
) -> ChainReport:
    """Recompute the chain; report the first position that does not verify."""
    previous, expected_seq, anchor_seen = GENESIS_HASH, 1, anchor is None
    head_seq, head_hash = head

    def broken(reason: str) -> ChainReport:
        return ChainReport(False, expected_seq - 1, head_seq, head_hash.hex(), expected_seq, reason)

    for entry in entries:
        if entry.seq != expected_seq:
            return broken("sequence gap or reordering")
        if not hmac.compare_digest(chain_hash(key, previous, entry.body), entry.hash):
            return broken("hash mismatch")
        try:
            body = json.loads(entry.body)
        except ValueError:
            return broken("body is not canonical JSON")
        if canonical_body(body) != entry.body or body != entry.columns:
            return broken("columns differ from the signed body")
        if anchor is not None and entry.seq == anchor[0]:
            if not hmac.compare_digest(entry.hash, anchor[1]):
                return broken("differs from the anchor")
            anchor_seen = True
        previous, expected_seq = entry.hash, expected_seq + 1
    if head_seq != expected_seq - 1 or not hmac.compare_digest(head_hash, previous):
        return broken("head does not match the last event (events cut off)")
    if not anchor_seen:
        # The first missing event is the first bad one (events cut off up to the anchor).
        return broken("anchored event missing")
    return ChainReport(True, expected_seq - 1, head_seq, head_hash.hex())


def stored_events(session: Session, batch: int = 5000) -> Generator[StoredEvent, None, None]:
    # Plain columns, not entities: the rows as stored, never the (possibly stale)
    # copies held in the session's identity map, which is left untouched.
    columns = [getattr(AuditEvent, name) for name in (*BODY_FIELDS, "body", "hash")]
    stmt = select(*columns).order_by(AuditEvent.seq).execution_options(yield_per=batch)
    # Closed when the reader stops early too (a broken link ends the walk): on PostgreSQL the rows come
    # from a server-side cursor, which must not be left open for the garbage collector.
    with session.execute(stmt) as result:
        for row in result.mappings():
            yield StoredEvent(row["seq"], row["body"], row["hash"], _columns_of(row))


def verify_chain(session: Session, anchor: tuple[int, bytes] | None = None) -> ChainReport:
    """Verify the stored chain against the key, its head and an optional anchor."""
    head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
    with closing(stored_events(session)) as events:
        return verify_entries(events, current_app.config["AUDIT_KEY"], (head.seq, head.hash), anchor)
