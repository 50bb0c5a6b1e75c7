"""The register of data-subject requests (Law 09-08 rights; docs/domain.md, DOM60)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.core import clock
from mediation.core.crypto import Encrypted
from mediation.core.models import Base, PublicIdMixin, UTCDateTime, code_column
from mediation.subject_requests.codes import RequestOutcome, RequestType


class DataSubjectRequest(PublicIdMixin, Base):
    """One request by one person of the association's identity vault, and how it was handled."""

    __tablename__ = "data_subject_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Copied from the person: the register is read per association in one column.
    association_id: Mapped[int] = mapped_column(ForeignKey("association.id"), nullable=False)
    # The person of the identity vault, or a participant known only from parenting groups (DOM137); once
    # such a participant is erased on request (DOM139), neither: the request stays, naming nobody.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    group_participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_participant.id", ondelete="SET NULL"), index=True)
    type: Mapped[RequestType] = mapped_column(code_column(RequestType, "subject_request_type"), nullable=False)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    answered_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[RequestOutcome | None] = mapped_column(code_column(RequestOutcome, "subject_request_outcome"))
    # What was asked, and how it was handled: free text about a person, hence encrypted.
    request_note: Mapped[str | None] = mapped_column(Encrypted("data_subject_request.request_note"))
    answer_note: Mapped[str | None] = mapped_column(Encrypted("data_subject_request.answer_note"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version_id}
    # The register page: an association's open requests first, by date received.
    __table_args__ = (Index("ix_data_subject_request_association_received", "association_id", "received_on"),
                      CheckConstraint("person_id IS NULL OR group_participant_id IS NULL", name="one_subject"))

    person = relationship("Person", lazy="joined")
    group_participant = relationship("GroupParticipant", lazy="joined")
    recorded_by = relationship("StaffUser", foreign_keys=[recorded_by_id], lazy="joined")
    handled_by = relationship("StaffUser", foreign_keys=[handled_by_id], lazy="joined")

    @property
    def is_open(self) -> bool:
        return self.answered_on is None

    @property
    def about_group_participant(self) -> bool:
        """A request of someone known only from parenting groups (erased or not)."""
        return self.person_id is None
