"""What anonymisation keeps (statistics), what it leaves on disk (nothing), and the pages that still render."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from config import ConfigurationError
from mediation import create_app
from mediation.core import clock
from mediation.extensions import db
from mediation.statistics import aggregate
from mediation.statistics.own_report import association_report
from mediation.statistics.release import build_release
from tests.cases.test_encryption_at_rest import raw_database
from tests.conftest import build_world, make_config
from tests.retention.fixtures import TODAY, anonymised_at, closed_case, stored_ciphertexts

RELEASE_NOW = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)


@pytest.fixture
def ctx(app, world):
    with app.app_context():
        yield db.session


def run(app):
    result = app.test_cli_runner().invoke(args=["retention", "run", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    return result


def figures(session, association_id: int, created: datetime) -> dict:
    """Every aggregate the ministry release and the association's own report compute for the period."""
    quarter = (created.month - 1) // 3 + 1
    bounds = aggregate.period_bounds(created.year, quarter)
    tables = {name: getattr(aggregate, name)(session, bounds) for name in (
        "cases_by_region", "cases_by_issue_group", "cases_by_child_band_and_issue", "cases_by_dv_and_region",
        "closures_by_outcome_group", "sessions_by_type")}
    cells = {name: {key: (stats.count, stats.key_sum, dict(stats.by_association))
                    for key, stats in table.items()} for name, table in tables.items()}
    return {"aggregate": cells, "own_report": repr(association_report(session, association_id, created.year, quarter))}


def release_files(session, release_id: str) -> dict:
    savepoint = session.begin_nested()
    release = build_release(session, release_id, now=RELEASE_NOW)
    files = {(f.table_id, f.format): f.content for f in release.files if f.format != "xlsx"}
    savepoint.rollback()
    session.expunge_all()
    return files


def test_statistics_rebuilt_after_anonymisation_give_the_same_figures(app, ctx, world):
    expired = closed_case("stat-old", 61)
    closed_case("stat-new", 59)  # not expired: it stays, and keeps counting
    db.session.commit()
    created = clock.now()
    release_id = f"{created.year}Q{(created.month - 1) // 3 + 1}"
    before = figures(db.session, world.association_a, created)
    files_before = release_files(db.session, release_id)
    assert sum(stats[0] for stats in before["aggregate"]["cases_by_region"].values()) >= 2  # the cases are counted

    run(app)

    assert anonymised_at(expired) is not None
    assert figures(db.session, world.association_a, created) == before
    assert release_files(db.session, release_id) == files_before


@pytest.mark.no_db_transaction
def test_no_ciphertext_of_the_anonymised_case_is_left_in_the_database_file(fresh_app):
    """S26: the removed values are not recoverable from the file (SQLite secure_delete, then a checkpoint)."""
    application = fresh_app()
    build_world(application)
    with application.app_context():
        expired = closed_case("disk-old", 61)
        closed_case("disk-new", 59)
        db.session.commit()
        before = stored_ciphertexts()
    run(application)
    with application.app_context():
        after = stored_ciphertexts()
        assert anonymised_at(expired) is not None
    removed = before - after
    assert len(removed) >= 25, "the anonymisation removed fewer values than the case holds"
    dump = raw_database(application)

    def stored(blob: bytes) -> bool:  # raw in the SQLite file, hex in pg_dump's bytea text
        return blob in dump or blob.hex().encode() in dump

    assert any(stored(blob) for blob in after), "the scan does not see the stored ciphertexts"
    assert [blob for blob in removed if stored(blob)] == []


def test_a_zero_period_stops_the_start_up_naming_the_variable(empty_database):
    with pytest.raises(ConfigurationError, match="RETENTION_OUTBOX_DAYS"):
        create_app(make_config(empty_database(), RETENTION_OUTBOX_DAYS="0"))


def test_pages_of_an_anonymised_case_still_render(app, world, login_as):
    from sqlalchemy import select

    from mediation.counselling.models import CounsellingSession

    with app.app_context():
        expired = closed_case("pages", 61)
        session_id = db.session.scalar(select(CounsellingSession.public_id)
                                       .where(CounsellingSession.case_id == expired.id))
        db.session.commit()
    run(app)
    client = login_as("supervisor_a")
    page = client.get(f"/cases/{expired.public_id}?lang=en")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "CANARY-pages" not in body
    assert "anonymised" in body.lower()
    # The case lists name the requesting party "Anonymised person" instead of leaving a blank.
    for url in ("/cases/?status=closed&lang=en", "/supervision/cases?status=closed&lang=en"):
        listing = client.get(url).get_data(as_text=True)
        row = next(line for line in listing.split("<tr")[1:] if expired.reference in line)
        assert "Anonymised person" in row, url
    for url in (f"/cases/{expired.public_id}/sessions/{session_id}", "/appointments/",
                "/appointments/association", "/supervision/",
                "/supervision/cases?status=closed", "/statistics/own-report", "/retention/due",
                "/subject-requests/"):
        response = client.get(url)
        assert response.status_code in (200, 302), url
        assert "CANARY-pages" not in response.get_data(as_text=True), url
