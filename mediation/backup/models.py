"""The register of restore drills (docs/security.md, S26: "a restore drill runs each quarter", proved by its
record). Operator facts only: ids, counts, times and the refusal message of a failed drill, which names
files and checks, never a value from the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mediation.core import clock
from mediation.core.models import Base, UTCDateTime


class RestoreDrill(Base):
    __tablename__ = "restore_drill"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    drilled_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now, index=True)
    passed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    # From the archive's header when it could be read: which backup was restored, and of when.
    backup_id: Mapped[str | None] = mapped_column(String(64))
    backup_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revision: Mapped[str | None] = mapped_column(String(32))
    # What the restored copy held: its tables, their rows, and the audit events whose chain was verified.
    table_count: Mapped[int | None] = mapped_column(Integer)
    row_count: Mapped[int | None] = mapped_column(Integer)
    audit_event_count: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int] = mapped_column(Integer, nullable=False)
    failure: Mapped[str | None] = mapped_column(String(500))
