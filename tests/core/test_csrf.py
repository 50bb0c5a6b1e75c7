"""CSRF protection on every state-changing route (docs/security.md, S10)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from mediation.core.audit import AuditEvent
from mediation.demo.data import DEMO_PASSWORD
from mediation.extensions import db
from tests.matrix import MATRIX, UNKNOWN_ID

pytestmark = pytest.mark.no_db_transaction


@pytest.fixture(scope="module")
def csrf_app(fresh_app):
    return fresh_app(demo=True, WTF_CSRF_ENABLED=True)


def token_from(client, url="/login") -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)[1]


def logged_in(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/login", data={
        "username": "admin", "password": DEMO_PASSWORD, "csrf_token": token_from(client)})
    assert response.status_code == 302, "positive control: a valid token logs in"
    return client


def static_url(app, rule) -> str:
    """The URL of a POST rule; object ids need not exist: CSRF is checked before anything else."""
    import uuid

    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, {name: uuid.UUID(UNKNOWN_ID) for name in rule.arguments},
                         method="POST")


def post_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules() if "POST" in rule.methods),
                  key=lambda rule: rule.endpoint)


def test_every_post_route_refuses_a_missing_token(csrf_app):
    client = logged_in(csrf_app)
    rules = post_rules(csrf_app)
    assert rules, "no POST route found"
    for rule in rules:
        url = static_url(csrf_app, rule)
        response = client.post(url, data={"lang": "fr"})
        assert response.status_code == 400, rule.endpoint
    assert client.get("/").status_code == 200, "still logged in: logout was refused too"


def test_every_post_route_refuses_another_sessions_token(csrf_app):
    other = csrf_app.test_client()
    foreign = token_from(other)
    client = logged_in(csrf_app)
    for rule in post_rules(csrf_app):
        url = static_url(csrf_app, rule)
        response = client.post(url, data={"csrf_token": foreign, "lang": "fr",
                                          "username": "admin", "password": DEMO_PASSWORD})
        assert response.status_code == 400, rule.endpoint


def test_a_csrf_failure_is_audited_and_translated(csrf_app):
    client = csrf_app.test_client()
    with csrf_app.app_context():
        failed = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "csrf_failed")
        before = db.session.scalar(failed)
    response = client.post("/login", data={"username": "admin", "password": DEMO_PASSWORD},
                           headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    assert "Formulaire expiré" in response.get_data(as_text=True)
    with csrf_app.app_context():
        after = db.session.scalar(failed)
    assert after == before + 1


def test_get_requests_change_nothing_but_audit(csrf_app):
    """Crawling every GET route as admin leaves every table but the audit trail unchanged."""
    from mediation.accounts.models import Association, StaffUser

    client = logged_in(csrf_app)

    def snapshot():
        with csrf_app.app_context():
            return (
                [(u.id, u.session_version, u.locale, u.active, u.password_hash) for u in
                 db.session.scalars(select(StaffUser).order_by(StaffUser.id))],
                db.session.scalar(select(func.count()).select_from(Association)),
            )

    before = snapshot()
    for row in MATRIX:
        if row.method == "GET" and row.endpoint != "auth.login" and not callable(row.url):
            client.get(row.url).close()  # a static file's response holds the file open until closed
    assert snapshot() == before
