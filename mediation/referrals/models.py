"""Referrals out, the data each one shared, safeguarding exceptions and the closure a referral explains
(docs/domain.md, DOM85-DOM88).

The link to a closure lives here, never on the case's tables: a feature links its records to the case's,
not the reverse (docs/architecture.md, A1).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.cases.codes import ReferralDestination
from mediation.cases.models.case import new_stat_key, protect_stat_key
from mediation.core import clock
from mediation.core.crypto import Encrypted
from mediation.core.models import Base, PublicIdMixin, UTCDateTime, code_column
from mediation.referrals.codes import ExceptionStatus, ReferralStatus, SafeguardingGround, SharedData, Urgency


class SafeguardingException(PublicIdMixin, Base):
    """A request to share a participant's data without their consent, and a supervisor's decision (DOM87)."""

    __tablename__ = "safeguarding_exception"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False, index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), nullable=False,
                                                index=True)
    ground: Mapped[SafeguardingGround] = mapped_column(code_column(SafeguardingGround, "safeguarding_ground"),
                                                       nullable=False)
    reason: Mapped[str] = mapped_column(Encrypted("safeguarding_exception.reason"), nullable=False)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    status: Mapped[ExceptionStatus] = mapped_column(code_column(ExceptionStatus, "exception_status"),
                                                    nullable=False, default=ExceptionStatus.PENDING, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Encrypted("safeguarding_exception.decision_reason"))
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version_id}

    requested_by = relationship("StaffUser", foreign_keys=[requested_by_id], lazy="joined")
    decided_by = relationship("StaffUser", foreign_keys=[decided_by_id], lazy="joined")
    participant = relationship("Participant", lazy="joined")


class Referral(PublicIdMixin, Base):
    """A participant referred to another service, while the case is open (DOM85, DOM86)."""

    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), nullable=False,
                                                index=True)
    destination: Mapped[ReferralDestination] = mapped_column(
        code_column(ReferralDestination, "referral_destination"), nullable=False)
    organisation_name: Mapped[str] = mapped_column(Encrypted("referral.organisation_name"), nullable=False)
    urgency: Mapped[Urgency] = mapped_column(code_column(Urgency, "referral_urgency"), nullable=False)
    reason: Mapped[str] = mapped_column(Encrypted("referral.reason"), nullable=False)
    made_on: Mapped[date] = mapped_column(Date, nullable=False)
    # What allowed personal data to leave (DOM87): the consent relied on, or an approved exception; neither
    # when nothing personal was shared.
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent.id", ondelete="SET NULL"))
    exception_id: Mapped[int | None] = mapped_column(
        ForeignKey("safeguarding_exception.id", ondelete="RESTRICT"), unique=True)
    status: Mapped[ReferralStatus] = mapped_column(code_column(ReferralStatus, "referral_status"), nullable=False,
                                                   default=ReferralStatus.MADE)
    feedback_on: Mapped[date | None] = mapped_column(Date)
    made_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    # The record key of the ministry's table T8 (docs/statistics.md, ST9, ST34): set at insert, never changed.
    stat_key: Mapped[int] = mapped_column(Integer, nullable=False, default=new_stat_key)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version_id}

    shared: Mapped[list[ReferralSharedData]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                            order_by="ReferralSharedData.category")
    participant = relationship("Participant", lazy="joined")
    made_by = relationship("StaffUser", foreign_keys=[made_by_id], lazy="joined")
    exception = relationship(SafeguardingException, lazy="joined")

    # A case's referrals, newest first, on the case page and at closure.
    __table_args__ = (Index("ix_referral_case_made", "case_id", "made_on"),)

    @property
    def data_shared(self) -> list[SharedData]:
        return sorted((row.category for row in self.shared), key=list(SharedData).index)


protect_stat_key(Referral.stat_key)


class ReferralSharedData(Base):
    """One category of the referred participant's data that left with the referral."""

    __tablename__ = "referral_shared_data"

    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[SharedData] = mapped_column(code_column(SharedData, "shared_data"), primary_key=True)


class ReferralClosure(Base):
    """The referral a `referred_*` closure rests on (DOM88): one per closure, kept when the case reopens."""

    __tablename__ = "referral_closure"

    closure_id: Mapped[int] = mapped_column(ForeignKey("case_closure.id", ondelete="CASCADE"), primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), nullable=False,
                                             index=True)
