"""Access to a case outside one's assignment, with its reason (docs/security.md, P4)."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.core import clock
from mediation.core.crypto import Encrypted
from mediation.core.models import Base, PublicIdMixin, UTCDateTime, code_column


class AccessReason(enum.StrEnum):
    """Why a supervisor opens a case that is not theirs. Stored codes: add members, never rename one."""

    SUPERVISE = "supervise"  # the supervisor takes the case on: they are not asked again
    DECISION = "decision"  # a screening decision or a request waits for them
    REVIEW = "review"
    REASSIGNMENT = "reassignment"
    FAMILY_REQUEST = "family_request"
    OTHER = "other"  # needs a note

    @property
    def label(self):
        return _ACCESS_REASON_LABELS[self]


_ACCESS_REASON_LABELS = {
    AccessReason.SUPERVISE: _l("I am taking on the supervision of this case"),
    AccessReason.DECISION: _l("A decision is waiting for me (screening, request)"),
    AccessReason.REVIEW: _l("Case review"),
    AccessReason.REASSIGNMENT: _l("Reassignment to another staff member"),
    AccessReason.FAMILY_REQUEST: _l("A request or a complaint from the family"),
    AccessReason.OTHER: _l("Another reason (say which)"),
}


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
