"""`flask retention run`: time travel, idempotence, dry run, canaries, audit (docs/security.md, S26)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from mediation.auth.models import LoginFailure
from mediation.cases.models import Case, Note, Participant, Person, Screening
from mediation.core.audit import AuditEvent, verify_chain
from mediation.counselling.models import CounsellingSession, FollowUpAction, SessionRevision
from mediation.extensions import db
from mediation.outbox.models import OutboxMessage
from mediation.subject_requests.models import DataSubjectRequest
from tests.retention.fixtures import TODAY, anonymised_at, case_markers, closed_case, decrypted_texts

# Date-sensitive (retention cut-offs): every test runs under the
# instants of ANY_HOUR_DEFAULT (tests/conftest.py; T1).
pytestmark = pytest.mark.usefixtures("any_hour")


@pytest.fixture
def ctx(app, world):
    with app.app_context():
        yield db.session


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["retention", "run", "--today", TODAY.isoformat(), *args])


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def test_a_case_closed_61_months_ago_is_anonymised_and_one_closed_59_months_ago_is_not(app, ctx):
    expired, kept = closed_case("old", 61), closed_case("new", 59)
    db.session.commit()

    result = run(app)

    assert result.exit_code == 0, result.output
    assert f"anonymised: {expired.reference}" in result.output and kept.reference not in result.output
    assert anonymised_at(expired) is not None and anonymised_at(kept) is None
    texts = decrypted_texts()
    left = {field for field, marker in case_markers(expired).items() if any(marker in text for text in texts)}
    assert left == set(), f"free text or identity left after anonymisation: {sorted(left)}"
    assert set(case_markers(kept, purged_anyway=False).values()) <= texts, "the case still in retention lost data"

    person = db.session.get(Person, expired.person_id)
    assert person.anonymised_at is not None and person.full_name == ""
    assert (person.identity_bidx, person.name_bidx, person.phone_bidx, person.phone) == (None, None, None, None)
    # The statistical fields stay: codes, dates, rows the statistics count.
    case = db.session.get(Case, expired.id)
    assert (case.status.value, case.outcome.value, case.reference) == ("closed", "agreement_partial", expired.reference)
    assert db.session.scalar(select(func.count()).select_from(CounsellingSession)
                             .where(CounsellingSession.case_id == expired.id)) == 1
    participant = db.session.scalar(select(Participant).where(Participant.case_id == expired.id))
    assert db.session.scalar(select(Screening.result).where(Screening.participant_id == participant.id)) is not None
    # Rows that are only free text are gone.
    assert db.session.scalar(select(func.count()).select_from(Note).where(Note.case_id == expired.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(FollowUpAction)
                             .where(FollowUpAction.case_id == expired.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(SessionRevision).join(CounsellingSession)
                             .where(CounsellingSession.case_id == expired.id)) == 0

    anonymised = events("anonymised")
    assert [(e.entity, e.entity_id, e.actor_role) for e in anonymised] == [("case", expired.public_id, "system")]
    assert verify_chain(db.session).ok


def test_a_second_run_changes_nothing(app, ctx):
    expired = closed_case("twice", 61)
    db.session.commit()
    assert run(app).exit_code == 0
    first_at = anonymised_at(expired)
    audit_count = db.session.scalar(select(func.count()).select_from(AuditEvent))
    texts = decrypted_texts()

    again = run(app)

    assert again.exit_code == 0, again.output
    assert "cases anonymised: 0" in again.output
    assert anonymised_at(expired) == first_at
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audit_count
    assert decrypted_texts() == texts


def test_dry_run_lists_the_case_and_changes_nothing(app, ctx):
    expired = closed_case("dry", 61)
    db.session.add(LoginFailure(name_key=b"k" * 32, at=expired_instant()))
    db.session.commit()
    audit_count = db.session.scalar(select(func.count()).select_from(AuditEvent))
    texts = decrypted_texts()

    result = run(app, "--dry-run")

    assert result.exit_code == 0, result.output
    assert f"would anonymise: {expired.reference}" in result.output
    assert "1 failed-login record(s)" in result.output
    assert anonymised_at(expired) is None
    assert decrypted_texts() == texts
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audit_count
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 1


def expired_instant():
    from datetime import UTC, datetime

    return datetime(2020, 1, 1, tzinfo=UTC)


def test_a_person_with_a_case_still_in_retention_keeps_their_identity(app, ctx):
    name = "Youssef Shared Party"
    expired = closed_case("shared-old", 61, name=name)
    kept = closed_case("shared-new", 30, name=name)
    assert expired.person_id == kept.person_id  # one identity, found again through the blind index
    db.session.commit()

    assert run(app).exit_code == 0

    person = db.session.get(Person, expired.person_id)
    assert anonymised_at(expired) is not None and person.anonymised_at is None
    assert person.full_name.startswith("CANARY-shared-new-person.full_name")
    assert person.identity_bidx is not None
    # Their request register entry keeps its notes while they are still a party of a live case.
    assert db.session.scalar(select(func.count()).select_from(DataSubjectRequest).where(
        DataSubjectRequest.person_id == person.id, DataSubjectRequest.request_note.is_not(None))) == 2


def test_expired_records_of_the_other_classes_are_purged(app, ctx):
    from datetime import UTC, datetime, timedelta

    now = datetime(2031, 6, 16, 12, 0, tzinfo=UTC)
    old_sent = OutboxMessage(kind="staff_agenda", dedupe_key="agenda:old", recipient="a@example.org", subject="s",
                             body="b", language="fr", status="sent", created_at=now - timedelta(days=200))
    recent_sent = OutboxMessage(kind="staff_agenda", dedupe_key="agenda:recent", recipient="b@example.org",
                                subject="s", body="b", language="fr", status="sent",
                                created_at=now - timedelta(days=10))
    old_pending = OutboxMessage(kind="staff_agenda", dedupe_key="agenda:pending", recipient="c@example.org",
                                subject="s", body="b", language="fr", status="pending",
                                created_at=now - timedelta(days=200))
    db.session.add_all([old_sent, recent_sent, old_pending,
                        LoginFailure(name_key=b"o" * 32, at=now - timedelta(days=40)),
                        LoginFailure(name_key=b"n" * 32, at=now - timedelta(days=1))])
    db.session.commit()

    result = run(app)

    assert result.exit_code == 0, result.output
    keys = set(db.session.scalars(select(OutboxMessage.dedupe_key)))
    assert {"agenda:recent", "agenda:pending"} <= keys and "agenda:old" not in keys
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 1
    purged = {e.entity: e.entity_id for e in events("purged")}
    assert purged == {"outbox_message": "1", "login_failure": "1"}
    assert verify_chain(db.session).ok


@pytest.mark.parametrize("value", ["0", "-5", "abc", "1.5", "", 0, -1])
def test_a_zero_negative_or_non_integer_period_is_refused_and_nothing_changes(app, ctx, monkeypatch, value):
    expired = closed_case("refused", 61)
    db.session.commit()
    monkeypatch.setitem(app.config, "RETENTION_CLOSED_CASE_MONTHS", value)

    result = run(app)

    assert result.exit_code == 2
    assert "RETENTION_CLOSED_CASE_MONTHS" in result.output
    assert anonymised_at(expired) is None
    assert events("anonymised") == []
