"""The liveness probe: public, uncached, and honest about the database."""

from __future__ import annotations

import pytest

from mediation import create_app
from mediation.extensions import db
from tests.conftest import make_config

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/none"


def test_healthz_reports_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_healthz_does_not_redirect_anonymous_json_clients(client):
    response = client.get("/healthz", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert "Location" not in response.headers


@pytest.mark.no_db_transaction
def test_healthz_reports_an_unreachable_database_without_details():
    app = create_app(make_config(UNREACHABLE))
    try:
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.is_json
        body = response.get_json()
        assert body["status"] != "ok"
        assert body["database"] != "ok"
        assert response.headers["Cache-Control"] == "no-store"
        text = response.get_data(as_text=True).lower()
        for leak in ("traceback", "operationalerror", "psycopg", "sqlalchemy", "127.0.0.1",
                     "connection", "postgres", "refused"):
            assert leak not in text, leak
    finally:
        with app.app_context():
            db.engine.dispose()
