"""Case notes with visibility and full edit history (docs/domain.md, DOM39)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.cases.codes import NoteVisibility
from mediation.core import clock
from mediation.core.crypto import Encrypted
from mediation.core.models import Base, PublicIdMixin, UTCDateTime, code_column


class Note(PublicIdMixin, Base):
    """A note; its text lives in versions, so an edit never loses what was written."""

    __tablename__ = "case_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False, index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    visibility: Mapped[NoteVisibility] = mapped_column(code_column(NoteVisibility, "note_visibility"), nullable=False)
    # Set if and only if the note is private to one party.
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"))
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version_id}

    author = relationship("StaffUser", lazy="joined")
    versions: Mapped[list[NoteVersion]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="NoteVersion.number"
    )

    @property
    def current(self) -> NoteVersion:
        return self.versions[-1]


class NoteVersion(Base):
    __tablename__ = "case_note_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("case_note.id", ondelete="CASCADE"), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    body: Mapped[str] = mapped_column(Encrypted("case_note_version.body"), nullable=False)
    edited_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)

    edited_by = relationship("StaffUser", lazy="joined")

    __table_args__ = (UniqueConstraint("note_id", "number", name="uq_case_note_version_note_number"),)
