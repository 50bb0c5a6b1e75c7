"""The authorisation matrix (SECURITY.md §3.1): every route, every persona.

Adding a route without adding it here fails `test_matrix_covers_every_route`.
Object-scoped routes list one expectation per object variant (own, colleague's,
other association's, unknown) as they appear.
"""

from __future__ import annotations

import pytest

PERSONAS = (
    "anonymous",
    "admin",
    "ministry",
    "supervisor_a",
    "mediator_a1",
    "mediator_a2",
    "supervisor_b",
    "mediator_b1",
)
STAFF = ("supervisor_a", "mediator_a1", "mediator_a2", "supervisor_b", "mediator_b1")
LOGIN = 302  # anonymous requests are sent to the login page


def expect(default: int, anonymous: int = LOGIN, **overrides: int) -> dict[str, int]:
    table = {persona: default for persona in PERSONAS}
    table["anonymous"] = anonymous
    table.update(overrides)
    return table


# (endpoint, method) -> (url, form data, expected status per persona)
MATRIX: dict[tuple[str, str], tuple[str, dict, dict[str, int]]] = {
    ("auth.login", "GET"): ("/login", {}, expect(302, anonymous=200)),
    # An empty form re-renders with field errors; a logged-in user is sent home.
    ("auth.login", "POST"): ("/login", {}, expect(302, anonymous=200)),
    ("auth.logout", "POST"): ("/logout", {}, expect(302)),
    ("main.home", "GET"): ("/", {}, expect(200)),
    ("main.set_language", "POST"): ("/language", {"lang": "fr", "next": "/"}, expect(302, anonymous=302)),
    ("admin.associations", "GET"): ("/admin/associations", {}, expect(403, admin=200)),
    ("admin.staff", "GET"): ("/admin/staff", {}, expect(403, admin=200, supervisor_a=200, supervisor_b=200)),
    ("health.live", "GET"): ("/healthz", {}, expect(200, anonymous=200)),
    ("static", "GET"): ("/static/css/app.css", {}, expect(200, anonymous=200)),
}


def app_rules(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_matrix_covers_every_route(app):
    rules = app_rules(app)
    unlisted = sorted(rules - MATRIX.keys())
    stale = sorted(MATRIX.keys() - rules)
    assert not unlisted, f"routes missing from the authorisation matrix: {unlisted}"
    assert not stale, f"matrix rows without a route: {stale}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("rule", sorted(MATRIX), ids=lambda rule: f"{rule[0]}:{rule[1]}")
def test_matrix(rule, persona, login_as):
    url, data, expected = MATRIX[rule]
    client = login_as(persona)
    endpoint, method = rule
    response = client.open(url, method=method, data=data)
    assert response.status_code == expected[persona], (
        f"{persona} {method} {url}: {response.status_code}, expected {expected[persona]}"
    )
    if expected[persona] == LOGIN and persona == "anonymous" and endpoint not in {"main.set_language"}:
        assert response.headers["Location"].startswith("/login")


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


def test_a_view_without_a_permission_is_refused_to_everyone(empty_database, app):
    """A route registered without @require answers 403, whoever asks (S11)."""
    from flask_migrate import upgrade

    from mediation import create_app
    from tests.conftest import make_config

    # The session app has served requests and cannot take new routes: build another.
    fresh = create_app(make_config(empty_database()))
    fresh.add_url_rule("/undeclared", "undeclared", lambda: "exposed")
    with fresh.app_context():
        upgrade()
        from mediation.demo.data import DEMO_PASSWORD, load_demo
        from mediation.extensions import db

        load_demo(db.session)
        db.session.commit()
    client = fresh.test_client()
    assert client.get("/undeclared").status_code == 302  # anonymous: login first
    for username in ("admin", "ministry", "supervisor.a", "mediator.a1"):
        client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
        response = client.get("/undeclared")
        assert response.status_code == 403 and b"exposed" not in response.data
        client.post("/logout")


test_a_view_without_a_permission_is_refused_to_everyone = pytest.mark.no_db_transaction(
    test_a_view_without_a_permission_is_refused_to_everyone
)
