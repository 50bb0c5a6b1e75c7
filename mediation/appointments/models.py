"""Rooms, appointments, calendar feeds and the e-mail outbox (docs/domain.md, DOM40-DOM47)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.appointments.codes import AppointmentStatus, SessionMode
from mediation.cases.codes import SessionType
from mediation.core import clock
from mediation.core.crypto import Encrypted
from mediation.core.models import Base, PublicIdMixin, TimestampMixin, UTCDateTime, code_column


class Room(PublicIdMixin, TimestampMixin, Base):
    """A room of a service point where families are received. Reference data of the association."""

    __tablename__ = "room"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_point_id: Mapped[int] = mapped_column(ForeignKey("service_point.id"), nullable=False, index=True)
    # Copied from the service point: every scope check is one column (docs/domain.md, DOM1).
    association_id: Mapped[int] = mapped_column(ForeignKey("association.id"), nullable=False, index=True)
    # A room's name is not personal data ("Salle 2", "قاعة الاستماع").
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    service_point = relationship("ServicePoint", lazy="joined")

    __table_args__ = (UniqueConstraint("service_point_id", "name", name="uq_room_service_point_name"),)


class Appointment(PublicIdMixin, TimestampMixin, Base):
    """A planned meeting; it becomes a session when held.

    The local wall-clock time and its zone are the truth the family was told;
    start_utc/end_utc are derived from them and recomputed when the time-zone
    rules change (`flask appointments retime`, docs/domain.md, DOM41).
    """

    __tablename__ = "appointment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Indexed with start_utc below (calendars read by association and week).
    association_id: Mapped[int] = mapped_column(ForeignKey("association.id"), nullable=False)
    service_point_id: Mapped[int] = mapped_column(ForeignKey("service_point.id"), nullable=False)
    # None for the first meeting of a family that has no case yet.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    # How staff recognise an intake meeting without a case (may hold a name: encrypted).
    intake_label: Mapped[str | None] = mapped_column(Encrypted("appointment.intake_label"))
    session_type: Mapped[SessionType] = mapped_column(code_column(SessionType, "session_type"), nullable=False)
    mode: Mapped[SessionMode] = mapped_column(code_column(SessionMode, "session_mode"), nullable=False)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id"))
    # A video link can let anyone join: kept encrypted, never in feeds or reminders.
    video_link: Mapped[str | None] = mapped_column(Encrypted("appointment.video_link"))
    # "YYYY-MM-DDTHH:MM" in `time_zone`, as entered.
    start_local: Mapped[str] = mapped_column(String(16), nullable=False)
    time_zone: Mapped[str] = mapped_column(String(64), nullable=False)
    start_utc: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    end_utc: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    duration_min: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[AppointmentStatus] = mapped_column(
        code_column(AppointmentStatus, "appointment_status"), nullable=False, default=AppointmentStatus.SCHEDULED
    )
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    cancel_reason: Mapped[str | None] = mapped_column(Encrypted("appointment.cancel_reason"))
    # The party who cancelled (status cancelled_by_party), for the per-party counts.
    cancelled_by_participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version_id}

    staff: Mapped[list[AppointmentStaff]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    parties: Mapped[list[AppointmentParty]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    room: Mapped[Room | None] = relationship(lazy="joined")
    case = relationship("Case", lazy="joined")

    __table_args__ = (
        CheckConstraint("duration_min BETWEEN 5 AND 480", name="duration_range"),
        CheckConstraint("end_utc > start_utc", name="ends_after_start"),
        # Only an in-person appointment has a room; a phone call has neither room nor link.
        CheckConstraint("(mode = 'in_person') OR (room_id IS NULL)", name="room_only_in_person"),
        CheckConstraint("(case_id IS NULL) OR (intake_label IS NULL)", name="label_only_without_case"),
        Index("ix_appointment_association_start", "association_id", "start_utc"),
        Index("ix_appointment_room_start", "room_id", "start_utc"),
        # A case's appointments in time order (case page, "no appointment for N days").
        Index("ix_appointment_case_start", "case_id", "start_utc"),
    )

    @property
    def staff_ids(self) -> list[int]:
        return [row.user_id for row in self.staff]

    @property
    def participant_ids(self) -> list[int]:
        return [row.participant_id for row in self.parties]


class AppointmentStaff(Base):
    """A staff member who holds the appointment."""

    __tablename__ = "appointment_staff"

    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), primary_key=True, index=True)

    user = relationship("StaffUser", lazy="joined")


class AppointmentParty(Base):
    """A participant of the case who is invited."""

    __tablename__ = "appointment_party"

    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id", ondelete="CASCADE"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"),
                                                primary_key=True, index=True)
    # This party's own arrival and departure, when the case's decision staggers them (docs/domain.md,
    # DOM68); both within the appointment, both None otherwise. Derived from the appointment's local
    # time like start_utc, and moved with it by `flask appointments retime`.
    arrives_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    leaves_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    participant = relationship("Participant", lazy="joined")

    __table_args__ = (
        CheckConstraint("(arrives_at IS NULL) = (leaves_at IS NULL)", name="arrival_with_departure"),
        CheckConstraint("leaves_at > arrives_at", name="leaves_after_arriving"),
    )


class CalendarFeed(PublicIdMixin, Base):
    """A staff member's private iCalendar subscription. Only a hash of the token is kept."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False, index=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("StaffUser", lazy="joined")
