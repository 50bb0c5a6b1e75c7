"""Programmes, groups, group sessions, group participants, enrolments and attendance (docs/domain.md,
DOM120-DOM128).

A group session holds an appointment (docs/domain.md, DOM122): the appointment row is the occupancy of
the room and of the facilitators, so the no-double-booking guarantee of the appointments is the same
one, under the same locks, for group sessions and case appointments alike.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.cases.codes import AgeBand, PreferredLanguage, Sex
from mediation.cases.models.case import new_stat_key, protect_stat_key
from mediation.core import clock
from mediation.core.crypto import Encrypted
from mediation.core.models import Base, PublicIdMixin, TimestampMixin, UTCDateTime, code_column
from mediation.groups.codes import ActivityTheme, ProgrammeTarget


class Programme(PublicIdMixin, TimestampMixin, Base):
    """A positive-parenting programme of an association (docs/domain.md, DOM120)."""

    __tablename__ = "parenting_programme"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("association.id"), nullable=False, index=True)
    # A programme's name and framework are not personal data ("Parentalité positive - cycle 0-6 ans").
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    planned_sessions: Mapped[int] = mapped_column(Integer, nullable=False)
    target: Mapped[ProgrammeTarget] = mapped_column(code_column(ProgrammeTarget, "programme_target"),
                                                    nullable=False)
    framework: Mapped[str | None] = mapped_column(String(200))
    # A programme no longer offered is deactivated: out of the new-group choice, kept for its groups (DOM134).
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version_id}

    __table_args__ = (
        UniqueConstraint("association_id", "name", name="uq_parenting_programme_association_name"),
        CheckConstraint("planned_sessions BETWEEN 1 AND 52", name="planned_range"),
    )


class ParentingGroup(PublicIdMixin, TimestampMixin, Base):
    """One cycle of a programme at a service point (docs/domain.md, DOM121)."""

    __tablename__ = "parenting_group"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("association.id"), nullable=False, index=True)
    service_point_id: Mapped[int] = mapped_column(ForeignKey("service_point.id"), nullable=False, index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("parenting_programme.id"), nullable=False, index=True)
    # How the staff call the cycle ("Mardi matin"); never a participant's name.
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    start_on: Mapped[date] = mapped_column(Date, nullable=False)
    # Copied from the programme when the group is created, then the group's own.
    planned_sessions: Mapped[int] = mapped_column(Integer, nullable=False)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id"))
    language: Mapped[PreferredLanguage] = mapped_column(code_column(PreferredLanguage, "preferred_language"),
                                                        nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False)
    # Set when the cycle is declared over; before, the group is planned or running (DOM121).
    finished_on: Mapped[date | None] = mapped_column(Date)
    # Set when a group planned and never started is called off; kept, with its sessions cancelled (DOM136).
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version_id}

    programme: Mapped[Programme] = relationship(lazy="joined")
    facilitators: Mapped[list[GroupFacilitator]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    room = relationship("Room", lazy="joined")
    service_point = relationship("ServicePoint", lazy="joined")

    __table_args__ = (
        CheckConstraint("planned_sessions BETWEEN 1 AND 52", name="planned_range"),
        CheckConstraint("capacity BETWEEN 1 AND 60", name="capacity_range"),
        CheckConstraint("finished_on IS NULL OR cancelled_on IS NULL", name="finished_or_cancelled"),
    )

    @property
    def facilitator_ids(self) -> list[int]:
        return [row.user_id for row in self.facilitators]

    @property
    def closed(self) -> bool:
        """Finished or cancelled: no more sessions, enrolments, attendance or edits (DOM121, DOM136)."""
        return self.finished_on is not None or self.cancelled_on is not None


class GroupFacilitator(Base):
    """A staff member who runs the group (docs/domain.md, DOM121)."""

    __tablename__ = "parenting_group_facilitator"

    group_id: Mapped[int] = mapped_column(ForeignKey("parenting_group.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), primary_key=True, index=True)

    user = relationship("StaffUser", lazy="joined")


class GroupSession(PublicIdMixin, Base):
    """The n-th meeting of a group. Its time, room, facilitators and status are those of the appointment it
    holds (docs/domain.md, DOM122); the attendance is its own (DOM125)."""

    __tablename__ = "parenting_group_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("parenting_group.id", ondelete="CASCADE"), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    # The session is its appointment's: gone with it.
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id", ondelete="CASCADE"), nullable=False,
                                                unique=True)
    # Set when the attendance is recorded: the session then counts as held (DOM125).
    attendance_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    present_count: Mapped[int | None] = mapped_column(Integer)

    appointment = relationship("Appointment", lazy="joined")

    __table_args__ = (
        # Not unique: a cancelled session's number is booked again; the service keeps one live session
        # per number under the group's row lock (DOM122).
        Index("ix_parenting_group_session_group_number", "group_id", "number"),
        CheckConstraint("number BETWEEN 1 AND 52", name="number_range"),
    )


class GroupParticipant(PublicIdMixin, TimestampMixin, Base):
    """Someone who takes part in groups (docs/domain.md, DOM123).

    Either a person the association already knows from a case (`person_id`: the identity stays in the
    person's record and nothing of it is copied), or a group-only participant recorded with the minimum,
    kept here and NOT in the person table: the case search and the case lists, which read persons through
    the cases' participants, can never reach them (DOM127).
    """

    __tablename__ = "group_participant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("association.id"), nullable=False, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    full_name: Mapped[str | None] = mapped_column(Encrypted("group_participant.full_name"))
    phone: Mapped[str | None] = mapped_column(Encrypted("group_participant.phone"))
    # Where a reminder may go, with consent_contact (DOM129); e-mail is the outbox's only channel.
    email: Mapped[str | None] = mapped_column(Encrypted("group_participant.email"))
    sex: Mapped[Sex] = mapped_column(code_column(Sex, "sex"), nullable=False)
    age_band: Mapped[AgeBand] = mapped_column(code_column(AgeBand, "age_band"), nullable=False)
    # Keyed HMACs with the person table's purposes (docs/security.md, S24, S60), so that the same name or
    # phone is recognised in the next group.
    name_bidx: Mapped[bytes | None] = mapped_column(LargeBinary(32), index=True)
    phone_bidx: Mapped[bytes | None] = mapped_column(LargeBinary(32), index=True)
    consent_data_processing: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    consent_contact: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    consent_on: Mapped[date] = mapped_column(Date, nullable=False, default=clock.today)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)

    person = relationship("Person", lazy="joined")

    __table_args__ = (
        # Exactly one of the two: a case person, or a name of one's own.
        CheckConstraint("(person_id IS NULL) <> (full_name IS NULL)", name="person_or_name"),
    )

    @property
    def display_name(self) -> str:
        return self.person.full_name if self.person is not None else (self.full_name or "")

    @property
    def known_from_case(self) -> bool:
        return self.person_id is not None


class Enrolment(PublicIdMixin, TimestampMixin, Base):
    """A participant in one group (docs/domain.md, DOM124). Sex and age band are copied at enrolment, so
    the counts stay when retention removes the participant (DOM127)."""

    __tablename__ = "parenting_enrolment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("parenting_group.id", ondelete="CASCADE"), nullable=False)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("group_participant.id", ondelete="SET NULL"),
                                                       index=True)
    enrolled_on: Mapped[date] = mapped_column(Date, nullable=False)
    sex: Mapped[Sex] = mapped_column(code_column(Sex, "sex"), nullable=False)
    age_band: Mapped[AgeBand] = mapped_column(code_column(AgeBand, "age_band"), nullable=False)
    dropped_out_on: Mapped[date | None] = mapped_column(Date)
    pre_score: Mapped[int | None] = mapped_column(Integer)
    post_score: Mapped[int | None] = mapped_column(Integer)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    # Record key of the ministry's table T9 (docs/statistics.md, ST9, ST35): drawn once, never changed.
    stat_key: Mapped[int] = mapped_column(Integer, nullable=False, default=new_stat_key)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version_id}

    participant: Mapped[GroupParticipant | None] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("group_id", "participant_id", name="uq_parenting_enrolment_group_participant"),
        CheckConstraint("pre_score BETWEEN 0 AND 100", name="pre_score_range"),
        CheckConstraint("post_score BETWEEN 0 AND 100", name="post_score_range"),
        CheckConstraint("satisfaction BETWEEN 1 AND 5", name="satisfaction_range"),
        Index("ix_parenting_enrolment_group", "group_id"),
    )


class Attendance(Base):
    """Present or absent, per enrolment and session (docs/domain.md, DOM125)."""

    __tablename__ = "parenting_attendance"

    session_id: Mapped[int] = mapped_column(ForeignKey("parenting_group_session.id", ondelete="CASCADE"),
                                            primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("parenting_enrolment.id", ondelete="CASCADE"),
                                              primary_key=True, index=True)
    present: Mapped[bool] = mapped_column(Boolean, nullable=False)


class Activity(PublicIdMixin, TimestampMixin, Base):
    """An awareness talk, an intergenerational day, an information session (docs/domain.md, DOM130).
    Its attendance is counted by sex and age band only: no name is ever recorded."""

    __tablename__ = "family_activity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("association.id"), nullable=False, index=True)
    service_point_id: Mapped[int] = mapped_column(ForeignKey("service_point.id"), nullable=False, index=True)
    held_on: Mapped[date] = mapped_column(Date, nullable=False)
    theme: Mapped[ActivityTheme] = mapped_column(code_column(ActivityTheme, "activity_theme"), nullable=False)
    # What the talk was about ("Les écrans et les enfants"): not personal data.
    title: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    # Record key of the ministry's table T10, for the activity and for its attendance (docs/statistics.md,
    # ST9, ST38): drawn once, never changed.
    stat_key: Mapped[int] = mapped_column(Integer, nullable=False, default=new_stat_key)

    facilitators: Mapped[list[ActivityFacilitator]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    counts: Mapped[list[ActivityCount]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    service_point = relationship("ServicePoint", lazy="joined")

    @property
    def total(self) -> int:
        return sum(row.count for row in self.counts)


class ActivityFacilitator(Base):
    __tablename__ = "family_activity_facilitator"

    activity_id: Mapped[int] = mapped_column(ForeignKey("family_activity.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), primary_key=True, index=True)

    user = relationship("StaffUser", lazy="joined")


class ActivityCount(Base):
    """How many attended, of one sex and age band (DOM130)."""

    __tablename__ = "family_activity_count"

    activity_id: Mapped[int] = mapped_column(ForeignKey("family_activity.id", ondelete="CASCADE"), primary_key=True)
    sex: Mapped[Sex] = mapped_column(code_column(Sex, "sex"), primary_key=True)
    age_band: Mapped[AgeBand] = mapped_column(code_column(AgeBand, "age_band"), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)

    __table_args__ = (CheckConstraint("count BETWEEN 1 AND 10000", name="count_range"),)


protect_stat_key(Enrolment.stat_key)
protect_stat_key(Activity.stat_key)
