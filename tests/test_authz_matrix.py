"""The authorisation matrix (docs/security.md, V1): every route, every persona.

Each feature lists its rows in a `matrix` module beside its tests; this file
merges them. Adding a route without rows fails `test_matrix_covers_every_route`.
A row's URL may be a function of the test world, so object-scoped routes can
list one row per object variant (own, colleague's, other association's, unknown).
"""

from __future__ import annotations

import copy

import pytest

from tests.conftest import World, dispose, rolled_back
from tests.matrix import MATRIX, PERSONAS, Row, rows_by_rule


def app_rules(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_matrix_covers_every_route(app):
    rules = app_rules(app)
    listed = rows_by_rule()
    unlisted = sorted(rules - listed.keys())
    stale = sorted(listed.keys() - rules)
    assert not unlisted, f"routes missing from the authorisation matrix: {unlisted}"
    assert not stale, f"matrix rows without a route: {stale}"


def resolve(row: Row, world: World) -> str:
    return row.url(world) if callable(row.url) else row.url


@pytest.fixture(scope="module")
def matrix_site(fresh_app):
    """The matrix's own application (one per worker that runs rows): the test world and its three cases
    committed once, and each persona logged in once; returns (app, world, persona -> session cookie).
    Every row is rolled back (test_matrix), so these sessions stay valid from row to row."""
    from tests.cases.fixtures import build_cases
    from tests.conftest import build_world, login

    application = fresh_app()
    world = build_world(application)
    world.cases = build_cases(application, world)
    cookie = application.config["SESSION_COOKIE_NAME"]
    sessions = {}
    for persona in PERSONAS:
        if persona != "anonymous":
            client = application.test_client()
            assert login(client, world.usernames[persona]).status_code == 302, f"login as {persona} failed"
            sessions[persona] = client.get_cookie(cookie).value
    yield application, world, sessions
    dispose(application)


@pytest.mark.no_db_transaction
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_matrix(row, matrix_site):
    """Every persona against one row. The row runs in a transaction that is rolled back, and each persona's
    request in a savepoint inside it that is rolled back too, so a POST by one persona never changes what
    the next one meets, and no row changes what the next row meets."""
    app, base_world, sessions = matrix_site
    cookie = app.config["SESSION_COOKIE_NAME"]
    with rolled_back(app) as connection:
        # The row's own copy: what its URL builds lazily (notes, rooms...) is cached on the copy and rolled
        # back with the row, never seen by the next one.
        world = copy.deepcopy(base_world, {id(app): app})
        url = resolve(row, world)  # outside the savepoints: objects a URL needs persist for the row
        mismatches = []
        for persona in PERSONAS:
            savepoint = connection.begin_nested()
            try:
                client = app.test_client()
                if persona != "anonymous":
                    client.set_cookie(cookie, sessions[persona])
                response = client.open(url, method=row.method, data=row.data)
                response.close()  # a static file's response holds the file open until closed
                expected = row.expected[persona]
                if response.status_code != expected:
                    mismatches.append(f"{persona} {row.method} {url}: {response.status_code}, expected {expected}")
                elif expected == 302 and persona == "anonymous" and not row.public:
                    if not response.headers["Location"].startswith("/login"):
                        mismatches.append(f"anonymous {row.method} {url}: not sent to the login page")
            finally:
                savepoint.rollback()
    assert not mismatches, "\n".join(mismatches)


def test_denials_are_audited(login_as, app):
    from sqlalchemy import select

    from mediation.core.audit import AuditEvent
    from mediation.extensions import db

    client = login_as("mediator_a1")
    assert client.get("/admin/associations").status_code == 403
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert (event.action, event.outcome, event.entity_id) == (
            "access_denied", "denied", "admin.associations"
        )


@pytest.mark.no_db_transaction
def test_a_view_without_a_permission_is_refused_to_everyone(fresh_app):
    """A route registered without @require answers 403, whoever asks (S11)."""
    from mediation.demo.data import DEMO_PASSWORD

    # The session app has served requests and cannot take new routes: build another.
    fresh = fresh_app(demo=True)
    fresh.add_url_rule("/undeclared", "undeclared", lambda: "exposed")
    client = fresh.test_client()
    assert client.get("/undeclared").status_code == 302  # anonymous: login first
    for username in ("admin", "ministry", "supervisor.a", "mediator.a1"):
        client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
        response = client.get("/undeclared")
        assert response.status_code == 403 and b"exposed" not in response.data
        client.post("/logout")
