"""Engine set-up per backend (docs/security.md, S34)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url


def prepare_sqlite_file(url: str) -> None:
    """Create the database file readable by its owner only (0600)."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def configure_engine(engine: Engine, *, sqlite_busy_timeout_ms: int = 30_000) -> None:
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, sqlite_busy_timeout_ms)
    elif engine.dialect.name == "postgresql":
        _configure_postgresql(engine)


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: object) -> None:
        # No JIT compilation: the planner's cost estimates of the statistics queries (correlated EXISTS
        # over 100,000 cases) pass jit_above_cost, and compiling took 330 to 700 ms for queries that
        # execute in 3 to 470 ms (bench/RESULTS.md). The pages' queries never gain from it either.
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET SESSION jit = off")
        dbapi_connection.autocommit = autocommit


def is_database_busy(error: BaseException) -> bool:
    """SQLite's write lock was not free within the busy timeout ("database is locked")."""
    original = getattr(error, "orig", error)
    return type(original).__name__ == "OperationalError" and "database is locked" in str(original)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: object) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        # Every transaction takes the write lock (below), so concurrent requests queue for it: each
        # waits up to this long, then the user gets the translated "busy" page, never a 500.
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        # Take the write lock at the start: two transactions that read the
        # audit head and then append cannot interleave (docs/security.md, S29, S34).
        connection.exec_driver_sql("BEGIN IMMEDIATE")
