"""Authentication: who may open a session, throttling, passwords and ending sessions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from mediation.accounts.codes import AgendaChannel
from mediation.accounts.models import StaffUser
from mediation.accounts.passwords import (
    hash_password,
    hasher,
    needs_rehash,
    normalise,
    policy_error,
    verify_password,
)
from mediation.accounts.services import normalise_username
from mediation.accounts.sessions import end_all_sessions
from mediation.auth.models import LoginFailure, PasswordResetToken
from mediation.core import clock
from mediation.core.audit import AuditAction, AuditOutcome, record
from mediation.core.errors import DomainError, ValidationFailed
from mediation.core.names import display_name_error
from mediation.outbox.settings import clean_msisdn


class InvalidResetToken(DomainError):
    message = _l("This reset code is not valid: it is wrong, expired or already used.")


# Login throttling (docs/security.md, S4)


def name_key(username: str) -> bytes:
    """Keyed hash of a typed user name: the failure table never holds what was typed."""
    secret = bytes.fromhex(current_app.config["SECRET_KEY"])
    return hmac.new(secret, b"login-failure|" + normalise_username(username).encode(), hashlib.sha256).digest()


def _window(now: datetime) -> datetime:
    return now - timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])


def is_locked(session: Session, username: str, now: datetime) -> bool:
    failures = session.scalar(
        select(func.count()).where(LoginFailure.name_key == name_key(username), LoginFailure.at > _window(now))
    )
    return failures >= current_app.config["LOGIN_LOCK_FAILURES"]


def record_failure(session: Session, username: str, now: datetime, user: StaffUser | None) -> None:
    """Count a failed password or code; the attempt that reaches the limit is audited as a lockout."""
    session.execute(delete(LoginFailure).where(LoginFailure.at <= _window(now)))
    session.add(LoginFailure(name_key=name_key(username), at=now))
    session.flush()
    _audit_user(session, AuditAction.LOGIN_FAILED, user, outcome=AuditOutcome.FAILURE)
    if is_locked(session, username, now):
        _audit_user(session, AuditAction.LOCKOUT, user, outcome=AuditOutcome.DENIED)


def clear_failures(session: Session, username: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.name_key == name_key(username)))


@dataclass(frozen=True)
class FirstFactor:
    user: StaffUser
    needs_code: bool  # enrolled: ask for the code
    needs_enrolment: bool  # not enrolled but required: enrol before entering


def check_password(session: Session, username: str, password: str) -> FirstFactor | None:
    """First step of login: the password of an active, unlocked account.

    Unknown, wrong, inactive and locked accounts fail alike, after the same
    password verification, so neither the answer nor its timing tells them apart.
    """
    now = clock.now()
    user = session.scalar(select(StaffUser).where(StaffUser.username == normalise_username(username)))
    password_ok = verify_password(user.password_hash if user else None, password)
    locked = is_locked(session, username, now)
    if user is None or not password_ok or not user.active or locked:
        record_failure(session, username, now, user if user and user.active else None)
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hasher().hash(normalise(password))
    require_2fa = current_app.config["MEDIATION_REQUIRE_2FA"]
    return FirstFactor(user, user.has_second_factor, require_2fa and not user.has_second_factor)


def complete_login(session: Session, user: StaffUser) -> None:
    """Both factors passed: the failures are forgotten and the login audited."""
    clear_failures(session, user.username)
    user.last_login_at = clock.now()
    _audit_user(session, AuditAction.LOGIN, user)


def second_factor_failed(session: Session, user: StaffUser) -> None:
    """A wrong code counts towards the account's lockout like a wrong password."""
    record_failure(session, user.username, clock.now(), user)


def _audit_user(session: Session, action: AuditAction, user: StaffUser | None, *,
                outcome: AuditOutcome = AuditOutcome.SUCCESS) -> None:
    record(
        session,
        action,
        outcome=outcome,
        entity="staff_user" if user else None,
        entity_id=user.public_id if user else None,
        actor_id=user.id if user else None,
        actor_role=str(user.role) if user else "anonymous",
        association_id=user.association_id if user else None,
    )


# Sessions (docs/security.md, S6-S8)


def end_sessions_of(session: Session, target: StaffUser, *, actor: StaffUser) -> None:
    """An administrator or supervisor ends every session of an account (audited)."""
    end_all_sessions(session, target)
    record(session, AuditAction.SESSIONS_ENDED, entity="staff_user", entity_id=target.public_id,
           association_id=target.association_id)


def log_out(session: Session, user: StaffUser) -> None:
    """Logging out ends every session of the user, not only this browser's (its calendar feeds stay)."""
    end_all_sessions(session, user, logout=True)
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


def update_profile(session: Session, user: StaffUser, *, display_name: str, email: str | None, locale: str,
                   agenda_channel: str | None = None, mobile: str | None = None) -> None:
    """A user edits their own name, e-mail and language, and (association staff) how their agenda
    reaches them; nothing else. The name follows the rules an administrator's staff form applies
    (core/names.py); the mobile number the contact profile's (docs/domain.md, DOM164)."""
    from mediation.core.i18n import SUPPORTED

    if locale not in SUPPORTED:
        raise ValidationFailed(field="locale")
    display_name = unicodedata.normalize("NFC", (display_name or "").strip())
    error = display_name_error(display_name)
    if error is not None:
        raise ValidationFailed(error, field="display_name")
    if agenda_channel is not None and user.belongs_to_association:
        channel = next((code for code in AgendaChannel if code.value == agenda_channel), None)
        if channel is None:
            raise ValidationFailed(_l("Choose how your agenda reaches you."), field="agenda_channel")
        number = (mobile or "").strip() or None
        if number is not None and clean_msisdn(number) is None:
            raise ValidationFailed(_l("Enter a mobile number that can receive SMS, e.g. 06 12 34 56 78 or "
                                      "+212 6 12 34 56 78."), field="mobile")
        if channel is AgendaChannel.SMS and number is None:
            raise ValidationFailed(_l("The agenda by SMS needs your mobile number."), field="mobile")
        user.agenda_channel = channel
        user.mobile = number
    user.display_name = display_name
    user.email = email
    user.locale = locale
    record(session, AuditAction.UPDATE, entity="staff_user", entity_id=user.public_id)


# Passwords (docs/security.md, S2, S5)


def check_new_password(user: StaffUser, password: str, confirmation: str) -> None:
    reason = policy_error(password, context=_context_words(user))
    if reason is not None:
        raise ValidationFailed(reason, field="new_password")
    if password != confirmation:
        raise ValidationFailed(_l("The two new passwords differ."), field="confirmation")


def _context_words(user: StaffUser) -> list[str]:
    words = [user.username, user.display_name]
    if user.association is not None:
        words += [user.association.name_ar, user.association.name_fr]
    return words


def password_confirms(session: Session, user: StaffUser, password: str) -> bool:
    """The user's own password, typed again before a second-factor change (S5); never while locked."""
    if is_locked(session, user.username, clock.now()):
        return False
    return verify_password(user.password_hash, password)


def confirmation_failed(session: Session, user: StaffUser) -> None:
    """A wrong password typed to confirm a change counts towards the lockout like a wrong login (S4)."""
    record_failure(session, user.username, clock.now(), user)


def change_password(session: Session, user: StaffUser, current: str, new: str, confirmation: str) -> None:
    """Change one's own password, proving the current one; every session ends."""
    if not verify_password(user.password_hash, current):
        raise ValidationFailed(_l("The current password is not correct."), field="current_password")
    check_new_password(user, new, confirmation)
    user.password_hash = hash_password(new)
    end_all_sessions(session, user)
    record(session, AuditAction.PASSWORD_CHANGED, entity="staff_user", entity_id=user.public_id)


def _token_hash(token: str) -> bytes:
    # The token carries 256 random bits: a plain hash cannot be reversed by guessing.
    return hashlib.sha256(token.encode()).digest()


def issue_password_reset(session: Session, target: StaffUser, *, actor: StaffUser) -> str:
    """Issue a single-use reset code, valid 24 hours, shown once to hand over in person.

    Earlier unused codes of the account stop working, and so do its sessions.
    """
    now = clock.now()
    session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == target.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    session.add(PasswordResetToken(
        user_id=target.id,
        token_hash=_token_hash(token),
        issued_by_id=actor.id,
        created_at=now,
        expires_at=now + timedelta(hours=current_app.config["RESET_TOKEN_HOURS"]),
    ))
    end_all_sessions(session, target)
    record(session, AuditAction.PASSWORD_RESET_ISSUED, entity="staff_user", entity_id=target.public_id,
           association_id=target.association_id)
    return token


def reset_password_with_token(session: Session, username: str, token: str, new: str, confirmation: str) -> StaffUser:
    """Set a new password with a reset code; the second factor is still asked at the next login."""
    now = clock.now()
    user = session.scalar(select(StaffUser).where(StaffUser.username == normalise_username(username)))
    row = session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(token.strip()))
    )
    if (
        user is None
        or row is None
        or row.user_id != user.id
        or row.used_at is not None
        or row.expires_at <= now
        or not user.active
    ):
        raise InvalidResetToken(field="token")
    check_new_password(user, new, confirmation)
    row.used_at = now
    user.password_hash = hash_password(new)
    end_all_sessions(session, user)
    record(session, AuditAction.PASSWORD_RESET_USED, entity="staff_user", entity_id=user.public_id,
           actor_id=user.id, actor_role=str(user.role), association_id=user.association_id)
    return user
