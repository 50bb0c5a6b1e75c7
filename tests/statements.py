"""Counting the SQL statements of one request, for the tests that prove a page's count is constant."""

from __future__ import annotations

from sqlalchemy import event

from mediation.extensions import db


def statements_of_get(app, client, url: str):
    """(number of statements sent, response) of GET `url`, which must answer 200."""
    with app.app_context():
        bound = db.engine
    engine = getattr(bound, "engine", bound)  # the test transaction swaps in a connection
    seen = []

    def count(*_args, **_kwargs):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
        assert response.status_code == 200, url
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen), response
