"""Attachments of a case and the encrypted chunks of their content (docs/domain.md, DOM106; docs/security.md,
S45).

The chunks hang from a storage key, not from the attachment row: they are the database backend's own
table behind `storage.AttachmentStorage`, so another backend (an object store) keeps the same rows above.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.attachments.codes import AttachmentKind, AttachmentVisibility, ContentType, StorageBackend
from mediation.core import clock
from mediation.core.crypto import Encrypted
from mediation.core.models import Base, PublicIdMixin, UTCDateTime, code_column


def new_storage_key() -> str:
    return str(uuid.uuid4())


class Attachment(PublicIdMixin, Base):
    """A document added to a case: its kind, date, label, who added it and who may open it (DOM106, DOM107)."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[AttachmentKind] = mapped_column(code_column(AttachmentKind, "attachment_kind"), nullable=False)
    visibility: Mapped[AttachmentVisibility] = mapped_column(
        code_column(AttachmentVisibility, "attachment_visibility"), nullable=False)
    label: Mapped[str] = mapped_column(Encrypted("attachment.label"), nullable=False)
    document_date: Mapped[date] = mapped_column(Date, nullable=False)
    content_type: Mapped[ContentType] = mapped_column(code_column(ContentType, "attachment_content_type"),
                                                      nullable=False)
    # The stored (cleaned) content: its length and its number of chunks, checked again on every download.
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    chunk_count: Mapped[int] = mapped_column(Integer, nullable=False)
    storage_key: Mapped[str] = mapped_column(String(36), nullable=False, unique=True, default=new_storage_key)
    # The backend holding the chunks (DOM165): chosen by ATTACHMENT_STORAGE when the document is added.
    storage: Mapped[StorageBackend] = mapped_column(code_column(StorageBackend, "attachment_storage"),
                                                    nullable=False, default=StorageBackend.DATABASE,
                                                    server_default=StorageBackend.DATABASE.value)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)

    added_by = relationship("StaffUser", lazy="joined")

    # A case's attachments, newest document first, on the case page.
    __table_args__ = (Index("ix_attachment_case_date", "case_id", "document_date"),)


class AttachmentChunk(Base):
    """One sealed chunk of a stored content (the database backend, docs/security.md, S45)."""

    __tablename__ = "attachment_chunk"

    storage_key: Mapped[str] = mapped_column(String(36), primary_key=True)
    index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
