"""Read models of the session log: the case timeline, a staff member's own work, one session and its
revisions.

Totals are computed in SQL (GROUP BY) and every page issues a bounded number
of queries whatever the amount of data (docs/architecture.md). Voided sessions are
listed (with their badge) but never counted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, cast, func, literal, select, union_all
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from mediation.appointments.models import Appointment
from mediation.appointments.services.reminders import PARTY_KINDS
from mediation.cases.codes import SessionType
from mediation.cases.models import Case, DecisionRequest, Note, StatusChange
from mediation.cases.policies import visible_cases
from mediation.core import clock
from mediation.counselling.models import CounsellingSession, FollowUpAction, SessionRevision, SessionStaff
from mediation.outbox import queries as outbox_queries
from mediation.outbox.models import OutboxMessage

TIMELINE_PER_PAGE = 20
MY_WORK_SESSION_LIMIT = 500

SESSION, NOTE, STATUS, REVIEW, LEAD, REQUEST = "session", "note", "status", "review", "lead", "request"
MESSAGE = "message"


@dataclass(frozen=True)
class TypeTotal:
    type: SessionType
    count: int
    minutes: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


@dataclass(frozen=True)
class Totals:
    by_type: list[TypeTotal]

    @property
    def count(self) -> int:
        return sum(total.count for total in self.by_type)

    @property
    def minutes(self) -> int:
        return sum(total.minutes for total in self.by_type)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


def _totals(session: Session, query) -> Totals:
    """query: a select of counselling sessions' ids to count; grouped by type in SQL, voided excluded."""
    rows = session.execute(
        select(CounsellingSession.type, func.count(CounsellingSession.id),
               func.coalesce(func.sum(CounsellingSession.duration_min), 0))
        .where(CounsellingSession.id.in_(query), CounsellingSession.voided_at.is_(None))
        .group_by(CounsellingSession.type)
    ).all()
    order = {member: index for index, member in enumerate(SessionType)}
    totals = [TypeTotal(SessionType(kind), int(count), int(minutes)) for kind, count, minutes in rows]
    return Totals(sorted(totals, key=lambda total: order[total.type]))


# Case timeline


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # SESSION, NOTE, STATUS, REQUEST, REVIEW, LEAD or MESSAGE
    at: datetime
    item: object  # CounsellingSession, Note, StatusChange, DecisionRequest, SupervisionReview or LeadChange


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


# Each kind of timeline entry: its model (with `id` and `case_id`) and the attribute holding its instant.
# Features above this one add their kinds with `timeline_kind` (the supervision's reviews and lead
# changes), so the timeline shows them without this package importing theirs (docs/architecture.md, A1).
# type[Any]: no Protocol states mapped attributes read on the class (`model.id.label(...)`).
TIMELINE_MODELS: dict[str, tuple[type[Any], str]] = {}


def timeline_kind(kind: str, model: type[Any], at_attribute: str) -> None:
    TIMELINE_MODELS[kind] = (model, at_attribute)


timeline_kind(SESSION, CounsellingSession, "started_at")
timeline_kind(NOTE, Note, "created_at")
timeline_kind(STATUS, StatusChange, "changed_at")
# A request for a supervisor's decision (docs/domain.md, DOM71), open or answered.
timeline_kind(REQUEST, DecisionRequest, "created_at")


# Kinds that are not a model with a `case_id`: a select of (kind, id, at) rows of the case, and how to
# load one page's items by id (each item has an `at`).
TimelineRows = Callable[[Case], Select]
TimelineLoad = Callable[[Session, list[int]], dict[int, Any]]
TIMELINE_SOURCES: dict[str, tuple[TimelineRows, TimelineLoad]] = {}


@dataclass(frozen=True)
class TimelineMessage:
    """A reminder or convocation about one of the case's appointments (docs/domain.md, DOM167): its kind,
    channel, shown status and times; never its text nor its address."""

    kind: str
    channel: str
    status: str
    at: datetime
    sent_at: datetime | None


def _message_rows(case: Case) -> Select:
    refs = select(literal("appointment:") + cast(Appointment.id, String)).where(Appointment.case_id == case.id)
    return (select(literal(MESSAGE).label("kind"), OutboxMessage.id.label("id"), OutboxMessage.created_at.label("at"))
            .where(OutboxMessage.about.in_(refs), OutboxMessage.kind.in_(PARTY_KINDS)))


def _load_messages(session: Session, ids: list[int]) -> dict[int, Any]:
    return {row["id"]: TimelineMessage(row["kind"], row["channel"], row["status"], row["queued_at"], row["sent_at"])
            for row in outbox_queries.messages_by_id(session, ids)}


TIMELINE_SOURCES[MESSAGE] = (_message_rows, _load_messages)


def case_totals(session: Session, case: Case) -> Totals:
    """Sessions and hours per type on one case, voided sessions excluded."""
    return _totals(session, select(CounsellingSession.id).where(CounsellingSession.case_id == case.id))


def _timeline_union(case: Case):
    return union_all(*(
        select(literal(kind).label("kind"), model.id.label("id"), getattr(model, at).label("at"))
        .where(model.case_id == case.id)
        for kind, (model, at) in TIMELINE_MODELS.items()
    ), *(rows(case) for rows, _load in TIMELINE_SOURCES.values())).subquery("timeline")


def case_timeline(session: Session, case: Case, page: int, per_page: int = TIMELINE_PER_PAGE) -> TimelinePage:
    """Sessions, notes and status changes of a case, newest first, one page of them.

    One UNION query picks the page window, one counts; then each kind's rows of
    the window load by id (at most one query per kind, plus their eager relations).
    """
    timeline = _timeline_union(case)
    total = session.scalar(select(func.count()).select_from(timeline)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    # Ties (same instant) in a stable order: a status change after the note or session it follows.
    rank = sql_case((timeline.c.kind == STATUS, 0), (timeline.c.kind == NOTE, 1), else_=2)
    window = session.execute(
        select(timeline.c.kind, timeline.c.id)
        .order_by(timeline.c.at.desc(), rank, timeline.c.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    wanted: dict[str, list[int]] = {kind: [] for kind in (*TIMELINE_MODELS, *TIMELINE_SOURCES)}
    for kind, row_id in window:
        wanted[kind].append(row_id)
    loaded: dict[tuple[str, int], object] = {}
    for kind, (model, _at) in TIMELINE_MODELS.items():
        if wanted[kind]:
            for item in session.scalars(select(model).where(model.id.in_(wanted[kind]))):
                loaded[(kind, item.id)] = item
    for kind, (_rows, load) in TIMELINE_SOURCES.items():
        if wanted[kind]:
            loaded.update({(kind, row_id): item for row_id, item in load(session, wanted[kind]).items()})
    entries = []
    for kind, row_id in window:
        item = loaded[(kind, row_id)]
        at = getattr(item, "at" if kind in TIMELINE_SOURCES else TIMELINE_MODELS[kind][1])
        entries.append(TimelineEntry(kind, at, item))
    return TimelinePage(entries, page, per_page, total)


# My work


@dataclass(frozen=True)
class MyWork:
    sessions: list[CounsellingSession]
    truncated: bool
    totals: Totals
    cases: dict[int, Case]
    actions: list[FollowUpAction]


def _held_by(user, start: datetime, end: datetime):
    """Ids of the sessions the user held in [start, end), on cases they may still see."""
    held = select(SessionStaff.session_id).where(SessionStaff.user_id == user.id)
    visible = visible_cases(user).with_only_columns(Case.id)
    return (select(CounsellingSession.id)
            .where(CounsellingSession.id.in_(held), CounsellingSession.case_id.in_(visible),
                   CounsellingSession.started_at >= start, CounsellingSession.started_at < end))


def open_actions(session: Session, user, today: date) -> list[FollowUpAction]:
    """The user's open follow-up actions on visible cases: overdue first, then by due date."""
    visible = visible_cases(user).with_only_columns(Case.id)
    overdue = sql_case((FollowUpAction.due_on < today, 0), else_=1)
    return list(session.scalars(
        select(FollowUpAction)
        .where(FollowUpAction.assigned_to_id == user.id, FollowUpAction.done_on.is_(None),
               FollowUpAction.case_id.in_(visible))
        .order_by(overdue, FollowUpAction.due_on, FollowUpAction.id)
    ))


def my_work(session: Session, user, first: date, last: date, today: date) -> MyWork:
    """The user's own sessions over local days first..last with totals, and their open actions."""
    start, end = clock.day_bounds(first, last)
    ids = _held_by(user, start, end)
    # The page's ids first, then their rows: asked for the rows at once, with their joined authors,
    # PostgreSQL planned the join of every session of the country before the filter (600 ms at
    # 1,000,000 sessions, bench/RESULTS.md); the ids alone use the indexes and bound the rest.
    newest_first = (CounsellingSession.started_at.desc(), CounsellingSession.id.desc())
    page_ids = list(session.scalars(
        select(CounsellingSession.id).where(CounsellingSession.id.in_(ids))
        .order_by(*newest_first).limit(MY_WORK_SESSION_LIMIT + 1)
    ))
    truncated = len(page_ids) > MY_WORK_SESSION_LIMIT
    page_ids = page_ids[:MY_WORK_SESSION_LIMIT]
    rows = list(session.scalars(
        select(CounsellingSession).where(CounsellingSession.id.in_(page_ids)).order_by(*newest_first)
    )) if page_ids else []
    actions = open_actions(session, user, today)
    case_ids = {row.case_id for row in rows} | {action.case_id for action in actions}
    cases = ({case.id: case for case in session.scalars(select(Case).where(Case.id.in_(case_ids)))}
             if case_ids else {})
    return MyWork(rows, truncated, _totals(session, ids), cases, actions)


# One session and its history


def session_of(session: Session, case: Case, public_id) -> CounsellingSession | None:
    """A session of this case by public id; another case's session is None (the route answers 404)."""
    return session.scalar(select(CounsellingSession).where(CounsellingSession.case_id == case.id,
                                                           CounsellingSession.public_id == public_id))


def revisions_of(session: Session, counselling_session: CounsellingSession) -> list[SessionRevision]:
    return list(session.scalars(select(SessionRevision).where(SessionRevision.session_id == counselling_session.id)
                                .order_by(SessionRevision.number.desc())))
