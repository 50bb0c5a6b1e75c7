"""The case, its assignment, reference sequence, status history and closures (docs/domain.md, DOM10-DOM16, DOM55)."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.cases.codes import (
    AgreementLevel,
    CaseStatus,
    CourtStage,
    IntakeChannel,
    Issue,
    Outcome,
    ReferralDestination,
    ReferralSource,
)
from mediation.core import clock
from mediation.core.crypto import Encrypted
from mediation.core.models import Base, PublicIdMixin, TimestampMixin, UTCDateTime, code_column


def new_stat_key() -> int:
    """Permanent random record key driving statistical rounding (docs/statistics.md, ST9)."""
    return secrets.randbelow(256)


class ImmutableStatKey(Exception):
    """stat_key never changes once written."""


class Case(PublicIdMixin, TimestampMixin, Base):
    """One family matter handled by one association ("case" is an SQL keyword)."""

    __tablename__ = "case_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # {service point code}-{YYYY}-{NNNNN}: unique, immutable, never reused, free of names.
    reference: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    association_id: Mapped[int] = mapped_column(ForeignKey("association.id"), nullable=False, index=True)
    service_point_id: Mapped[int] = mapped_column(ForeignKey("service_point.id"), nullable=False, index=True)
    status: Mapped[CaseStatus] = mapped_column(code_column(CaseStatus, "case_status"), nullable=False, index=True)
    opened_on: Mapped[date] = mapped_column(Date, nullable=False)
    first_contact_on: Mapped[date] = mapped_column(Date, nullable=False)
    intake_channel: Mapped[IntakeChannel] = mapped_column(code_column(IntakeChannel, "intake_channel"), nullable=False)
    referral_source: Mapped[ReferralSource] = mapped_column(code_column(ReferralSource, "referral_source"),
                                                            nullable=False)
    court_linked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    court_stage: Mapped[CourtStage] = mapped_column(code_column(CourtStage, "court_stage"), nullable=False)
    court_file_no: Mapped[str | None] = mapped_column(Encrypted("case_file.court_file_no"))
    court_file_bidx: Mapped[bytes | None] = mapped_column(LargeBinary(32), index=True)
    # What the family asks for, in the requesting party's words (free text: encrypted).
    request_summary: Mapped[str | None] = mapped_column(Encrypted("case_file.request_summary"))
    immediate_danger: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    follow_up_on: Mapped[date | None] = mapped_column(Date, index=True)
    # A supervisor flagged the case for review by this date; cleared by the review.
    review_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    closed_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[Outcome | None] = mapped_column(code_column(Outcome, "outcome"))
    previous_case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    # The supervisor who follows the case (docs/domain.md, DOM13): they open it without giving a reason;
    # any other supervisor of the association gives one (docs/security.md, P4).
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    stat_key: Mapped[int] = mapped_column(Integer, nullable=False, default=new_stat_key)
    # Set by the retention job: identity and free text are gone, codes and dates stay.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version_id}
    # The supervision dashboard and list read an association's cases by status and by dates.
    __table_args__ = (
        Index("ix_case_file_association_status", "association_id", "status"),
        Index("ix_case_file_association_opened", "association_id", "opened_on"),
        Index("ix_case_file_association_closed", "association_id", "closed_on"),
    )

    issue_rows: Mapped[list[CaseIssue]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="CaseIssue.issue"
    )
    assignments: Mapped[list[CaseAssignment]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    service_point = relationship("ServicePoint", lazy="joined")

    @property
    def issues(self) -> list[Issue]:
        return [row.issue for row in self.issue_rows]

    @property
    def lead(self):
        return next((a.user for a in self.assignments if a.role is AssignmentRole.LEAD), None)

    @property
    def is_open(self) -> bool:
        return self.status is not CaseStatus.CLOSED


def protect_stat_key(attribute) -> None:
    """Refuse any change of a stat_key once it has a value (docs/statistics.md, ST9)."""

    @event.listens_for(attribute, "set", propagate=True)
    def refuse_change(target, value, oldvalue, initiator):
        from sqlalchemy.orm.attributes import NEVER_SET, NO_VALUE

        if oldvalue not in (NO_VALUE, NEVER_SET, None) and value != oldvalue:
            raise ImmutableStatKey("stat_key is permanent")


protect_stat_key(Case.stat_key)


class CaseIssue(Base):
    __tablename__ = "case_issue"

    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), primary_key=True)
    issue: Mapped[Issue] = mapped_column(code_column(Issue, "issue"), primary_key=True)

    # Filtering cases by conflict type starts from the issue (the primary key starts from the case).
    __table_args__ = (Index("ix_case_issue_issue_case", "issue", "case_id"),)


class AssignmentRole(enum.StrEnum):
    LEAD = "lead"
    CO_WORKER = "co_worker"


class CaseAssignment(Base):
    """Who works the case: exactly one lead while open, any co-workers (docs/domain.md, DOM12)."""

    __tablename__ = "case_assignment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False, index=True)
    role: Mapped[AssignmentRole] = mapped_column(code_column(AssignmentRole, "assignment_role"), nullable=False)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)

    user = relationship("StaffUser", lazy="joined")

    __table_args__ = (
        Index("uq_case_assignment_case_user", "case_id", "user_id", unique=True),
        # At most one lead per case, enforced by the database on both backends.
        Index("uq_case_assignment_one_lead", "case_id", unique=True,
              sqlite_where=text("role = 'lead'"), postgresql_where=text("role = 'lead'")),
    )


class CaseSequence(Base):
    """Last reference number per service point and year; numbers are never reused."""

    __tablename__ = "case_sequence"

    service_point_id: Mapped[int] = mapped_column(ForeignKey("service_point.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, nullable=False)


class StatusChange(Base):
    """Every status transition, with who, when and (where required) why."""

    __tablename__ = "case_status_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False, index=True)
    # Distinct names: each column gets its own CHECK constraint.
    from_status: Mapped[CaseStatus | None] = mapped_column(code_column(CaseStatus, "from_status"))
    to_status: Mapped[CaseStatus] = mapped_column(code_column(CaseStatus, "to_status"), nullable=False)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    reason: Mapped[str | None] = mapped_column(Encrypted("case_status_change.reason"))

    changed_by = relationship("StaffUser", lazy="joined")


class Closure(PublicIdMixin, Base):
    """A closure event; a reopened case keeps its earlier closures (docs/domain.md, DOM55)."""

    __tablename__ = "case_closure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False, index=True)
    closed_on: Mapped[date] = mapped_column(Date, nullable=False)
    closed_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    outcome: Mapped[Outcome] = mapped_column(code_column(Outcome, "outcome"), nullable=False)
    agreement_level: Mapped[AgreementLevel | None] = mapped_column(code_column(AgreementLevel, "agreement_level"))
    agreement_points: Mapped[str | None] = mapped_column(Encrypted("case_closure.agreement_points"))
    referral_destination: Mapped[ReferralDestination | None] = mapped_column(
        code_column(ReferralDestination, "referral_destination")
    )
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Encrypted("case_closure.note"))
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopen_reason: Mapped[str | None] = mapped_column(Encrypted("case_closure.reopen_reason"))
    # Set by the server: the statistics period of a closure (docs/statistics.md, ST4).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    stat_key: Mapped[int] = mapped_column(Integer, nullable=False, default=new_stat_key)

    closed_by = relationship("StaffUser", foreign_keys=[closed_by_id], lazy="joined")


protect_stat_key(Closure.stat_key)
