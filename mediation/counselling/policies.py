"""Who may log, correct, void and read a session, and close a follow-up action (pure rules).

The case has been loaded through the user's scope before any of these runs: a case outside it is
already a 404, so these say only whether the user may act on it (otherwise 403).
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from mediation.cases.codes import SessionType
from mediation.cases.models import Case
from mediation.cases.policies import can_edit_case, is_assigned, is_supervisor_of
from mediation.core import clock
from mediation.core.authz import Profession
from mediation.counselling.models import CounsellingSession, FollowUpAction

EDIT_DAYS_SETTING = "SESSION_EDIT_DAYS"


def edit_window() -> timedelta:
    """How long the author may correct their own session (SESSION_EDIT_DAYS)."""
    return timedelta(days=int(current_app.config.get(EDIT_DAYS_SETTING, 7)))


def can_log_session(user, case: Case) -> bool:
    return can_edit_case(user, case)


def can_correct_session(user, case: Case, counselling_session: CounsellingSession) -> bool:
    """The author within the window (SESSION_EDIT_DAYS), a supervisor of the association at any time."""
    if counselling_session.case_id != case.id or counselling_session.is_void or not can_edit_case(user, case):
        return False
    if is_supervisor_of(user, case):
        return True
    return (counselling_session.author_id == user.id
            and clock.now() - counselling_session.created_at <= edit_window())


can_void_session = can_correct_session


def can_read_content(user, case: Case, counselling_session: CounsellingSession) -> bool:
    """Psychological session notes: their author and the case's psychologists only (docs/domain.md, DOM36)."""
    if counselling_session.type is not SessionType.COUNSELLING_PSYCHOLOGICAL:
        return True
    if counselling_session.author_id == user.id:
        return True
    return getattr(user, "profession", None) == Profession.PSYCHOLOGIST and is_assigned(user, case)


def can_open_correction(user, case: Case, counselling_session: CounsellingSession) -> bool:
    """The correction form shows (and could erase) the summary: only for who may correct the session and
    read it (docs/domain.md, DOM36, DOM37). A supervisor may correct a psychological session's facts in
    principle, but not through a form that would show them its notes."""
    return (can_correct_session(user, case, counselling_session)
            and can_read_content(user, case, counselling_session))


def can_mark_done(user, case: Case, action: FollowUpAction) -> bool:
    """The assignee, or a supervisor of the case's association."""
    if action.case_id != case.id:
        return False
    return action.assigned_to_id == user.id or is_supervisor_of(user, case)
