"""Authentication: who may open a session, and ending every session of a user."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mediation.admin.models import StaffUser
from mediation.admin.services import normalise_username
from mediation.auth.passwords import hasher, needs_rehash, normalise, verify_password
from mediation.core.audit import AuditAction, AuditOutcome, record
from mediation.core.models import utcnow


def authenticate(session: Session, username: str, password: str) -> StaffUser | None:
    """Return the active account matching the credentials, auditing success and failure alike."""
    user = session.scalar(select(StaffUser).where(StaffUser.username == normalise_username(username)))
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is not None and password_ok and user.active:
        if needs_rehash(user.password_hash):
            user.password_hash = hasher().hash(normalise(password))
        user.last_login_at = utcnow()
        record(session, AuditAction.LOGIN, entity="staff_user", entity_id=user.public_id,
               actor_id=user.id, actor_role=str(user.role), association_id=user.association_id)
        return user
    # Ids only: the typed user name may be a mistyped password.
    record(
        session,
        AuditAction.LOGIN_FAILED,
        outcome=AuditOutcome.FAILURE,
        entity="staff_user" if user else None,
        entity_id=user.public_id if user else None,
        actor_id=user.id if user else None,
        actor_role=str(user.role) if user else "anonymous",
        association_id=user.association_id if user else None,
    )
    return None


def end_all_sessions(session: Session, user: StaffUser) -> None:
    """Bump the session version: every cookie of this user stops working."""
    session.execute(
        update(StaffUser)
        .where(StaffUser.id == user.id)
        .values(session_version=StaffUser.session_version + 1)
        .execution_options(synchronize_session="fetch")
    )


def log_out(session: Session, user: StaffUser) -> None:
    """Logging out ends every session of the user, not only this browser's."""
    end_all_sessions(session, user)
    record(session, AuditAction.LOGOUT, entity="staff_user", entity_id=user.public_id)


def load_user(token: str) -> StaffUser | None:
    """Flask-Login loader: refuses unknown ids, inactive accounts and stale versions."""
    from mediation.extensions import db

    user_id, _, version = token.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(StaffUser, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
