"""SQLite under concurrent use: a request that cannot get the write lock in time answers a translated
"busy, try again" page (503 with Retry-After), nothing half-saved, and the next request works.

SQLite only: another connection holds the write lock (BEGIN IMMEDIATE), as a long save by another
user would. PostgreSQL locks rows and is not concerned.
"""

from __future__ import annotations

import os
import sqlite3

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from mediation.cases.models import Case
from mediation.extensions import db
from tests.admin.support import translated
from tests.cases.fixtures import served_world
from tests.cases.test_intake import FORM
from tests.conftest import login

pytestmark = [
    pytest.mark.no_db_transaction,
    pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="SQLite's database-wide write lock"),
]


@pytest.fixture(scope="module")
def served(fresh_app):
    with served_world(fresh_app, SQLITE_BUSY_TIMEOUT_MS=300) as (app, world, point, url):
        yield app, world, point, make_url(url).database


def cases(app) -> int:
    with app.app_context():
        try:
            return db.session.scalar(select(func.count()).select_from(Case))
        finally:
            db.session.remove()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_save_that_waits_too_long_gets_the_busy_page_and_saves_nothing(served, language):
    app, world, point, path = served
    client = app.test_client()
    assert login(client, "mediator.a1").status_code == 302
    before = cases(app)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        response = client.post(f"/cases/new?lang={language}", data={**FORM, "service_point_id": point})
        page = client.get(f"/cases/?lang={language}")  # a page view writes its audit event too
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    for answer in (response, page):
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
        body = answer.get_data(as_text=True)
        assert translated(app, language, "Busy, please try again") in body
        assert "Traceback" not in body and "database is locked" not in body
    assert cases(app) == before, "nothing half-saved"
    # The lock is free again: the same save goes through (the second language's run meets the first's
    # mother, hence an answer to the duplicate warning, docs/domain.md, DOM74).
    assert client.post("/cases/new", data={**FORM, "service_point_id": point, "match_choice": "new"}).status_code == 302
    assert cases(app) == before + 1
