"""Safety screening, supervisor decisions and consent (docs/domain.md, DOM25-DOM27, DOM32)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.cases.codes import ConsentScope, ConsentStatus, ScreeningDecision, ViolenceLevel
from mediation.core import clock
from mediation.core.crypto import Encrypted
from mediation.core.models import Base, PublicIdMixin, UTCDateTime, code_column


class ScreeningResult(enum.StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"


class Screening(PublicIdMixin, Base):
    """One individual screening of one party; the latest completed one counts."""

    __tablename__ = "screening"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), nullable=False,
                                                index=True)
    screened_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    screened_on: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    violence: Mapped[ViolenceLevel] = mapped_column(code_column(ViolenceLevel, "violence_level"), nullable=False)
    mediator_view: Mapped[ScreeningDecision | None] = mapped_column(
        code_column(ScreeningDecision, "screening_decision"))
    notes: Mapped[str | None] = mapped_column(Encrypted("screening.notes"))
    # Positive when violence is disclosed or any gating indicator is yes (docs/domain.md, DOM25).
    result: Mapped[ScreeningResult] = mapped_column(code_column(ScreeningResult, "screening_result"), nullable=False)

    items: Mapped[list[ScreeningItem]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    # A party's latest screening (the safety gate, "awaiting a decision" on the dashboard).
    __table_args__ = (Index("ix_screening_participant_created", "participant_id", "created_at"),)
    screened_by = relationship("StaffUser", lazy="joined")

    def codes(self, prefix: str) -> list[str]:
        return sorted(item.code.split(".", 1)[1] for item in self.items if item.code.startswith(prefix + "."))


class ScreeningItem(Base):
    """A yes in the screening: "violence_type.physical", "gating_indicator.coercive_control", "concern.…"."""

    __tablename__ = "screening_item"

    screening_id: Mapped[int] = mapped_column(ForeignKey("screening.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)


class ScreeningDecisionRecord(PublicIdMixin, Base):
    """A supervisor's decision after screening; it opens or keeps closed the mediation gate."""

    __tablename__ = "screening_decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False, index=True)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    decision: Mapped[ScreeningDecision] = mapped_column(code_column(ScreeningDecision, "screening_decision"),
                                                       nullable=False)
    # Adaptation codes, comma-separated in code-list order (e.g. "separate_sessions,shuttle").
    adaptations: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    rationale: Mapped[str | None] = mapped_column(Encrypted("screening_decision.rationale"))
    # The decider worked the case themself (allowed only by setting; flagged for audit).
    decided_by_case_worker: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    decided_by = relationship("StaffUser", lazy="joined")

    # A case's latest decision.
    __table_args__ = (Index("ix_screening_decision_case_decided", "case_id", "decided_at"),)

    @property
    def adaptation_codes(self) -> list[str]:
        return [code for code in self.adaptations.split(",") if code]


class ConsentGiver(enum.StrEnum):
    SELF = "self"
    LEGAL_REPRESENTATIVE = "legal_representative"


class Consent(Base):
    """Append-only: one row per participant, scope and change (docs/domain.md, DOM32)."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), nullable=False,
                                                index=True)
    scope: Mapped[ConsentScope] = mapped_column(code_column(ConsentScope, "consent_scope"), nullable=False)
    status: Mapped[ConsentStatus] = mapped_column(code_column(ConsentStatus, "consent_status"), nullable=False)
    on_date: Mapped[date] = mapped_column(Date, nullable=False)
    given_by: Mapped[ConsentGiver] = mapped_column(code_column(ConsentGiver, "consent_giver"), nullable=False)
    notice_version: Mapped[str] = mapped_column(String(20), nullable=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)

    recorded_by = relationship("StaffUser", lazy="joined")
