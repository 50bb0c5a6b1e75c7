"""Sessions held, who held and attended them, their corrections and follow-up actions (docs/domain.md, DOM34-DOM38)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.appointments.codes import SessionMode
from mediation.cases.codes import NoteVisibility, SessionType
from mediation.cases.models.case import new_stat_key, protect_stat_key
from mediation.core import clock
from mediation.core.crypto import Encrypted
from mediation.core.models import Base, PublicIdMixin, UTCDateTime, code_column


class CounsellingSession(PublicIdMixin, Base):
    """A meeting that took place. Never deleted: a wrong entry is voided and stops counting."""

    __tablename__ = "counselling_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False, index=True)
    type: Mapped[SessionType] = mapped_column(code_column(SessionType, "session_type"), nullable=False)
    mode: Mapped[SessionMode] = mapped_column(code_column(SessionMode, "session_mode"), nullable=False)
    # The instant it started (aware, UTC); entered and shown in Africa/Casablanca.
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    duration_min: Mapped[int] = mapped_column(Integer, nullable=False)
    # Shuttle mediation: the parties were kept apart (docs/domain.md, DOM35).
    parties_kept_apart: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    interpreter_used: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    summary: Mapped[str | None] = mapped_column(Encrypted("counselling_session.summary"))
    next_steps: Mapped[str | None] = mapped_column(Encrypted("counselling_session.next_steps"))
    # Visibility of the summary and next steps, as for case notes; psychological
    # sessions are always staff-only and readable by psychologists only.
    visibility: Mapped[NoteVisibility] = mapped_column(code_column(NoteVisibility, "note_visibility"), nullable=False)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False, index=True)
    # The appointment this session was held for, if any (docs/domain.md, DOM34).
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id", ondelete="SET NULL"),
                                                       index=True)
    # Set by the server: the statistics period of a session (docs/statistics.md, ST4).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    void_reason: Mapped[str | None] = mapped_column(Encrypted("counselling_session.void_reason"))
    stat_key: Mapped[int] = mapped_column(Integer, nullable=False, default=new_stat_key)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version_id}

    staff: Mapped[list[SessionStaff]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    attendees: Mapped[list[SessionAttendee]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    author = relationship("StaffUser", foreign_keys=[author_id], lazy="joined")

    # "No session for N days" looks up a case's latest sessions.
    __table_args__ = (Index("ix_counselling_session_case_started", "case_id", "started_at"),)

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


protect_stat_key(CounsellingSession.stat_key)


class SessionStaff(Base):
    """A staff member who held the session."""

    __tablename__ = "session_staff"

    session_id: Mapped[int] = mapped_column(ForeignKey("counselling_session.id", ondelete="CASCADE"),
                                            primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), primary_key=True, index=True)

    user = relationship("StaffUser", lazy="joined")


class SessionAttendee(Base):
    """A participant of the case who was present."""

    __tablename__ = "session_attendee"

    session_id: Mapped[int] = mapped_column(ForeignKey("counselling_session.id", ondelete="CASCADE"),
                                            primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True)


class SessionRevision(Base):
    """The values a correction replaced, kept encrypted as one JSON document."""

    __tablename__ = "session_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("counselling_session.id", ondelete="CASCADE"),
                                            nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    previous: Mapped[str] = mapped_column(Encrypted("session_revision.previous"), nullable=False)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)

    changed_by = relationship("StaffUser", lazy="joined")

    __table_args__ = (UniqueConstraint("session_id", "number", name="uq_session_revision_session_number"),)


class FollowUpAction(PublicIdMixin, Base):
    """Something to do after a session, by a due date."""

    __tablename__ = "follow_up_action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False, index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("counselling_session.id", ondelete="CASCADE"))
    description: Mapped[str] = mapped_column(Encrypted("follow_up_action.description"), nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    assigned_to_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    done_on: Mapped[date | None] = mapped_column(Date)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    assigned_to = relationship("StaffUser", foreign_keys=[assigned_to_id], lazy="joined")

    # Overdue follow-ups of a case.
    __table_args__ = (Index("ix_follow_up_action_case_due", "case_id", "due_on"),)
