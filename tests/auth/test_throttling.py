"""Login throttling: per account in the database, per address with Flask-Limiter (S4)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select

from mediation.auth.models import LoginFailure
from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.demo.data import DEMO_PASSWORD
from mediation.extensions import db
from tests.conftest import login


def fail(client, username, times):
    for _ in range(times):
        assert login(client, username, "a-wrong-password-for-sure").status_code == 401


def test_sixth_attempt_is_refused_even_with_the_right_password(app, client, world):
    fail(client, "mediator.a1", 5)
    response = login(client, "mediator.a1")
    assert response.status_code == 401
    assert "اسم المستخدم أو كلمة المرور غير صحيحة" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_locking_one_account_never_blocks_another(app, client, world):
    fail(client, "mediator.a1", 6)
    other = app.test_client()
    assert login(other, "mediator.a2").status_code == 302


def test_the_lock_lifts_after_fifteen_minutes(app, client, world, frozen_clock):
    fail(client, "mediator.a1", 5)
    frozen_clock.advance(minutes=15, seconds=1)
    assert login(client, "mediator.a1").status_code == 302


def test_success_forgets_earlier_failures(app, client, world):
    fail(client, "mediator.a1", 4)
    assert login(client, "mediator.a1").status_code == 302
    client.post("/logout")
    fail(client, "mediator.a1", 4)
    assert login(client, "mediator.a1").status_code == 302


def test_unknown_names_are_counted_and_answered_alike(app, client, world):
    unknown = login(client, "no.such.user", "whatever-it-may-be").get_data(as_text=True)
    known = login(client, "mediator.a1", "whatever-it-may-be").get_data(as_text=True)
    strip = lambda body: body.split('name="csrf_token"')[0]  # noqa: E731
    assert strip(unknown) == strip(known)
    with app.app_context():
        rows = db.session.scalars(select(LoginFailure)).all()
        assert len(rows) == 2
        assert all(b"no.such.user" not in row.name_key and len(row.name_key) == 32 for row in rows)


def test_the_lockout_is_audited_once(app, client, world):
    fail(client, "mediator.a1", 5)
    with app.app_context():
        count = db.session.scalar(select(func.count()).where(AuditEvent.action == "lockout"))
    assert count == 1


def test_wrong_codes_count_towards_the_lock(app, client, world):

    from tests.auth.helpers import code_at, enrol

    secret, _ = enrol(app, client, "mediator.a1")
    for _ in range(5):
        login(client, "mediator.a1")
        assert client.post("/login/code", data={"code": "000000"}).status_code in (302, 401)
    assert login(client, "mediator.a1").status_code == 401  # locked: not even the code step
    assert code_at(secret, clock.timestamp())


@pytest.fixture
def isolated_limiter():
    """Flask-Limiter keeps its state (enabled, storage) on the one extension object,
    so the last app initialised wins for every app in the process. Production runs
    one app per process; here, put the test session's state back afterwards."""
    from mediation.extensions import limiter

    saved = dict(limiter.__dict__)
    yield
    limiter.__dict__.clear()
    limiter.__dict__.update(saved)


def distinct_failures(client, count: int, offset: int = 0) -> list[int]:
    # Distinct user names: the per-account lock must not be what answers.
    return [login(client, f"nobody.{offset + index}", "a-wrong-password-for-sure").status_code
            for index in range(count)]


@pytest.mark.no_db_transaction
def test_the_31st_failure_in_a_minute_from_one_address_gets_429(fresh_app, isolated_limiter):
    application = fresh_app(demo=True, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    client = application.test_client()
    assert set(distinct_failures(client, 30)) == {401}
    response = login(client, "nobody.31", "a-wrong-password-for-sure")
    assert response.status_code == 429
    assert "محاولات كثيرة جداً" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    # Another address is not affected.
    other = application.test_client()
    ok = other.post("/login", data={"username": "admin", "password": DEMO_PASSWORD},
                    environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert ok.status_code == 302


@pytest.mark.no_db_transaction
def test_successful_logins_do_not_use_up_the_address_limit(fresh_app, isolated_limiter):
    application = fresh_app(demo=True, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    client = application.test_client()
    for _ in range(35):
        assert client.post("/login", data={"username": "admin", "password": DEMO_PASSWORD}).status_code == 302
        client.post("/logout")


WORKER = """
import json, sys
from mediation import create_app
from tests.conftest import make_config
url, storage, offset, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
app = create_app(make_config(url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage))
client = app.test_client()
wrong = "a-wrong-password-for-sure"
print(json.dumps([client.post("/login", data={"username": f"nobody.{offset + i}", "password": wrong}).status_code
                  for i in range(count)]))
"""


def run_worker(database_url: str, storage: str, offset: int, count: int) -> list[int]:
    """Another process, as a second gunicorn worker would be."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run(
        [sys.executable, "-c", WORKER, database_url, storage, str(offset), str(count)],
        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, check=True, timeout=120,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.no_db_transaction
@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL not set (.ci/run sets it)")
def test_workers_share_the_address_count_through_redis(migrated_database):
    import redis

    url = os.environ["TEST_REDIS_URL"]
    redis.Redis.from_url(url).flushdb()
    database = migrated_database()
    assert set(run_worker(database, url, 0, 20)) == {401}
    statuses = run_worker(database, url, 20, 11)
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    # Control: with per-process memory the second worker starts from zero.
    assert set(run_worker(database, "memory://", 40, 11)) == {401}
