"""Supervision reviews and the history of who led a case (docs/domain.md, DOM48, DOM50)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.core import clock
from mediation.core.crypto import Encrypted
from mediation.core.models import Base, PublicIdMixin, UTCDateTime, code_column
from mediation.counselling.queries import LEAD, REVIEW, timeline_kind
from mediation.supervision.codes import SupervisionDecision, SupervisionTrigger


class SupervisionReview(PublicIdMixin, Base):
    """A supervisor's review of a case: staff only, never shown to the parties."""

    __tablename__ = "supervision_review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False, index=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False, index=True)
    reviewed_on: Mapped[date] = mapped_column(Date, nullable=False)
    trigger: Mapped[SupervisionTrigger] = mapped_column(code_column(SupervisionTrigger, "supervision_trigger"),
                                                        nullable=False)
    decision: Mapped[SupervisionDecision] = mapped_column(code_column(SupervisionDecision, "supervision_decision"),
                                                          nullable=False)
    note: Mapped[str | None] = mapped_column(Encrypted("supervision_review.note"))
    next_review_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)

    supervisor = relationship("StaffUser", lazy="joined")


class LeadChange(PublicIdMixin, Base):
    """A case moved from one lead to another, with the supervisor's reason."""

    __tablename__ = "case_lead_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False, index=True)
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    to_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    # The previous lead stays on the case as a co-worker only when the supervisor says so.
    kept_as_co_worker: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    reason: Mapped[str] = mapped_column(Encrypted("case_lead_change.reason"), nullable=False)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)

    from_user = relationship("StaffUser", foreign_keys=[from_user_id], lazy="joined")
    to_user = relationship("StaffUser", foreign_keys=[to_user_id], lazy="joined")
    changed_by = relationship("StaffUser", foreign_keys=[changed_by_id], lazy="joined")


# The case timeline shows reviews and lead changes beside the sessions, notes and status changes.
timeline_kind(REVIEW, SupervisionReview, "created_at")
timeline_kind(LEAD, LeadChange, "changed_at")
