"""Bulk writes: rows are buffered per table as plain dicts and sent with Core `insert()` in chunks.

Ids are given here (the database is empty when the load starts), so a child row can name its
parent without a round trip. Encrypted and UTC columns still go through their column types'
bind processors (mediation/core/crypto.Encrypted, UTCDateTime): what is stored is exactly
what the application would store.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from mediation.core.models import Base

CHUNK_ROWS = 5000


class BulkWriter:
    """Buffers rows per table; `flush` writes them parent tables first."""

    def __init__(self, session: Session, chunk_rows: int = CHUNK_ROWS):
        self.session = session
        self.chunk_rows = chunk_rows
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.last_id: dict[str, int] = defaultdict(int)
        self.written: dict[str, int] = defaultdict(int)
        self.order = [table for table in Base.metadata.sorted_tables]

    def new_id(self, table: str) -> int:
        self.last_id[table] += 1
        return self.last_id[table]

    def add(self, table: str, row: dict) -> dict:
        self.rows[table].append(row)
        return row

    def flush(self) -> None:
        for table in self.order:
            rows = self.rows.pop(table.name, None)
            if not rows:
                continue
            for start in range(0, len(rows), self.chunk_rows):
                self.session.execute(insert(table), rows[start:start + self.chunk_rows])
            self.written[table.name] += len(rows)

    def finish(self) -> None:
        """Write what is left and, on PostgreSQL, move each id sequence past the ids given here."""
        self.flush()
        if self.session.get_bind().dialect.name != "postgresql":
            return
        for table in self.order:
            if table.name in self.last_id and "id" in table.c:
                _move_sequence(self.session, table)


def _move_sequence(session: Session, table: Table) -> None:
    sequence = func.pg_get_serial_sequence(table.name, "id")
    session.execute(select(func.setval(sequence, select(func.max(table.c.id)).scalar_subquery())))
