"""Taking and loading a database snapshot, per backend.

SQLite: the online backup API copies every page in one step, inside one read
transaction, so the copy is a consistent snapshot while the application writes
(WAL readers do not block writers). Loading uses the same API in the other
direction: the target is replaced in one write transaction, or not at all.

PostgreSQL: `pg_dump --format=custom` reads inside one repeatable-read snapshot.
Loading pipes `pg_restore`'s SQL into one `psql --single-transaction` with
ON_ERROR_STOP, after the optional "empty the schema" prelude: any error rolls
the whole restore back and the target keeps what it had. The password goes
through PGPASSWORD, never the command line (other users can read that).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import URL, Engine

from mediation.backup.errors import BackupError

SUPPORTED_DIALECTS = ("sqlite", "postgresql")

# Drops every object of the current schema that no extension owns, so that a
# forced restore meets an empty schema. It runs in the restore's transaction.
EMPTY_SCHEMA_SQL = """
SET client_min_messages = warning;
DO $$
DECLARE item record;
BEGIN
  FOR item IN
    SELECT format('%I.%I', n.nspname, c.relname) AS name,
           CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                          WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
    ORDER BY c.relkind IN ('S') -- tables first: their own sequences go with them
  LOOP
    EXECUTE format('DROP %s IF EXISTS %s CASCADE', item.kind, item.name);
  END LOOP;
  FOR item IN
    SELECT p.oid::regprocedure::text AS name
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = current_schema()
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('DROP ROUTINE IF EXISTS %s CASCADE', item.name);
  END LOOP;
  FOR item IN
    SELECT format('%I.%I', n.nspname, t.typname) AS name
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = current_schema() AND t.typtype IN ('e', 'd', 'r', 'm')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('DROP TYPE IF EXISTS %s CASCADE', item.name);
  END LOOP;
END $$;
RESET client_min_messages;
"""


def application_tables(engine: Engine) -> list[str]:
    """The tables of the database's default schema (empty on a new database)."""
    return sorted(inspect(engine).get_table_names())


# -- SQLite -------------------------------------------------------------------------


def dump_sqlite(engine: Engine, target: Path) -> None:
    """Copy the whole database into the file target, as one consistent snapshot."""
    pooled = engine.raw_connection()
    try:
        copy = sqlite3.connect(target)
        try:
            pooled.driver_connection.backup(copy, pages=-1)
        finally:
            copy.close()
    finally:
        pooled.close()


def check_sqlite_payload(path: Path) -> str:
    """Run PRAGMA integrity_check on a payload; return its schema revision."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            revisions = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"the backup's database is unreadable ({error})") from None
    if problems != ["ok"]:
        raise BackupError(f"the backup's database fails its integrity check ({'; '.join(problems[:5])})")
    if len(revisions) != 1:
        raise BackupError("the backup's database has no single schema revision")
    return revisions[0]


def load_sqlite(engine: Engine, payload: Path) -> None:
    """Replace the target database with the payload, in one write transaction."""
    source = sqlite3.connect(payload)
    pooled = engine.raw_connection()
    try:
        source.backup(pooled.driver_connection, pages=-1)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite refused the restore ({error}); nothing was changed") from None
    finally:
        pooled.close()
        source.close()


# -- PostgreSQL ---------------------------------------------------------------------


def client_tool(name: str) -> str:
    """The path of a PostgreSQL client program, or a refusal naming it."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} was not found on PATH: install the PostgreSQL client tools "
                          f"(the same major version as the server or newer)")
    return path


def libpq_connection(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and an environment holding it in PGPASSWORD."""
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    # URL.set() ignores a None value: _replace really drops the password.
    plain = url.set(drivername="postgresql")._replace(password=None)
    return plain.render_as_string(hide_password=False), environment


def _run(command: list[str], environment: dict[str, str], action: str,
         stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    result = subprocess.run(command, env=environment, stdout=stdout, stderr=subprocess.PIPE)
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise BackupError(f"{action} failed (exit {result.returncode}): {' | '.join(detail) or 'no message'}")
    return result


def dump_postgresql(url: URL, target: Path) -> None:
    dsn, environment = libpq_connection(url)
    _run([client_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}",
          f"--dbname={dsn}"], environment, "pg_dump")


def check_postgresql_payload(path: Path) -> None:
    """pg_restore --list reads the archive's table of contents: a damaged dump fails here."""
    _run([client_tool("pg_restore"), "--list", str(path)], dict(os.environ), "pg_restore --list")


def load_postgresql(url: URL, payload: Path, *, replace: bool) -> None:
    """Restore the dump in one transaction; with replace, empty the schema first (same transaction)."""
    dsn, environment = libpq_connection(url)
    pg_restore, psql = client_tool("pg_restore"), client_tool("psql")
    with tempfile.TemporaryDirectory(prefix="mediation-restore-") as scratch:
        prelude, script = Path(scratch) / "prelude.sql", Path(scratch) / "restore.sql"
        prelude.write_text(EMPTY_SCHEMA_SQL if replace else "SELECT 1;\n", encoding="utf-8")
        # The whole script first: psql commits at the end of its input, so it must
        # never read a script that pg_restore stopped writing half-way.
        _run([pg_restore, "--no-owner", "--no-privileges", f"--file={script}", str(payload)],
             environment, "pg_restore (reading the backup)")
        try:
            _run([psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction",
                  f"--dbname={dsn}", f"--file={prelude}", f"--file={script}"],
                 environment, "the restore (rolled back, nothing was changed): psql", stdout=subprocess.DEVNULL)
        finally:
            script.unlink(missing_ok=True)
