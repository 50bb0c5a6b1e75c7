"""The authorisation matrix (docs/security.md, V1): every route, every persona.

Each feature lists its rows in a `matrix` module beside its tests; this file
merges them. Adding a route without rows fails `test_matrix_covers_every_route`.
A row's URL may be a function of the test world, so object-scoped routes can
list one row per object variant (own, colleague's, other association's, unknown).
"""

from __future__ import annotations

import pytest

from tests.conftest import World
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


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_matrix(row, app, world, cases, db):
    """Every persona against one row. Each persona's request runs in a savepoint that is
    rolled back, so a POST by one persona never changes what the next one meets."""
    from tests.conftest import login

    url = resolve(row, world)  # outside the savepoints: objects a URL needs persist
    mismatches = []
    for persona in PERSONAS:
        savepoint = db.begin_nested()
        try:
            client = app.test_client()
            if persona != "anonymous":
                assert login(client, world.usernames[persona]).status_code == 302, f"login as {persona} failed"
            response = client.open(url, method=row.method, data=row.data)
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
def test_a_view_without_a_permission_is_refused_to_everyone(empty_database):
    """A route registered without @require answers 403, whoever asks (S11)."""
    from flask_migrate import upgrade

    from mediation import create_app
    from mediation.demo.data import DEMO_PASSWORD, load_demo
    from mediation.extensions import db
    from tests.conftest import make_config

    # The session app has served requests and cannot take new routes: build another.
    fresh = create_app(make_config(empty_database()))
    fresh.add_url_rule("/undeclared", "undeclared", lambda: "exposed")
    with fresh.app_context():
        upgrade()
        load_demo(db.session)
        db.session.commit()
    client = fresh.test_client()
    assert client.get("/undeclared").status_code == 302  # anonymous: login first
    for username in ("admin", "ministry", "supervisor.a", "mediator.a1"):
        client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
        response = client.get("/undeclared")
        assert response.status_code == 403 and b"exposed" not in response.data
        client.post("/logout")
