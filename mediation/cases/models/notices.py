"""Requests for a supervisor's decision, and notices to staff inside the application (docs/domain.md,
DOM71-DOM73)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.cases.codes import NoticeKind
from mediation.core import clock
from mediation.core.crypto import Encrypted
from mediation.core.models import Base, PublicIdMixin, UTCDateTime, code_column


class DecisionRequest(PublicIdMixin, Base):
    """A staff member, refused by the mediation gate, asks the supervisors for a decision (DOM71).

    Open until a supervisor records a decision on the case; the decision answers every open request."""

    __tablename__ = "decision_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False, index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    # The gate's checks that refused, as codes in the gate's order (GateCheck values, comma-separated).
    gate_checks: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # The requester's words for the supervisor (free text: encrypted, staff only).
    note: Mapped[str | None] = mapped_column(Encrypted("decision_request.note"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("screening_decision.id", ondelete="SET NULL"))

    requested_by = relationship("StaffUser", lazy="joined")

    @property
    def is_open(self) -> bool:
        return self.answered_at is None

    @property
    def check_codes(self) -> list[str]:
        return [code for code in self.gate_checks.split(",") if code]


class Notice(Base):
    """One event of a case told to one staff member in the application, never outside it (DOM72).

    It holds the case and a kind only; it is read through the case's scope, so a user who no longer
    sees the case no longer sees its notices (DOM73)."""

    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), nullable=False)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False, index=True)
    kind: Mapped[NoticeKind] = mapped_column(code_column(NoticeKind, "notice_kind"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The header counts a user's unread notices on every page; the list reads them newest first.
    __table_args__ = (Index("ix_notice_user_read", "user_id", "read_at"),)
