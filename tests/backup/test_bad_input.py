"""Bad backups and bad targets are refused with a clear message, and nothing is overwritten.

Each damaged file is refused by `verify`, by a restore into an empty database
(which stays empty) and by a forced restore into a database in use (which
keeps every row as it was): --force allows replacing a database, never with
an unchecked file.
"""

from __future__ import annotations

import io
import os

import pytest

from mediation.backup.archive import read_header, seal, unseal
from tests.backup.conftest import app_on, cli, configured, create_backup, dispose, fingerprint, keys_of

# On one worker, so that the session's source database (tests/backup/conftest.py) is built once.
pytestmark = [pytest.mark.no_db_transaction, pytest.mark.xdist_group("backup")]

NEWER_REVISION = "ffffffffffff"


@pytest.fixture(scope="module")
def good_backup(source, tmp_path_factory):
    return create_backup(source.app, tmp_path_factory.mktemp("backups"))


@pytest.fixture(scope="module")
def targets(source, fresh_app, good_backup):
    """An empty database, and a database in use (restored from the good backup, then written to)."""
    empty, used = (fresh_app(migrated=False, **keys_of(source.app)) for _ in range(2))
    assert cli(used, "backup", "restore", str(good_backup)).exit_code == 0
    assert cli(used, "backup", "create", str(good_backup.parent / "used")).exit_code == 0
    yield empty, used
    dispose(empty)
    dispose(used)


def flipped(data: bytes, offset: int) -> bytes:
    damaged = bytearray(data)
    damaged[offset] ^= 0x01
    return bytes(damaged)


def header_value_offset(data: bytes, name: str) -> int:
    return data.index(f'"{name}":"'.encode()) + len(name) + 5


def newer_schema(data: bytes, keys: dict[int, bytes], scratch) -> bytes:
    """The same database, sealed with the real key under a header claiming a revision unknown here."""
    payload = scratch / "payload"
    with open(payload, "wb") as out:
        header = unseal(io.BytesIO(data), keys, out.write)
    fields = {name: header[name] for name in ("backup_id", "created_at", "dialect", "app_version")}
    out = io.BytesIO()
    seal(payload, out, {**fields, "revision": NEWER_REVISION, "app_version": "9.0.0"}, 1, keys[1])
    return out.getvalue()


DAMAGE = {
    # name: (make the bad bytes from the good ones, the message expected)
    "cut in half": (lambda data, keys, tmp: data[:len(data) // 2], "truncated"),
    "last byte missing": (lambda data, keys, tmp: data[:-1], "truncated"),
    "cut inside the header": (lambda data, keys, tmp: data[:40], "truncated (it ends inside its header)"),
    "header byte flipped": (lambda data, keys, tmp: flipped(data, header_value_offset(data, "payload_sha256")),
                            "damaged or was altered (chunk 0 does not authenticate)"),
    "revision in header edited": (
        lambda data, keys, tmp: data.replace(read_header(io.BytesIO(data))[0]["revision"].encode(), b"0" * 12, 1),
        "damaged or was altered (chunk 0 does not authenticate)"),
    "payload byte flipped": (lambda data, keys, tmp: flipped(data, len(data) * 2 // 3), "damaged or was altered"),
    "tag byte flipped": (lambda data, keys, tmp: flipped(data, len(data) - 1), "damaged or was altered"),
    "bytes appended": (lambda data, keys, tmp: data + b"\x00" * 8, "data after its last chunk"),
    "not a backup": (lambda data, keys, tmp: b"SQLite format 3\x00" + os.urandom(4096),
                     "not a mediation backup file"),
    "newer schema": (newer_schema, f"schema revision {NEWER_REVISION} is unknown to this version"),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_or_newer_backup_is_refused_and_nothing_is_overwritten(source, good_backup, targets, tmp_path,
                                                                         damage):
    make, message = DAMAGE[damage]
    bad = tmp_path / "bad.backup"
    bad.write_bytes(make(good_backup.read_bytes(), source.app.config["BACKUP_KEYS"], tmp_path))
    empty, used = targets
    before = fingerprint(empty), fingerprint(used)
    assert before[0] == [] and before[1]

    outcomes = [cli(empty, "backup", "verify", str(bad)), cli(empty, "backup", "restore", str(bad)),
                cli(used, "backup", "restore", "--force", str(bad))]

    for result in outcomes:
        assert result.exit_code == 1, result.output
        assert message in result.output
        assert "Traceback" not in result.output
    assert (fingerprint(empty), fingerprint(used)) == before


def test_a_wrong_backup_key_is_refused_and_nothing_is_overwritten(good_backup, targets):
    empty, used = targets
    before = fingerprint(empty), fingerprint(used)
    other_key = {1: os.urandom(32)}
    for app, args in ((empty, ("verify",)), (empty, ("restore",)), (used, ("restore", "--force"))):
        with configured(app, BACKUP_KEYS=other_key):
            result = cli(app, "backup", *args, str(good_backup))
        assert result.exit_code == 1
        assert "wrong backup key: MEDIATION_BACKUP_KEY (key id 1) does not open this backup" in result.output
    assert (fingerprint(empty), fingerprint(used)) == before


def test_a_database_in_use_is_not_overwritten_without_force(good_backup, targets):
    _empty, used = targets
    before = fingerprint(used)
    result = cli(used, "backup", "restore", str(good_backup))
    assert result.exit_code == 1
    assert "the target database is not empty" in result.output and "--force" in result.output
    assert fingerprint(used) == before


def test_a_missing_file_is_refused(targets, tmp_path):
    empty, _used = targets
    result = cli(empty, "backup", "restore", str(tmp_path / "nothing.backup"))
    assert result.exit_code == 1 and "cannot read" in result.output
    assert fingerprint(empty) == []


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs both backends")
def test_a_backup_of_the_other_database_kind_is_refused(source, good_backup, tmp_path):
    sqlite_target = app_on(f"sqlite:///{tmp_path / 'target.db'}", source.app)
    try:
        result = cli(sqlite_target, "backup", "restore", str(good_backup))
        assert result.exit_code == 1
        assert "the backup is of a postgresql database; the configured database is sqlite" in result.output
        assert fingerprint(sqlite_target) == []
    finally:
        dispose(sqlite_target)
