"""The record of every document produced (docs/domain.md, DOM152).

A row says what was produced, for whom, from which template version and source, by whom and when. It holds
no text: the page is produced again from the same source whenever it is opened, and the signed paper, once
scanned, is an attachment of the case (its link is kept here, on the documents' side).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.core import clock
from mediation.core.models import Base, PublicIdMixin, UTCDateTime, code_column
from mediation.documents.codes import DocumentKind, DocumentLanguage


class GeneratedDocument(PublicIdMixin, Base):
    __tablename__ = "generated_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    # Numbered within the case: the reference printed on the paper is the case's, its letters and this number.
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[DocumentKind] = mapped_column(code_column(DocumentKind, "document_kind"), nullable=False)
    language: Mapped[DocumentLanguage] = mapped_column(code_column(DocumentLanguage, "document_language"),
                                                       nullable=False)
    template_version: Mapped[int] = mapped_column(Integer, nullable=False)
    # The one party a convocation, an attestation or a closure letter is addressed to.
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    # The source each kind is produced from.
    agreement_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement_version.id", ondelete="CASCADE"))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id", ondelete="SET NULL"))
    closure_id: Mapped[int | None] = mapped_column(ForeignKey("case_closure.id", ondelete="CASCADE"))
    # A convocation's list of what to bring: BringItem codes, comma-separated.
    bring: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    # The scan of the signed paper, once attached to the case (docs/domain.md, DOM156).
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("case_id", "number", name="uq_generated_document_number"),)

    created_by = relationship("StaffUser", foreign_keys=[created_by_id], lazy="joined")
    participant = relationship("Participant", lazy="joined")
