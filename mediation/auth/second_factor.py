"""Second factor: TOTP (RFC 6238) and single-use recovery codes (docs/security.md, S1, S5)."""

from __future__ import annotations

import base64
import hmac
import io
import secrets

import pyotp
import qrcode
import qrcode.image.svg
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.accounts.passwords import hasher
from mediation.accounts.sessions import end_all_sessions
from mediation.auth.models import RecoveryCode
from mediation.core import clock
from mediation.core.audit import AuditAction, record

ISSUER = "Jisr al-Usra"
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def new_secret() -> str:
    """160 random bits, base32 (RFC 4226 recommends at least 128)."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def provisioning_uri(user: StaffUser, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_code_data_uri(uri: str) -> str:
    """An SVG QR code drawn on the server, embedded as a data: URI (allowed by the CSP)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def grouped(secret: str) -> list[str]:
    """The secret in groups of four, for typing into an app by hand (each shown as an unbreakable unit)."""
    return [secret[index:index + 4] for index in range(0, len(secret), 4)]


def _matching_step(secret: str, code: str, now: float) -> int | None:
    totp = pyotp.TOTP(secret)
    for offset in (0, -1, 1):
        if hmac.compare_digest(totp.at(now, counter_offset=offset), code):
            return totp.timecode(now) + offset
    return None


def verify_code(session: Session, user: StaffUser, secret: str, code: str, now: float | None = None) -> bool:
    """Accept a code of the current step or one either side, once: the step is consumed
    by a compare-and-set, so a replay, or a race of two requests, loses."""
    code = code.replace(" ", "")
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return False
    step = _matching_step(secret, code, clock.timestamp() if now is None else now)
    if step is None:
        return False
    result = session.execute(
        update(StaffUser)
        .where(StaffUser.id == user.id, StaffUser.totp_last_step < step)
        .values(totp_last_step=step)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1


def start_enrolment(session: Session, user: StaffUser) -> str:
    """Keep a pending secret (encrypted) until the user proves their app holds it."""
    if user.totp_pending_secret is None:
        user.totp_pending_secret = new_secret()
        session.flush()
    return user.totp_pending_secret


def confirm_enrolment(session: Session, user: StaffUser, code: str, now: float | None = None) -> list[str] | None:
    """Enable the second factor when the code matches; return fresh recovery codes."""
    secret = user.totp_pending_secret
    if secret is None or not verify_code(session, user, secret, code, now):
        return None
    user.totp_secret = secret
    user.totp_pending_secret = None
    user.totp_enabled_at = clock.now()
    record(session, AuditAction.SECOND_FACTOR_ENROLLED, entity="staff_user", entity_id=user.public_id,
           actor_id=user.id, actor_role=str(user.role), association_id=user.association_id)
    return issue_recovery_codes(session, user)


def verify_login_code(session: Session, user: StaffUser, code: str, now: float | None = None) -> bool:
    """A TOTP code, or else one unused recovery code (which is then spent)."""
    if user.totp_secret is None:
        return False
    if verify_code(session, user, user.totp_secret, code, now):
        return True
    return use_recovery_code(session, user, code)


def reset_second_factor(session: Session, target: StaffUser, *, actor: StaffUser) -> None:
    """An administrator removes a lost second factor; the account's sessions end (audited)."""
    target.totp_secret = None
    target.totp_pending_secret = None
    target.totp_enabled_at = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == target.id))
    end_all_sessions(session, target)
    record(session, AuditAction.SECOND_FACTOR_RESET, entity="staff_user", entity_id=target.public_id,
           association_id=target.association_id)


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _canonical_recovery(code: str) -> str:
    return code.strip().lower().replace(" ", "").replace("-", "")


def issue_recovery_codes(session: Session, user: StaffUser) -> list[str]:
    """Ten new single-use codes (about 59 bits each), stored argon2id-hashed; old ones stop working."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        session.add(RecoveryCode(user_id=user.id, code_hash=hasher().hash(_canonical_recovery(code))))
    session.flush()
    record(session, AuditAction.RECOVERY_CODES_ISSUED, entity="staff_user", entity_id=user.public_id,
           actor_id=user.id, actor_role=str(user.role), association_id=user.association_id)
    return codes


def use_recovery_code(session: Session, user: StaffUser, code: str) -> bool:
    candidate = _canonical_recovery(code)
    if len(candidate) != 12:
        return False
    unused = session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).all()
    for row in unused:
        try:
            matches = hasher().verify(row.code_hash, candidate)
        except (VerificationError, InvalidHashError):
            # A mismatch, or a stored hash argon2 cannot read: no match. Anything else (a database or a
            # programming error) is not "a wrong code" and reaches the error page.
            matches = False
        if matches:
            spent = session.execute(
                update(RecoveryCode)
                .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                .values(used_at=clock.now())
                .execution_options(synchronize_session="fetch")
            )
            if spent.rowcount == 1:
                record(session, AuditAction.RECOVERY_CODE_USED, entity="staff_user", entity_id=user.public_id,
                       actor_id=user.id, actor_role=str(user.role), association_id=user.association_id)
                return True
    return False


def remaining_recovery_codes(session: Session, user: StaffUser) -> int:
    from sqlalchemy import func

    return session.scalar(
        select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
