"""docs/security.md, S21: at most 10 access exports an hour per user, the page and the file together."""

from __future__ import annotations

import pytest

from mediation.extensions import db
from tests.cases.fixtures import build_cases
from tests.conftest import build_world, login
from tests.subject_requests.fixtures import objects


@pytest.fixture
def isolated_limiter():
    """Flask-Limiter keeps its state on the one extension object: put it back afterwards."""
    from mediation.extensions import limiter

    saved = dict(limiter.__dict__)
    yield
    limiter.__dict__.clear()
    limiter.__dict__.update(saved)


@pytest.mark.no_db_transaction
def test_the_eleventh_export_in_an_hour_is_refused(fresh_app, isolated_limiter):
    application = fresh_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    world = build_world(application)
    world.cases = build_cases(application, world)
    _person, request_id = objects(world)["A"]
    client = application.test_client()
    assert login(client, world.usernames["supervisor_a"]).status_code == 302
    statuses = [client.get(f"/subject-requests/{request_id}/export{suffix}").status_code
                for suffix in ("", ".json") * 5]
    assert statuses == [200] * 10
    assert client.get(f"/subject-requests/{request_id}/export.json").status_code == 429
    # Another supervisor's counter is their own.
    other = application.test_client()
    assert login(other, world.usernames["supervisor_b"]).status_code == 302
    _person_b, request_b = objects(world)["B"]
    assert other.get(f"/subject-requests/{request_b}/export").status_code == 200
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
