"""Declarative base, naming convention, public ids and UTC timestamps."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime

from flask_babel.speaklater import LazyString
from sqlalchemy import DateTime, Enum, MetaData, Uuid
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.types import TypeDecorator

from mediation.core import clock
from mediation.core.errors import StaleRecord

# Named constraints keep migrations portable: SQLite batch mode can only
# drop or alter a constraint it can name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes: TIMESTAMP WITH TIME ZONE on PostgreSQL;
    SQLite keeps no zone, so there the value is stored as naive UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class PublicIdMixin:
    """A random UUID for URLs and audit events; database ids never leave the server."""

    public_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, unique=True, nullable=False, default=uuid.uuid4
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=clock.now, onupdate=clock.now
    )


def code_column(enum_cls: type[enum.Enum], name: str) -> Enum:
    """Store a code list as its codes in a plain VARCHAR with a CHECK constraint."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )


def flush_versioned(session: Session, stale_message: str | LazyString | None = None) -> None:
    """Flush, turning a lost optimistic-locking race into StaleRecord (docs/security.md, S31: the page answers 409)."""
    try:
        session.flush()
    except StaleDataError:
        raise StaleRecord(stale_message) from None
