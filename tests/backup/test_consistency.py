"""A backup taken while users write is one consistent snapshot; a failed forced restore changes nothing.

The writer commits transactions that each append two audit events of one pair
through the application's service (`core.audit.record`): a snapshot cut between
the two, or between an event and the chain head, would show after the restore
as a lone event of a pair or a chain that does not verify.
"""

from __future__ import annotations

import os
import threading
from collections import Counter

import pytest
from sqlalchemy import select, text

from mediation.core.audit import AuditAction, AuditEvent, record, verify_chain
from mediation.extensions import db
from tests.backup.conftest import cli, create_backup, fingerprint

# On one worker, so that the session's source database (tests/backup/conftest.py) is built once.
pytestmark = [pytest.mark.no_db_transaction, pytest.mark.xdist_group("backup")]


class PairWriter(threading.Thread):
    """Commits pairs of audit events until stopped; counts its commits."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.app, self.committed, self.error = app, 0, None
        self.stop, self.progress = threading.Event(), threading.Condition()

    def run(self):
        try:
            with self.app.app_context():
                while not self.stop.is_set():
                    for half in ("a", "b"):
                        record(db.session, AuditAction.UPDATE, entity="pair", entity_id=f"{self.committed}-{half}")
                    db.session.commit()
                    with self.progress:
                        self.committed += 1
                        self.progress.notify_all()
                db.session.remove()
        except Exception as error:  # reported by the test, not lost in the thread
            self.error = error
            with self.progress:
                self.progress.notify_all()

    def wait_for(self, count: int) -> int:
        with self.progress:
            assert self.progress.wait_for(lambda: self.committed >= count or self.error, timeout=60)
            assert self.error is None, self.error
            return self.committed


def pairs_in(app) -> Counter:
    with app.app_context():
        ids = db.session.scalars(select(AuditEvent.entity_id).where(AuditEvent.entity == "pair"))
        return Counter(entity_id.rsplit("-", 1)[0] for entity_id in ids)


def test_a_backup_taken_during_writes_restores_a_consistent_database(source, new_target, tmp_path):
    writer = PairWriter(source.app)
    writer.start()
    try:
        at_start = writer.wait_for(5)
        path = create_backup(source.app, tmp_path)
        writer.wait_for(writer.committed + 5)  # writes went on after the snapshot too
    finally:
        writer.stop.set()
        writer.join(timeout=60)
    assert writer.error is None, writer.error
    target = new_target()

    result = cli(target, "backup", "restore", str(path))

    assert result.exit_code == 0, result.output
    assert "audit chain intact" in result.output
    restored = pairs_in(target)
    assert set(restored.values()) == {2}  # every pair complete: no transaction cut in two
    assert at_start <= len(restored) < writer.committed  # the snapshot fell among the writes
    with target.app_context():
        assert verify_chain(db.session).ok
    with source.app.app_context():
        assert verify_chain(db.session).ok


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="the psql transaction of PostgreSQL")
def test_a_forced_restore_that_fails_half_way_changes_nothing(new_target, tmp_path):
    """The backup creates a schema the target already has: the restore fails after emptying the target's."""
    origin = new_target(migrated=True)
    with origin.app_context():
        db.session.execute(text("CREATE SCHEMA extra"))
        db.session.commit()
    path = create_backup(origin, tmp_path)
    target = new_target(migrated=True)
    with target.app_context():
        db.session.execute(text("CREATE SCHEMA extra"))
        db.session.commit()
    before = fingerprint(target)

    result = cli(target, "backup", "restore", "--force", str(path))

    assert result.exit_code == 1
    assert "rolled back, nothing was changed" in result.output and 'schema "extra" already exists' in result.output
    assert fingerprint(target) == before
