"""The archive format alone (mediation/backup/archive.py): sealing, and every kind of damage refused.

Small chunks make many of them, so moving, dropping and cutting chunks is tested
on payloads of a few hundred bytes.
"""

from __future__ import annotations

import io
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediation.backup.archive import CHUNK_HEAD, PREFIX, ArchiveError, read_header, seal, unseal

pytestmark = pytest.mark.no_db_transaction

KEY = bytes(range(32))
FIELDS = {"backup_id": "b" * 32, "created_at": "2026-11-30T02:00:00+00:00", "dialect": "sqlite",
          "revision": "c84a57f6bbf5", "app_version": "0.1.0"}
SMALL_CHUNK = 32


def sealed(tmp_path, payload: bytes, *, key_id: int = 1, key: bytes = KEY, fields=FIELDS) -> bytes:
    plain = tmp_path / "plain"
    plain.write_bytes(payload)
    out = io.BytesIO()
    seal(plain, out, fields, key_id, key, chunk_size=SMALL_CHUNK)
    return out.getvalue()


def opened(archive: bytes, keys=None) -> tuple[dict, bytes]:
    received = bytearray()
    header = unseal(io.BytesIO(archive), keys or {1: KEY}, received.extend)
    return header, bytes(received)


def chunk_offsets(archive: bytes) -> list[tuple[int, int]]:
    """(start, end) of every chunk record."""
    position = PREFIX.size + PREFIX.unpack(archive[:PREFIX.size])[2]
    offsets = []
    while position < len(archive):
        _last, length = CHUNK_HEAD.unpack(archive[position:position + CHUNK_HEAD.size])
        end = position + CHUNK_HEAD.size + length
        offsets.append((position, end))
        position = end
    return offsets


@pytest.mark.parametrize("size", [0, 1, SMALL_CHUNK - 1, SMALL_CHUNK, SMALL_CHUNK + 1, 5 * SMALL_CHUNK, 333])
def test_round_trip_at_every_chunk_boundary(tmp_path, size):
    payload = os.urandom(size)
    archive = sealed(tmp_path, payload)
    header, received = opened(archive)
    assert received == payload
    assert header["payload_size"] == size and header["revision"] == "c84a57f6bbf5" and header["key_id"] == 1
    assert len(chunk_offsets(archive)) == max(1, -(-size // SMALL_CHUNK))
    if size >= 16:  # shorter random bytes may turn up anywhere by chance
        assert payload not in archive  # the payload is not stored in clear


def test_header_holds_no_key_and_the_key_id_of_the_ring(tmp_path):
    archive = sealed(tmp_path, b"payload", key_id=7, key=KEY)
    header, _digest = read_header(io.BytesIO(archive))
    assert header["key_id"] == 7
    assert KEY not in archive and KEY.hex() not in archive.decode("latin-1")
    assert opened(archive, {3: os.urandom(32), 7: KEY})[1] == b"payload"


def test_wrong_key_and_missing_key_id_are_named(tmp_path):
    archive = sealed(tmp_path, b"payload")
    with pytest.raises(ArchiveError, match="wrong backup key: MEDIATION_BACKUP_KEY \\(key id 1\\)"):
        opened(archive, {1: os.urandom(32)})
    with pytest.raises(ArchiveError, match="backup key id 1, which is not in MEDIATION_BACKUP_KEY"):
        opened(archive, {2: KEY})


def test_not_a_backup_and_a_newer_format_are_refused(tmp_path):
    with pytest.raises(ArchiveError, match="not a mediation backup file"):
        opened(b"SQLite format 3\x00" + bytes(100))
    with pytest.raises(ArchiveError, match="not a mediation backup file"):
        opened(b"")
    archive = bytearray(sealed(tmp_path, b"payload"))
    archive[16:18] = (2).to_bytes(2, "big")
    with pytest.raises(ArchiveError, match="format 2 is newer"):
        opened(bytes(archive))


def test_moved_dropped_and_duplicated_chunks_are_refused(tmp_path):
    archive = sealed(tmp_path, os.urandom(4 * SMALL_CHUNK + 5))
    offsets = chunk_offsets(archive)
    start = offsets[0][0]
    chunks = [archive[a:b] for a, b in offsets]
    for shuffled in ([chunks[1], chunks[0], *chunks[2:]], chunks[:2] + chunks[3:], [chunks[0], *chunks],
                     chunks[:-1]):
        with pytest.raises(ArchiveError):
            opened(archive[:start] + b"".join(shuffled))


def test_data_after_the_last_chunk_is_refused(tmp_path):
    archive = sealed(tmp_path, b"payload")
    with pytest.raises(ArchiveError, match="after its last chunk"):
        opened(archive + b"\x00")


def test_a_header_from_another_archive_is_refused(tmp_path):
    first, second = sealed(tmp_path, b"same payload"), sealed(tmp_path, b"same payload")
    cut_first, cut_second = chunk_offsets(first)[0][0], chunk_offsets(second)[0][0]
    with pytest.raises(ArchiveError):
        opened(first[:cut_first] + second[cut_second:])


PAYLOADS = st.binary(min_size=0, max_size=6 * SMALL_CHUNK)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=PAYLOADS, where=st.floats(0, 1, exclude_max=True), bit=st.integers(0, 7))
def test_any_flipped_bit_is_refused(tmp_path, payload, where, bit):
    archive = bytearray(sealed(tmp_path, payload))
    archive[int(where * len(archive))] ^= 1 << bit
    with pytest.raises(ArchiveError):
        opened(bytes(archive))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=PAYLOADS, where=st.floats(0, 1, exclude_max=True))
def test_any_truncation_is_refused(tmp_path, payload, where):
    archive = sealed(tmp_path, payload)
    with pytest.raises(ArchiveError):
        opened(archive[:int(where * len(archive))])
