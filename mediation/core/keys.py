"""Field-key rotation: re-encrypt every encrypted value under the newest key (docs/security.md, S23).

Procedure (README, "Rotating the field keys"):

1. Add the new key with a higher id to MEDIATION_FIELD_KEYS ("1:<old>,2:<new>") and restart:
   new writes use the highest id at once, and every listed key still decrypts.
2. Run `flask keys rotate`: each value still under an older key is decrypted and
   encrypted again under the newest one.
3. `flask keys status` shows how many values each key id still protects; once an
   old key protects none, remove it from MEDIATION_FIELD_KEYS and restart.

The columns are found in the metadata (every column whose type is `Encrypted`),
so a new encrypted column is rotated without touching this module. Rows are
walked in primary-key order, one transaction per batch. The work is done at the
SQL Core level: the raw bytes are read and written as `LargeBinary`, so the
ORM's version counters and `updated_at` stay as they were (a rotation changes
no content). A row is rewritten only if it still holds the bytes that were read,
so a concurrent edit is never overwritten with an older value. Values already
under the newest key are left alone: running the rotation again changes nothing.

Values sealed with associated data of their own row (an attachment's chunks, docs/security.md, S45)
cannot be found by type: the package that owns them registers a `SealedRotation` with
`register_sealed_rotation`, and `rotate` and `key_usage` run it after the columns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import (
    Column,
    LargeBinary,
    MetaData,
    Table,
    and_,
    bindparam,
    func,
    literal_column,
    select,
    tuple_,
    type_coerce,
    update,
)
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from mediation.core.crypto import (
    FORMAT_VERSION,
    HEADER_SIZE,
    DecryptionError,
    Encrypted,
    active_key_id,
    decrypt,
    encrypt,
    key_id_of,
)

DEFAULT_BATCH_SIZE = 500


@dataclass(frozen=True)
class SealedRotation:
    """Sealed values that `encrypted_tables` cannot find, rotated and counted by the package that owns them.

    `rotate(session, active_key_id, batch_size)` re-encrypts what is not under the active key and commits
    per batch; `usage(session)` counts the values per key id.
    """

    name: str
    rotate: Callable[[Session, int, int], ColumnRotation]
    usage: Callable[[Session], Counter]


SEALED_ROTATIONS: dict[str, SealedRotation] = {}


def register_sealed_rotation(rotation: SealedRotation) -> SealedRotation:
    SEALED_ROTATIONS[rotation.name] = rotation
    return rotation


@dataclass(frozen=True)
class EncryptedTable:
    table: Table
    columns: tuple[Column, ...]


def encrypted_tables(metadata: MetaData) -> list[EncryptedTable]:
    """Every table with at least one `Encrypted` column, in dependency order."""
    found = []
    for table in metadata.sorted_tables:
        columns = tuple(column for column in table.columns if isinstance(column.type, Encrypted))
        if columns:
            if not table.primary_key.columns:
                raise ValueError(f"{table.name} has encrypted columns but no primary key")
            found.append(EncryptedTable(table, columns))
    return found


def _raw(column: Column) -> ColumnElement[bytes]:
    """The stored bytes of an encrypted column, without decrypting them."""
    return type_coerce(column, LargeBinary)


@dataclass
class ColumnRotation:
    """What a rotation did to one column; `failed` holds primary keys, never values."""

    name: str  # "table.column"
    reencrypted: int = 0
    current: int = 0  # already under the newest key
    changed_meanwhile: int = 0  # edited by someone else between read and write: left to them
    failed: list[tuple] = field(default_factory=list)


@dataclass
class RotationReport:
    active_key_id: int
    columns: dict[str, ColumnRotation]

    @property
    def reencrypted(self) -> int:
        return sum(column.reencrypted for column in self.columns.values())

    @property
    def failed(self) -> int:
        return sum(len(column.failed) for column in self.columns.values())


def rotate(session: Session, metadata: MetaData, *, batch_size: int = DEFAULT_BATCH_SIZE) -> RotationReport:
    """Re-encrypt every value not yet under the active key; commit once per batch."""
    active = active_key_id()
    report = RotationReport(active, {})
    for entry in encrypted_tables(metadata):
        stats = {column.name: ColumnRotation(f"{entry.table.name}.{column.name}") for column in entry.columns}
        report.columns.update({stat.name: stat for stat in stats.values()})
        _rotate_table(session, entry, stats, active, batch_size)
    for sealed in SEALED_ROTATIONS.values():
        report.columns[sealed.name] = sealed.rotate(session, active, batch_size)
    return report


def _after(primary_key: tuple[Column, ...], last: tuple | None) -> ColumnElement[bool] | None:
    if last is None:
        return None
    if len(primary_key) == 1:
        return primary_key[0] > last[0]
    return tuple_(*primary_key) > tuple_(*last)


def _rotate_table(session: Session, entry: EncryptedTable, stats: dict[str, ColumnRotation], active: int,
                  batch_size: int) -> None:
    table, columns = entry.table, entry.columns
    primary_key = tuple(table.primary_key.columns)
    # Columns with an `onupdate` default (updated_at) keep their value: nothing was edited.
    untouched = {column.name: column for column in table.columns if column.onupdate is not None}
    last = None
    while True:
        query = (select(*primary_key, *(_raw(column).label(f"raw_{column.name}") for column in columns))
                 .order_by(*primary_key).limit(batch_size))
        condition = _after(primary_key, last)
        if condition is not None:
            query = query.where(condition)
        rows = session.execute(query).all()
        if not rows:
            break
        for row in rows:
            key = tuple(row[: len(primary_key)])
            _rotate_row(session, table, primary_key, key, columns, row[len(primary_key):], stats, active, untouched)
        session.commit()
        last = tuple(rows[-1][: len(primary_key)])


def _rotate_row(session: Session, table: Table, primary_key: tuple[Column, ...], key: tuple,
                columns: tuple[Column, ...], blobs: Sequence[bytes | None], stats: dict[str, ColumnRotation],
                active: int, untouched: dict[str, Column]) -> None:
    changes: dict[str, tuple[bytes, bytes]] = {}
    for column, blob in zip(columns, blobs, strict=True):
        if blob is None:
            continue
        blob = bytes(blob)
        stat = stats[column.name]
        context = cast(Encrypted, column.type).context  # encrypted_tables() found only Encrypted columns
        try:
            if key_id_of(blob) == active:
                stat.current += 1
                continue
            plaintext = decrypt(blob, context)
        except DecryptionError:
            stat.failed.append(key)
            continue
        changes[column.name] = (blob, encrypt(plaintext, context, key_id=active))
    if not changes:
        return
    where = [column == value for column, value in zip(primary_key, key, strict=True)]
    where += [_raw(table.c[name]) == bindparam(f"old_{name}", old, type_=LargeBinary)
              for name, (old, _new) in changes.items()]
    values: dict[str, BindParameter[bytes] | Column] = {
        name: bindparam(f"new_{name}", new, type_=LargeBinary) for name, (_old, new) in changes.items()
    }
    values.update({name: column for name, column in untouched.items() if name not in values})
    # An UPDATE returns a CursorResult (its rowcount), which Session.execute() is typed to hide.
    result = cast(CursorResult[Any], session.execute(update(table).where(and_(*where)).values(values)))
    for name in changes:
        if result.rowcount == 1:
            stats[name].reencrypted += 1
        else:
            stats[name].changed_meanwhile += 1


# Status


@dataclass
class KeyUsage:
    """How many stored values each key id protects, overall and per column."""

    by_key: Counter
    by_column: dict[str, Counter]
    unknown_format: int


def key_usage(session: Session, metadata: MetaData) -> KeyUsage:
    """Count the stored values per key id, reading only their 3-byte headers."""
    by_key: Counter = Counter()
    by_column: dict[str, Counter] = {}
    unknown = 0
    for entry in encrypted_tables(metadata):
        for column in entry.columns:
            # Inline constants: PostgreSQL must see the same expression in SELECT and GROUP BY.
            header = type_coerce(
                func.substr(_raw(column), literal_column("1"), literal_column(str(HEADER_SIZE))), LargeBinary
            )
            counts: Counter = Counter()
            rows = session.execute(select(header, func.count()).where(column.is_not(None)).group_by(header))
            for value, count in rows:
                value = bytes(value)
                if len(value) != HEADER_SIZE or value[0] != FORMAT_VERSION:
                    unknown += count
                    continue
                counts[int.from_bytes(value[1:3], "big")] += count
            by_column[f"{entry.table.name}.{column.name}"] = counts
            by_key.update(counts)
    for sealed in SEALED_ROTATIONS.values():
        counts = sealed.usage(session)
        by_column[sealed.name] = counts
        by_key.update(counts)
    return KeyUsage(by_key, by_column, unknown)
