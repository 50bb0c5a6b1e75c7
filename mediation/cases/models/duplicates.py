"""A possible duplicate left for the supervisor: a new participation whose person may already be known
under a record the registering user could not see (docs/domain.md, DOM74; docs/security.md, P5)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.cases.models.people import Participant, Person
from mediation.core import clock
from mediation.core.models import Base, PublicIdMixin, UTCDateTime


class DuplicateFlag(PublicIdMixin, Base):
    """One candidate record for one new participation; open until a supervisor links or keeps separate.

    Only ids are stored: what the two records hold stays in the identity vault (`person`).
    """

    __tablename__ = "duplicate_flag"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("association.id"), nullable=False, index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), nullable=False,
                                                index=True)
    candidate_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)
    flagged_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    # None while open; True once linked onto the candidate, False once kept separate.
    linked: Mapped[bool | None] = mapped_column(Boolean)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two supervisors deciding at once: the second save finds a newer version (docs/security.md, S31).
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version_id}

    participant: Mapped[Participant] = relationship(lazy="joined")
    candidate: Mapped[Person] = relationship(lazy="joined")
