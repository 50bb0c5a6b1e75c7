"""The audit-trail page: a scoped, filtered, paginated read with a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, load_only

from mediation.accounts.models import StaffUser
from mediation.accounts.policies import visible_staff
from mediation.accounts.services import normalise_username
from mediation.audit.policies import can_see_chain_head, visible_events
from mediation.core import clock
from mediation.core.audit import AuditEvent, AuditHead
from mediation.extensions import db

PAGE_SIZE = 50


@dataclass(frozen=True)
class EventFilters:
    actor_id: int | None = None
    action: str | None = None
    outcome: str | None = None
    start: datetime | None = None  # UTC, inclusive
    end: datetime | None = None  # UTC, exclusive


@dataclass(frozen=True)
class Actor:
    display_name: str
    username: str


@dataclass(frozen=True)
class EventPage:
    page: Pagination
    actors: dict[int, Actor]


def utc_bounds(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """[start, end) in UTC covering the local days first..last, both included; either may be open."""
    start = clock.day_start(first) if first else None
    end = clock.day_start(last + timedelta(days=1)) if last else None
    return start, end


def resolve_actor(session: Session, viewer, username: str) -> int | None:
    """The id of the account with this user name among the staff the viewer may see, else None."""
    # Exact match on the stored, normalised name: no pattern matching on user input.
    stmt = (
        visible_staff(viewer)
        .with_only_columns(StaffUser.id)
        .where(StaffUser.username == normalise_username(username))
    )
    return session.scalar(stmt)


def filtered_events(viewer, filters: EventFilters) -> Select:
    stmt = visible_events(viewer)
    if filters.actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == filters.actor_id)
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.outcome:
        stmt = stmt.where(AuditEvent.outcome == filters.outcome)
    if filters.start is not None:
        stmt = stmt.where(AuditEvent.at >= filters.start)
    if filters.end is not None:
        stmt = stmt.where(AuditEvent.at < filters.end)
    return stmt


def actors_of(session: Session, viewer, actor_ids: set[int]) -> dict[int, Actor]:
    """Names of the page's actors in one query, limited to the staff the viewer may see."""
    if not actor_ids:
        return {}
    stmt = (
        visible_staff(viewer)
        .with_only_columns(StaffUser.id, StaffUser.display_name, StaffUser.username)
        .where(StaffUser.id.in_(sorted(actor_ids)))
    )
    return {row.id: Actor(row.display_name, row.username) for row in session.execute(stmt)}


def event_page(viewer, filters: EventFilters, page: int) -> EventPage:
    """One page of the viewer's events, newest first, with its actors' names."""
    stmt = (
        filtered_events(viewer, filters)
        .options(load_only(
            AuditEvent.seq, AuditEvent.at, AuditEvent.action, AuditEvent.outcome, AuditEvent.actor_id,
            AuditEvent.actor_role, AuditEvent.entity, AuditEvent.entity_id, AuditEvent.request_id,
        ))
        .order_by(AuditEvent.seq.desc())
    )
    result = db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False, max_per_page=PAGE_SIZE)
    actor_ids = {event.actor_id for event in result.items if event.actor_id is not None}
    return EventPage(result, actors_of(db.session(), viewer, actor_ids))


def chain_head_seq(session: Session, viewer) -> int | None:
    """The seq of the chain's last event, for those who may see it; else None."""
    if not can_see_chain_head(viewer):
        return None
    return session.scalar(select(AuditHead.seq).where(AuditHead.id == 1))
