"""Access to a case outside one's assignment, with its reason (docs/security.md, P4)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.cases.codes import AccessReason
from mediation.core import clock
from mediation.core.crypto import Encrypted
from mediation.core.models import Base, PublicIdMixin, UTCDateTime, code_column


class CaseAccess(PublicIdMixin, Base):
    """A supervisor opened a case outside their assignment: who, when and why; shown on the case."""

    __tablename__ = "case_access"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False, index=True)
    reason: Mapped[AccessReason] = mapped_column(code_column(AccessReason, "access_reason"), nullable=False)
    note: Mapped[str | None] = mapped_column(Encrypted("case_access.note"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)

    user = relationship("StaffUser", lazy="joined")
