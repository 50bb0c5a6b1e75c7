"""The audit chain (docs/security.md, S27-S29, V3).

Pure property tests of the verifier, then the real table on the backend under
test: append-only triggers, `flask audit verify`, and fault injection on the
audit insert (S28).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from mediation.accounts.models import StaffUser
from mediation.core import audit
from mediation.core.audit import (
    BODY_FIELDS,
    GENESIS_HASH,
    AuditAction,
    AuditEvent,
    AuditHead,
    AuditOutcome,
    StoredEvent,
    canonical_body,
    chain_hash,
    record,
    verify_chain,
    verify_entries,
)
from mediation.extensions import db
from tests.conftest import login

CANARY_USER = "canary-user-5f0c1e9a"


# ---------------------------------------------------------------------------
# Pure chain: building, mutating and verifying lists of StoredEvent
# ---------------------------------------------------------------------------

ACTIONS = [str(action) for action in AuditAction]
OUTCOMES = [str(outcome) for outcome in AuditOutcome]


def event_fields(seq: int, salt: int) -> dict:
    """Body fields shaped as record() writes them."""
    return {
        "seq": seq,
        "at": datetime.fromtimestamp(1_790_000_000 + seq * 7 + salt % 1000, UTC).isoformat(
            timespec="microseconds"
        ),
        "action": ACTIONS[(seq + salt) % len(ACTIONS)],
        "outcome": OUTCOMES[(seq * 3 + salt) % len(OUTCOMES)],
        "actor_id": None if (seq + salt) % 5 == 0 else (seq * 31 + salt) % 997,
        "actor_role": "mediator" if seq % 2 else None,
        "association_id": (salt + seq) % 4 or None,
        "entity": "staff_user" if seq % 3 else None,
        "entity_id": f"{seq:08x}-{salt:04x}" if seq % 3 else None,
        "request_id": f"{(salt * seq) % 2**64:016x}",
    }


def make_event(key: bytes, previous: bytes, fields: dict) -> StoredEvent:
    body = canonical_body(fields)
    return StoredEvent(fields["seq"], body, chain_hash(key, previous, body), dict(fields))


def build_chain(key: bytes, length: int, salt: int) -> list[StoredEvent]:
    chain, previous = [], GENESIS_HASH
    for seq in range(1, length + 1):
        event = make_event(key, previous, event_fields(seq, salt))
        chain.append(event)
        previous = event.hash
    return chain


def head_of(chain: list[StoredEvent]) -> tuple[int, bytes]:
    return (chain[-1].seq, chain[-1].hash) if chain else (0, GENESIS_HASH)


def flip(data: bytes, position: int, mask: int) -> bytes:
    position %= len(data)
    return data[:position] + bytes([data[position] ^ mask]) + data[position + 1:]


def renumbered(event: StoredEvent, seq: int) -> StoredEvent:
    # The seq column and its indexed copy change together, as an UPDATE would do.
    return replace(event, seq=seq, columns={**event.columns, "seq": seq})


MUTATIONS = (
    "flip_body",
    "flip_hash",
    "edit_column",
    "delete",
    "insert_forged",
    "append_forged",
    "swap",
    "swap_keep_seq",
    "renumber",
    "cut_tail",
    "cut_before_anchor",
)


@st.composite
def tampered_chains(draw, mutations=MUTATIONS):
    """(chain, key, head, anchor, expected first bad seq, mutation name)."""
    key = draw(st.binary(min_size=32, max_size=32))
    length = draw(st.integers(10, 300))
    salt = draw(st.integers(0, 2**16))
    chain = build_chain(key, length, salt)
    head, anchor = head_of(chain), None
    mutation = draw(st.sampled_from(mutations))
    k = draw(st.integers(1, length))  # the seq (1-based position) the mutation targets
    i = k - 1
    if mutation == "flip_body":
        body = flip(chain[i].body, draw(st.integers(0, 10_000)), draw(st.integers(1, 255)))
        chain[i] = replace(chain[i], body=body)
        expected = k
    elif mutation == "flip_hash":
        digest = flip(chain[i].hash, draw(st.integers(0, 31)), draw(st.integers(1, 255)))
        chain[i] = replace(chain[i], hash=digest)
        expected = k
    elif mutation == "edit_column":
        # The indexed copy of a field is rewritten; the signed body is left alone.
        name = draw(st.sampled_from([n for n in BODY_FIELDS if n != "seq"]))
        value = chain[i].columns[name]
        forged = "forged" if value is None or isinstance(value, str) else value + 1
        chain[i] = replace(chain[i], columns={**chain[i].columns, name: forged})
        expected = k
    elif mutation == "delete":
        del chain[i]  # the head still names the real last event
        expected = k
    elif mutation in ("insert_forged", "append_forged"):
        if mutation == "append_forged":
            k, i = length + 1, length
        forger_key = draw(st.binary(min_size=32, max_size=32).filter(lambda other: other != key))
        previous = chain[i - 1].hash if i else GENESIS_HASH
        forged = make_event(forger_key, previous, event_fields(k, salt + 1))
        chain.insert(i, forged)
        if draw(st.booleans()):  # the forger also renumbers what follows
            chain[i + 1:] = [renumbered(event, event.seq + 1) for event in chain[i + 1:]]
        if mutation == "append_forged" or draw(st.booleans()):
            head = head_of(chain)  # and may rewrite the head to match
        expected = k
    elif mutation in ("swap", "swap_keep_seq"):
        k = min(k, length - 1)
        i = k - 1
        first, second = chain[i], chain[i + 1]
        if mutation == "swap_keep_seq":  # entries exchanged, seq columns rewritten in order
            first, second = renumbered(first, k + 1), renumbered(second, k)
        chain[i], chain[i + 1] = second, first
        expected = k
    elif mutation == "renumber":
        new_seq = draw(st.integers(-3, length + 10).filter(lambda seq: seq != k))
        chain[i] = renumbered(chain[i], new_seq)
        expected = k
    elif mutation == "cut_tail":
        m = k - 1  # keep seq 1..m; the head still names the real last event
        del chain[m:]
        expected = m + 1
    else:  # cut_before_anchor
        # The anchored event a and everything after m < a are removed, and the
        # head is rewritten to match the shortened chain: only the anchor tells.
        a = draw(st.integers(k, length))
        anchor = (a, chain[a - 1].hash)
        m = k - 1
        del chain[m:]
        head = head_of(chain)
        expected = m + 1  # the first missing event
    return chain, key, head, anchor, expected, mutation


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.binary(min_size=32, max_size=32), length=st.integers(10, 300), salt=st.integers(0, 2**16),
       data=st.data())
def test_untouched_chain_verifies_with_and_without_an_anchor(key, length, salt, data):
    chain = build_chain(key, length, salt)
    report = verify_entries(chain, key, head_of(chain))
    assert report.ok and report.checked == length and report.first_bad_seq is None
    assert report.head_seq == length and report.head_hash == chain[-1].hash.hex()
    a = data.draw(st.integers(1, length))
    assert verify_entries(chain, key, head_of(chain), anchor=(a, chain[a - 1].hash)).ok


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=tampered_chains())
def test_every_single_mutation_is_detected_at_the_first_bad_seq(case):
    chain, key, head, anchor, expected, mutation = case
    report = verify_entries(chain, key, head, anchor)
    assert not report.ok, mutation
    assert report.first_bad_seq == expected, (mutation, report)
    assert report.checked == expected - 1, (mutation, report)  # every event before it verified
    assert report.reason


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_each_mutation_kind_is_reachable(mutation):
    """Guard the property test: every mutation kind is generated and detected."""

    @settings(max_examples=5, deadline=None, database=None)
    @given(case=tampered_chains((mutation,)))
    def check(case):
        chain, key, head, anchor, expected, name = case
        assert name == mutation
        report = verify_entries(chain, key, head, anchor)
        assert not report.ok and report.first_bad_seq == expected

    check()


def test_exhaustive_sweep_of_single_mutations_on_one_chain():
    """Every mutation at every position of a 40-event chain: >= 1,000 cases, 100 % detected (S29)."""
    key, length = bytes(range(32, 64)), 40
    chain = build_chain(key, length, 3)
    head = head_of(chain)
    cases = []  # (entries, head, anchor, expected)
    for k in range(1, length + 1):
        i = k - 1
        for position in (0, len(chain[i].body) // 2, len(chain[i].body) - 1):
            cases.append((chain[:i] + [replace(chain[i], body=flip(chain[i].body, position, 0x01))] + chain[k:],
                          head, None, k))
        cases.append((chain[:i] + [replace(chain[i], hash=flip(chain[i].hash, 31, 0x80))] + chain[k:], head, None, k))
        cases.append((chain[:i] + chain[k:], head, None, k))
        cases.append((chain[:i] + [renumbered(chain[i], k + 1)] + chain[k:], head, None, k))
        cases.append((chain[:i] + [renumbered(chain[i], k - 1)] + chain[k:], head, None, k))
        cases.append((chain[:i] + [replace(chain[i], columns={**chain[i].columns, "action": "view" if
                      chain[i].columns["action"] != "view" else "update"})] + chain[k:], head, None, k))
        forged = make_event(bytes(32), chain[i - 1].hash if i else GENESIS_HASH, event_fields(k, 99))
        cases.append((chain[:i] + [forged] + chain[i:], head, None, k))
        if k < length:
            cases.append((chain[:i] + [chain[k], chain[i]] + chain[k + 1:], head, None, k))
        m = k - 1
        cases.append((chain[:m], head, None, m + 1))
        for a in range(k, length + 1):
            cases.append((chain[:m], head_of(chain[:m]), (a, chain[a - 1].hash), m + 1))
    assert len(cases) >= 1000
    missed = [(expected, report) for entries, h, anchor, expected in cases
              if (report := verify_entries(entries, key, h, anchor)).ok or report.first_bad_seq != expected]
    assert missed == []


def test_cut_tail_reasons():
    key = bytes(range(32))
    chain = build_chain(key, 12, 7)
    report = verify_entries(chain[:5], key, head_of(chain))
    assert (report.first_bad_seq, report.checked) == (6, 5)
    assert "head" in report.reason
    anchored = verify_entries(chain[:5], key, head_of(chain[:5]), anchor=(9, chain[8].hash))
    assert (anchored.ok, anchored.first_bad_seq, anchored.checked) == (False, 6, 5)
    assert anchored.reason == "anchored event missing"
    wrong = verify_entries(chain, key, head_of(chain), anchor=(9, chain[7].hash))
    assert (wrong.ok, wrong.first_bad_seq, wrong.reason) == (False, 9, "differs from the anchor")
    # Another key verifies nothing.
    assert verify_entries(chain, bytes(32), head_of(chain)).first_bad_seq == 1


def test_body_that_is_not_canonical_json_is_refused():
    key = bytes(range(32))
    chain = build_chain(key, 3, 0)
    # Re-signed with the right key but not in canonical form (spaces): refused anyway.
    loose = json.dumps(chain[1].columns).encode()
    resigned = StoredEvent(2, loose, chain_hash(key, chain[0].hash, loose), chain[1].columns)
    report = verify_entries([chain[0], resigned], key, (2, resigned.hash))
    assert (report.first_bad_seq, report.reason) == (2, "columns differ from the signed body")
    garbage = b"\xff not json"
    signed = StoredEvent(2, garbage, chain_hash(key, chain[0].hash, garbage), chain[1].columns)
    report = verify_entries([chain[0], signed], key, (2, signed.hash))
    assert (report.first_bad_seq, report.reason) == (2, "body is not canonical JSON")


# ---------------------------------------------------------------------------
# The real table
# ---------------------------------------------------------------------------


def is_postgresql(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


def head_seq(session) -> int:
    return session.scalar(select(AuditHead.seq).where(AuditHead.id == 1))


def allow_tampering(app, session) -> None:
    """Switch the append-only guard off inside the test's rolled-back transaction."""
    if is_postgresql(app):
        session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change"))
    else:
        session.execute(text("DROP TRIGGER audit_event_no_update"))
        session.execute(text("DROP TRIGGER audit_event_no_delete"))


def test_recorded_events_verify_and_hold_ids_and_codes_only(app, world):
    with app.app_context():
        session = db.session
        before = head_seq(session)
        assert before > 0  # the world fixture's accounts were audited
        recorded = [
            record(session, AuditAction.VIEW, entity="staff_user", entity_id=7, actor_id=3,
                   actor_role="mediator", association_id=world.association_a),
            record(session, AuditAction.UPDATE, outcome=AuditOutcome.DENIED, entity="endpoint",
                   entity_id="main.home", actor_role="cli"),
            record(session, AuditAction.LOGOUT),
        ]
        session.commit()
        assert [event.seq for event in recorded] == [before + 1, before + 2, before + 3]
        report = verify_chain(session)
        assert report.ok, report
        assert report.checked == report.head_seq == before + 3
        assert report.head_hash == recorded[-1].hash.hex()
        # The verifier leaves the caller's objects usable.
        assert recorded[0].entity_id == "7"

        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        assert [row.seq for row in rows] == list(range(1, before + 4))
        for row in rows:
            body = json.loads(row.body)
            assert tuple(sorted(body)) == tuple(sorted(BODY_FIELDS))
            assert row.body == canonical_body(body)
            for name, value in body.items():
                assert value is None or isinstance(value, int) or (
                    isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9_.:+\-]{1,64}", value)
                ), (name, value)
        last = json.loads(rows[-1].body)
        assert last["action"] == "logout" and last["actor_id"] is None and last["request_id"] is None
        first_new = json.loads(rows[before].body)
        assert first_new == {
            "seq": before + 1, "at": first_new["at"], "action": "view", "outcome": "success",
            "actor_id": 3, "actor_role": "mediator", "association_id": world.association_a,
            "entity": "staff_user", "entity_id": "7", "request_id": None,
        }


def test_login_events_carry_ids_never_the_typed_name_or_password(app, client, world):
    with app.app_context():
        before = head_seq(db.session)
    assert login(client, CANARY_USER, "canary-password-0c9d").status_code == 401
    assert login(client, world.usernames["mediator_a1"], "canary-password-0c9d").status_code == 401
    assert login(client, world.usernames["mediator_a1"]).status_code == 302
    assert client.post("/logout").status_code == 302
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == world.usernames["mediator_a1"]))
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.seq > before).order_by(AuditEvent.seq)).all()
        assert [(e.action, e.outcome) for e in events] == [
            ("login_failed", "failure"), ("login_failed", "failure"), ("login", "success"), ("logout", "success"),
        ]
        unknown, wrong, ok, logout = events
        assert (unknown.actor_id, unknown.actor_role, unknown.entity, unknown.entity_id) == (
            None, "anonymous", None, None)
        assert (wrong.actor_id, wrong.entity_id) == (user.id, str(user.public_id))
        # Logout takes the actor from the logged-in user and the request id from the request.
        assert (logout.actor_id, logout.actor_role, logout.association_id) == (user.id, "mediator", world.association_a)
        assert re.fullmatch(r"[0-9a-f]{16}", logout.request_id) and logout.request_id != ok.request_id
        for event in events:
            assert b"canary" not in event.body.lower()
            assert world.usernames["mediator_a1"].encode() not in event.body
        assert verify_chain(db.session).ok


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET action = 'view'",
    "UPDATE audit_event SET body = body WHERE seq = 1",
    "DELETE FROM audit_event WHERE seq = 1",
    "DELETE FROM audit_event",
])
def test_update_and_delete_of_audit_rows_are_refused(app, world, statement):
    with app.app_context():
        session = db.session
        count = session.scalar(select(db.func.count()).select_from(AuditEvent))
        assert count > 0
        with pytest.raises(DatabaseError, match="append-only"):
            with session.begin_nested():
                session.execute(text(statement))
        assert session.scalar(select(db.func.count()).select_from(AuditEvent)) == count
        assert verify_chain(session).ok


def test_truncate_is_refused_on_postgresql(app, world):
    if not is_postgresql(app):
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    with app.app_context():
        with pytest.raises(DatabaseError, match="append-only"):
            with db.session.begin_nested():
                db.session.execute(text("TRUNCATE audit_event"))
        assert verify_chain(db.session).ok


def test_verifier_reads_the_stored_rows_not_the_session_copies(app, world):
    with app.app_context():
        session = db.session
        events = [record(session, AuditAction.VIEW, entity="case", entity_id=n, actor_role="cli") for n in range(3)]
        allow_tampering(app, session)
        session.execute(update(AuditEvent).where(AuditEvent.seq == events[1].seq).values(entity_id="999")
                        .execution_options(synchronize_session=False))
        report = verify_chain(session)
        assert not report.ok
        assert (report.first_bad_seq, report.reason) == (events[1].seq, "columns differ from the signed body")


def run_verify(app, *args):
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


def test_cli_verify_reports_an_intact_chain_and_accepts_its_own_head_as_anchor(app, world):
    result = run_verify(app)
    assert result.exit_code == 0, result.output
    match = re.fullmatch(r"audit chain intact: (\d+) events, head (\d+):([0-9a-f]{64})\n", result.output)
    assert match and match[1] == match[2] and int(match[1]) > 0
    with app.app_context():
        head = db.session.execute(select(AuditHead.seq, AuditHead.hash)).one()
    assert (int(match[2]), match[3]) == (head.seq, head.hash.hex())
    anchored = run_verify(app, "--anchor", f"{match[2]}:{match[3]}")
    assert anchored.exit_code == 0 and "intact" in anchored.output
    other = run_verify(app, "--anchor", f"{match[2]}:{'00' * 32}")
    assert other.exit_code == 1
    assert f"BROKEN at event {match[2]}: differs from the anchor" in other.output


@pytest.mark.parametrize("tamper", ["column", "body", "hash", "delete"])
def test_cli_verify_names_the_tampered_event(app, world, tamper):
    with app.app_context():
        session = db.session
        assert head_seq(session) >= 4
        allow_tampering(app, session)
        statement = {
            "column": "UPDATE audit_event SET association_id = 424242 WHERE seq = 3",
            "body": "UPDATE audit_event SET body = :body WHERE seq = 3",
            "hash": "UPDATE audit_event SET hash = :hash WHERE seq = 3",
            "delete": "DELETE FROM audit_event WHERE seq = 3",
        }[tamper]
        stored = session.execute(select(AuditEvent.body, AuditEvent.hash).where(AuditEvent.seq == 3)).one()
        parameters = {"body": {"body": stored.body.replace(b'"seq":3', b'"seq":3 ')},
                      "hash": {"hash": flip(stored.hash, 0, 1)}}.get(tamper, {})
        session.execute(text(statement), parameters)
        session.commit()  # releases the savepoint only; the test transaction is rolled back
    result = run_verify(app)
    assert result.exit_code == 1
    assert "intact" not in result.output
    assert "audit chain BROKEN at event 3:" in result.output


@pytest.mark.parametrize("value", ["abc", "x:00", "12", "3:zz", "3:abcd", "0:" + "00" * 32, "-1:" + "00" * 32,
                                   "1:" + "00" * 33])
def test_cli_verify_refuses_a_malformed_anchor(app, value):
    result = run_verify(app, "--anchor", value)
    assert result.exit_code == 2, result.output
    assert "--anchor" in result.output and "expected SEQ:HEX" in result.output


# ---------------------------------------------------------------------------
# S28: no change without its audit entry
# ---------------------------------------------------------------------------

PREVIOUS_LOGIN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def break_hmac(app, monkeypatch):
    def failing_hash(*_args):
        raise RuntimeError("audit hash unavailable")

    monkeypatch.setattr(audit, "chain_hash", failing_hash)


def remove_head(app, monkeypatch):
    with app.app_context():
        db.session.execute(delete(AuditHead))
        db.session.commit()


def rewind_head(app, monkeypatch):
    # The next insert reuses seq 1: the database refuses the audit row itself.
    with app.app_context():
        db.session.execute(update(AuditHead).values(seq=0, hash=GENESIS_HASH))
        db.session.commit()


@pytest.mark.parametrize("fault", [break_hmac, remove_head, rewind_head])
def test_login_fails_whole_when_its_audit_entry_cannot_be_written(app, client, world, monkeypatch, fault):
    username = world.usernames["supervisor_a"]
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
        user.last_login_at = PREVIOUS_LOGIN
        db.session.commit()
        events_before = db.session.scalar(select(db.func.count()).select_from(AuditEvent))
    fault(app, monkeypatch)
    with app.app_context():
        head_before = db.session.execute(select(AuditHead.seq, AuditHead.hash)).all()

    response = login(client, username)
    assert response.status_code == 500
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
        assert user.last_login_at == PREVIOUS_LOGIN  # nothing half-saved
        assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)) == events_before
        assert db.session.execute(select(AuditHead.seq, AuditHead.hash)).all() == head_before
    # No session was opened either.
    home = client.get("/")
    assert home.status_code == 302 and "/login" in home.headers["Location"]
