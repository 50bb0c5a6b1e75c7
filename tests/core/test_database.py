"""Database settings that protect data (docs/security.md, S26, S30, S34)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import IntegrityError

from mediation.accounts.models import StaffUser
from mediation.extensions import db


def engine(app):
    """The application's engine (the test transaction swaps in a connection)."""
    with app.app_context():
        bound = db.engine
    return getattr(bound, "engine", bound)


@pytest.mark.no_db_transaction  # the test transaction holds SQLite's write lock
def test_sqlite_connections_delete_securely_and_enforce_foreign_keys(app):
    if engine(app).dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    for _ in range(3):  # fresh connections, not only the first
        with engine(app).connect() as connection:
                assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.no_db_transaction
def test_postgresql_connections_never_jit_compile(app):
    if engine(app).dialect.name != "postgresql":
        pytest.skip("PostgreSQL setting")
    for _ in range(3):  # fresh connections, not only the first
        with engine(app).connect() as connection:
            assert connection.exec_driver_sql("SHOW jit").scalar() == "off"
            # The setting left no transaction open behind it.
            assert connection.exec_driver_sql("SELECT 1").scalar() == 1
        engine(app).dispose()


def test_a_database_error_never_carries_the_values_it_was_given(app, world):
    """SQLAlchemy error messages embed bound values unless hide_parameters is set."""
    import io

    from mediation.core.logging import JsonFormatter

    canary = "CANARY-username-3f9a1c"
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("mediation")
    logger.addHandler(handler)
    with app.app_context():
        savepoint = db.session.begin_nested()
        db.session.add(StaffUser(username="mediator.a1", display_name=canary, role="mediator",
                                 profession="mediator", association_id=world.association_a,
                                 password_hash=canary))
        with pytest.raises(IntegrityError) as raised:
            db.session.flush()
        savepoint.rollback()
        try:
            raise raised.value
        except IntegrityError:
            logger.exception("forced integrity error")
    logger.removeHandler(handler)
    assert canary not in str(raised.value)
    assert "forced integrity error" in captured.getvalue() and canary not in captured.getvalue()


def test_the_database_file_is_private(app):
    import os
    import stat

    if engine(app).dialect.name != "sqlite":
        pytest.skip("SQLite file")
    path = engine(app).url.database
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


@pytest.mark.database_independent
def test_a_test_marked_database_independent_fails_when_it_reaches_the_database(app):
    """The mark leaves a test out of .ci/run's PostgreSQL pass (docs/architecture.md, T2): the `db`
    fixture makes such a test fail at its first connection, so the mark cannot hide a database test."""
    with pytest.raises(AssertionError, match="database_independent"), app.app_context():
        db.session.get(StaffUser, 1)
