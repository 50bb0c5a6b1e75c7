"""Matrix rows of my work and of marking a follow-up action done (merged by tests/matrix.py), and builders.

The follow-up actions a row needs are stored directly, lazily, inside the
test's rolled-back transaction, the first time a URL function asks for them.
ROWS is built on first access, as in tests/cases/matrix_rows_notes.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from mediation.appointments.codes import SessionMode
from mediation.cases.codes import NoteVisibility, SessionType
from mediation.counselling.models import CounsellingSession, FollowUpAction, SessionStaff
from mediation.extensions import db
from tests.cases.matrix_rows_notes import actor, case_by_public_id

STAFF_ONLY = dict(admin=403, ministry=403)
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
LEADS = {"own": "mediator.a1", "colleague": "mediator.a2", "other": "mediator.b1"}


# Builders, also used by the timeline and my-work tests (call them outside any app context).


def add_session(app, case_id: str, username: str, started_at: datetime, duration_min: int = 60,
                type: SessionType = SessionType.INDIVIDUAL, voided: bool = False) -> str:
    """A session held by `username`, stored directly; returns its public id."""
    with app.app_context():
        holder = actor(username)
        row = CounsellingSession(
            case_id=case_by_public_id(case_id).id, type=type, mode=SessionMode.IN_PERSON,
            started_at=started_at, duration_min=duration_min, visibility=NoteVisibility.STAFF_ONLY,
            author_id=holder.id, staff=[SessionStaff(user_id=holder.id)],
            voided_at=datetime(2026, 11, 20, tzinfo=UTC) if voided else None,
            voided_by_id=holder.id if voided else None,
        )
        db.session.add(row)
        db.session.commit()
        return str(row.public_id)


def add_action(app, case_id: str, username: str, due_on: date, description: str = "الاتصال بالأم",
               done: bool = False) -> str:
    """A follow-up action assigned to `username`, stored directly; returns its public id."""
    with app.app_context():
        assignee = actor(username)
        action = FollowUpAction(case_id=case_by_public_id(case_id).id, description=description, due_on=due_on,
                                assigned_to_id=assignee.id, done_on=due_on if done else None,
                                done_by_id=assignee.id if done else None)
        db.session.add(action)
        db.session.commit()
        return str(action.public_id)


def _actions(world) -> dict:
    extras = getattr(world.cases, "my_work_matrix", None)
    if extras is None:
        extras = {key: add_action(world.app, getattr(world.cases, key), LEADS[key], date(2026, 12, 1))
                  for key in ("own", "other")}
        world.cases.my_work_matrix = extras
    return extras


def done_url(key: str | None):
    def url(world) -> str:
        action_id = UNKNOWN_ID if key is None else _actions(world)[key]
        return f"/follow-up-actions/{action_id}/done"

    return url


def _rows() -> list:
    from tests.matrix import Row, expect

    return [
        Row("counselling.my_work", "GET", "/my-work", expect(200, **STAFF_ONLY)),
        # The assignee and the supervisor of the case's association; the case is invisible to the others.
        Row("counselling.follow_up_done", "POST", done_url("own"),
            expect(404, **STAFF_ONLY, mediator_a1=302, supervisor_a=302), variant="own"),
        Row("counselling.follow_up_done", "POST", done_url("other"),
            expect(404, **STAFF_ONLY, mediator_b1=302, supervisor_b=302), variant="other_association"),
        Row("counselling.follow_up_done", "POST", done_url(None), expect(404, **STAFF_ONLY), variant="unknown"),
    ]


def __getattr__(name: str):
    """ROWS, built on first access (see the module docstring)."""
    if name == "ROWS":
        globals()["ROWS"] = rows = _rows()
        return rows
    raise AttributeError(name)
