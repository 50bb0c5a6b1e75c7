"""An agreement per case and its versions, never overwritten (docs/domain.md, DOM77-DOM80).

Each save of the agreement's form adds a version: its points (one per issue of the case), who signed, and
its level, derived from the points by the service (DOM78). A version is immutable once written: the ORM
refuses to update or delete one; only the retention job clears a point's text, by a bulk statement.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.cases.codes import AgreementForm, AgreementLevel, AgreementNature, Issue, PointStatus
from mediation.core import clock
from mediation.core.crypto import Encrypted
from mediation.core.models import Base, PublicIdMixin, UTCDateTime, code_column

# Shared limit (docs/architecture.md, A3): the form and the service read it from here.
POINT_TEXT_MAX = 4000


class Agreement(PublicIdMixin, Base):
    """The agreement of one case: the head of its versions. Its version_id makes two saves from the same
    page a conflict (the second is refused, docs/security.md, S31) rather than two versions of one number."""

    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False,
                                         unique=True)
    latest_number: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version_id}


class AgreementVersion(PublicIdMixin, Base):
    """One saved state of the agreement: a draft (no concluded_on) or a concluded agreement."""

    __tablename__ = "agreement_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    nature: Mapped[AgreementNature] = mapped_column(code_column(AgreementNature, "agreement_nature"),
                                                    nullable=False)
    form: Mapped[AgreementForm | None] = mapped_column(code_column(AgreementForm, "agreement_form"))
    # Derived from the points when the version is written (DOM78), never entered.
    level: Mapped[AgreementLevel] = mapped_column(code_column(AgreementLevel, "agreement_level"), nullable=False)
    concluded_on: Mapped[date | None] = mapped_column(Date)
    signed_on: Mapped[date | None] = mapped_column(Date)
    # As the parties declared it; None: they said nothing (DOM77).
    submitted_to_court: Mapped[bool | None] = mapped_column(Boolean)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)

    __table_args__ = (UniqueConstraint("agreement_id", "number", name="uq_agreement_version_number"),)

    points: Mapped[list[AgreementPoint]] = relationship(cascade="all", lazy="selectin",
                                                        order_by="AgreementPoint.position")
    signatures: Mapped[list[AgreementSignature]] = relationship(cascade="all", lazy="selectin")
    created_by = relationship("StaffUser", foreign_keys=[created_by_id], lazy="joined")

    @property
    def is_concluded(self) -> bool:
        return self.concluded_on is not None

    @property
    def signatory_ids(self) -> set[int]:
        return {signature.participant_id for signature in self.signatures}


class AgreementPoint(Base):
    """One issue of the case in one version: its status and, in the parties' terms, what was settled."""

    __tablename__ = "agreement_point"

    version_id: Mapped[int] = mapped_column(ForeignKey("agreement_version.id", ondelete="CASCADE"),
                                            primary_key=True)
    issue: Mapped[Issue] = mapped_column(code_column(Issue, "issue"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[PointStatus] = mapped_column(code_column(PointStatus, "point_status"), nullable=False)
    text: Mapped[str | None] = mapped_column(Encrypted("agreement_point.text"))


class AgreementSignature(Base):
    """A party of the case who signed this version."""

    __tablename__ = "agreement_signature"

    version_id: Mapped[int] = mapped_column(ForeignKey("agreement_version.id", ondelete="CASCADE"),
                                            primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"),
                                                primary_key=True)


class AgreementClosure(Base):
    """The concluded version a closure rests on (docs/domain.md, DOM80). The link lives here, on the
    agreements' side, so that the cases never point at a feature above them (docs/architecture.md, A1);
    a case reopened and closed again adds a link for its new closure."""

    __tablename__ = "agreement_closure"

    closure_id: Mapped[int] = mapped_column(ForeignKey("case_closure.id", ondelete="CASCADE"), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("agreement_version.id", ondelete="CASCADE"),
                                            nullable=False, index=True)


class ImmutableVersion(Exception):
    """A written version of an agreement is never changed nor deleted (docs/domain.md, DOM79)."""


def _refuse(mapper, connection, target) -> None:
    raise ImmutableVersion(f"{type(target).__name__} rows are written once")


for _model in (AgreementVersion, AgreementPoint, AgreementSignature):
    event.listen(_model, "before_update", _refuse)
    event.listen(_model, "before_delete", _refuse)
