"""Ending a staff user's sessions: the session version on the account (docs/security.md, S6-S8)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.core.events import credentials_revoked


def end_all_sessions(session: Session, user: StaffUser, *, logout: bool = False) -> None:
    """Bump the session version: every cookie of this user stops working.

    The S8 events (password, second factor, deactivation, scope change, ended by an administrator)
    revoke every other credential too (the calendar feeds listen for `credentials_revoked`); a plain
    logout does not, or every logout would break the user's calendar subscription.
    """
    session.execute(
        update(StaffUser)
        .where(StaffUser.id == user.id)
        .values(session_version=StaffUser.session_version + 1)
        .execution_options(synchronize_session="fetch")
    )
    if not logout:
        credentials_revoked.send(user, session=session)
