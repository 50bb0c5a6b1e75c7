"""Counting the SQL statements of one request, for the tests that prove a page's count is constant."""

from __future__ import annotations

from sqlalchemy import event

from mediation.extensions import db


def statements_of(app, client, method: str, url: str, **request):
    """(number of statements sent, response) of one request to `url`, which must answer 200."""
    with app.app_context():
        bound = db.engine
    engine = getattr(bound, "engine", bound)  # the test transaction swaps in a connection
    seen = []

    def count(*_args, **_kwargs):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.open(url, method=method, **request)
        assert response.status_code == 200, url
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen), response


def statements_of_get(app, client, url: str):
    """(number of statements sent, response) of GET `url`, which must answer 200."""
    return statements_of(app, client, "GET", url)
