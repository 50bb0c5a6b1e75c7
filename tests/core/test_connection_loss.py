"""The database connection drops: a translated error page, nothing half-written, recovery without restart.

Failure behaviour when the database connection is lost. PostgreSQL only: the connections are terminated from
another connection with pg_terminate_backend, as a failover or a restarted server would.
"""

from __future__ import annotations

import os

import psycopg
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

from mediation.cases.models import Case, Person
from mediation.core.audit import verify_chain
from mediation.extensions import db
from tests.cases.fixtures import served_world
from tests.cases.test_intake import FORM
from tests.conftest import login

pytestmark = [
    pytest.mark.no_db_transaction,
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="terminates PostgreSQL backends"),
]


@pytest.fixture(scope="module")
def served(fresh_app):
    """An application on its own database, with the test world and a declared association A."""
    with served_world(fresh_app) as world:
        yield world


def admin_connection(url: str):
    return psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False),
                           autocommit=True)


def counts(app) -> tuple[int, int]:
    with app.app_context():
        try:
            return (db.session.scalar(select(func.count()).select_from(Case)),
                    db.session.scalar(select(func.count()).select_from(Person)))
        finally:
            db.session.remove()


def logged_in(app, world):
    client = app.test_client()
    assert login(client, world.usernames["mediator_a1"]).status_code == 302
    return client


def test_a_connection_lost_mid_request_shows_a_translated_page_and_writes_nothing(served):
    app, world, point, url = served
    client = logged_in(app, world)
    before = counts(app)
    killed = []

    def terminate_before_the_audit_insert(connection, cursor, statement, parameters, context, executemany):
        # The case, its party and consent are already inserted in this transaction: losing
        # the connection now must lose all of them together.
        if not killed and statement.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT"):
            pid = connection.connection.dbapi_connection.info.backend_pid
            with admin_connection(url) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            killed.append(pid)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", terminate_before_the_audit_insert)
    try:
        response = client.post("/cases/new", data={**FORM, "service_point_id": point})
    finally:
        event.remove(engine, "before_cursor_execute", terminate_before_the_audit_insert)

    assert killed, "the request never reached the audit insert"
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert 'lang="ar"' in page and "حدث خطأ ما" in page
    for leak in ("Traceback", "OperationalError", "psycopg", "terminat"):
        assert leak not in page
    assert counts(app) == before

    # The next requests work on a new connection, without restarting anything.
    assert client.get("/cases/").status_code == 200
    assert client.post("/cases/new", data={**FORM, "service_point_id": point}).status_code == 302
    assert counts(app) == (before[0] + 1, before[1] + 1)
    with app.app_context():
        assert verify_chain(db.session).ok
        db.session.remove()


def test_idle_pooled_connections_killed_by_the_server_are_replaced_silently(served):
    app, world, _point, url = served
    client = logged_in(app, world)
    assert client.get("/cases/").status_code == 200
    database = make_url(url).database
    with admin_connection(url) as admin:
        terminated = admin.execute(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()) AS killed", (database,),
        ).fetchone()[0]
    assert terminated >= 1  # the pool held at least one connection
    # pool_pre_ping notices the dead connection and opens a new one: the user sees nothing.
    response = client.get("/cases/")
    assert response.status_code == 200
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
