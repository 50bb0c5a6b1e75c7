"""The release register (docs/statistics.md, ST18): frozen releases and the stored bytes of their files.

A release row and its files are written once. Publishing sets published_at/by and the status;
nothing else ever changes, and a correction is a new release row pointing at the one it corrects.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.core.models import Base, UTCDateTime, code_column
from mediation.statistics.codes import CorrectionReason


class ReleaseKind(enum.StrEnum):
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


class ReleaseStatus(enum.StrEnum):
    READY = "ready"
    PUBLISHED = "published"


class FileFormat(enum.StrEnum):
    CSV = "csv"
    JSON = "json"
    XLSX = "xlsx"


class FrozenRelease(Exception):
    """A stored release or file never changes (docs/statistics.md, ST18)."""


class StatisticsRelease(Base):
    __tablename__ = "statistics_release"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_id: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)  # "2026Q3", "2026Q3-r2"
    period: Mapped[str] = mapped_column(String(7), nullable=False, index=True)  # "2026-Q3" or "2026"
    kind: Mapped[ReleaseKind] = mapped_column(code_column(ReleaseKind, "release_kind"), nullable=False)
    status: Mapped[ReleaseStatus] = mapped_column(code_column(ReleaseStatus, "release_status"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    corrects_release_id: Mapped[int | None] = mapped_column(ForeignKey("statistics_release.id"))
    # Why a correction was built: a fixed code, never free text or a count (docs/statistics.md, ST31).
    correction_reason: Mapped[CorrectionReason | None] = mapped_column(
        code_column(CorrectionReason, "correction_reason"))
    catalogue_version: Mapped[str] = mapped_column(String(8), nullable=False)
    # JSON: the region groups used, [[code, [region codes]], ...], in publication order.
    geography: Mapped[str] = mapped_column(Text, nullable=False)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    files: Mapped[list[ReleaseFile]] = relationship(
        back_populates="release", order_by="(ReleaseFile.table_id, ReleaseFile.format)"
    )


class ReleaseFile(Base):
    __tablename__ = "statistics_release_file"
    __table_args__ = (UniqueConstraint("release_id", "table_id", "format"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The unique constraint's index (release first) serves lookups by release.
    release_id: Mapped[int] = mapped_column(ForeignKey("statistics_release.id"), nullable=False)
    table_id: Mapped[str] = mapped_column(String(8), nullable=False)  # "T1".."T6"; "all" for the workbook
    format: Mapped[FileFormat] = mapped_column(code_column(FileFormat, "file_format"), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)

    release: Mapped[StatisticsRelease] = relationship(back_populates="files")

    @property
    def filename(self) -> str:
        return f"{self.release.release_id}.xlsx" if self.table_id == "all" else f"{self.table_id}.{self.format}"


# Only the publication columns may change, and only once (publish_release checks the once).
_PUBLICATION_COLUMNS = {"status", "published_at", "published_by_id"}


@event.listens_for(StatisticsRelease, "before_update")
def _refuse_release_change(mapper, connection, target) -> None:
    state = inspect(target)
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()} - {"files"}
    if changed - _PUBLICATION_COLUMNS:
        raise FrozenRelease(f"release {target.release_id} is frozen")


@event.listens_for(ReleaseFile, "before_update")
def _refuse_file_change(mapper, connection, target) -> None:
    raise FrozenRelease("release files are frozen")


@event.listens_for(ReleaseFile, "before_delete")
def _refuse_file_delete(mapper, connection, target) -> None:
    raise FrozenRelease("release files are frozen")
