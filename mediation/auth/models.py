"""Login throttling, password-reset tokens and recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from mediation.core import clock
from mediation.core.models import Base, UTCDateTime


class LoginFailure(Base):
    """One failed attempt against a user name (docs/security.md, S4).

    The name is stored as a keyed hash: what people type there is sometimes
    their password.
    """

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_key: Mapped[bytes] = mapped_column(LargeBinary(32), nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now, index=True)


class PasswordResetToken(Base):
    """A single-use reset token, handed over in person; only its hash is kept."""

    __tablename__ = "password_reset_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False, index=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), nullable=False, unique=True)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RecoveryCode(Base):
    """One of ten single-use codes that replace the second factor once (S5)."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False, index=True)
    code_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
