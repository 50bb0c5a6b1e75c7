"""A post-closure follow-up: one planned check that an agreement holds, then its record (docs/domain.md, DOM93-DOM95).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.aftercare.codes import AftercareAction, AftercareStatus, ContactMode
from mediation.cases.codes import FollowUpResult
from mediation.cases.models.case import new_stat_key, protect_stat_key
from mediation.core import clock
from mediation.core.crypto import Encrypted
from mediation.core.models import Base, PublicIdMixin, UTCDateTime, code_column


class PostClosureFollowUp(PublicIdMixin, Base):
    """Planned when a case closes with an agreement or a reconciliation; recorded once, or cancelled when the
    case is reopened. Linked to the closure that planned it, from this table (never the reverse)."""

    __tablename__ = "post_closure_follow_up"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False, index=True)
    closure_id: Mapped[int] = mapped_column(ForeignKey("case_closure.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    # Months after the closure date, as the plan was set when the case closed (1, 3, 6 by default).
    months_after: Mapped[int] = mapped_column(Integer, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    assigned_to_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    status: Mapped[AftercareStatus] = mapped_column(code_column(AftercareStatus, "aftercare_status"),
                                                    nullable=False, default=AftercareStatus.PLANNED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The record (docs/domain.md, DOM94).
    done_on: Mapped[date | None] = mapped_column(Date)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    contact_mode: Mapped[ContactMode | None] = mapped_column(code_column(ContactMode, "contact_mode"))
    # The party contacted, or tried: only one whose contact profile allows it (DOM94).
    contacted_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"))
    result: Mapped[FollowUpResult | None] = mapped_column(code_column(FollowUpResult, "follow_up_result"))
    # None: not known (the family was not reached).
    new_proceedings: Mapped[bool | None] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Encrypted("post_closure_follow_up.note"))
    action: Mapped[AftercareAction | None] = mapped_column(code_column(AftercareAction, "aftercare_action"))

    # A supervisor saw an alert (docs/domain.md, DOM95): it leaves their queue.
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seen_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # The record key of the ministry's table T7 (docs/statistics.md, ST9, ST34): set at insert, never changed.
    stat_key: Mapped[int] = mapped_column(Integer, nullable=False, default=new_stat_key)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version_id}

    # Loaded with the row: every list of follow-ups shows its case, its assignee and the party contacted,
    # in the statement that reads the rows (docs/architecture.md, U2).
    case = relationship("Case", lazy="joined", innerjoin=True)
    assigned_to = relationship("StaffUser", foreign_keys=[assigned_to_id], lazy="joined", innerjoin=True)
    done_by = relationship("StaffUser", foreign_keys=[done_by_id], lazy="joined")
    contacted = relationship("Participant", lazy="joined")

    __table_args__ = (
        # The worklist: an assignee's planned follow-ups by due date.
        Index("ix_post_closure_follow_up_assignee_due", "assigned_to_id", "status", "due_on"),
    )

    @property
    def alert(self) -> bool:
        """Whether the record goes to the supervisor's queue (docs/domain.md, DOM95)."""
        return (self.status is AftercareStatus.DONE
                and (self.result is FollowUpResult.NOT_HOLDING or bool(self.new_proceedings)
                     or self.action is AftercareAction.REOPEN_REQUESTED))

    @classmethod
    def alert_condition(cls):
        """`alert` in SQL, for the supervisor's queue."""
        return (cls.status == AftercareStatus.DONE) & or_(
            cls.result == FollowUpResult.NOT_HOLDING, cls.new_proceedings.is_(True),
            cls.action == AftercareAction.REOPEN_REQUESTED)


protect_stat_key(PostClosureFollowUp.stat_key)
