"""Shared fixtures.

The schema is built once per run by the real migrations, on a temporary
SQLite file or, with TEST_DATABASE_URL, on a fresh PostgreSQL database that
is dropped at the end. Each test runs inside one outer transaction that is
rolled back afterwards; the application's commits only release savepoints.

Tests must not hold an application context while they make requests: Flask
would reuse it for the request, sharing `g` (and the logged-in user) between
requests. Use `with app.app_context():` around direct database work.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from config import Testing
from mediation import create_app
from mediation.accounts.models import Association
from mediation.accounts.services import (
    NewAssociation,
    ServicePointData,
    create_association,
    create_service_point,
)
from mediation.accounts.staff import NewStaffUser, create_staff_user
from mediation.core import clock
from mediation.core.authz import Profession, Role
from mediation.extensions import db as _db

PASSWORD = "correct-horse-battery-staple"


def pytest_configure(config):
    """Under pytest-xdist (`make test` runs one worker per core), each worker gets its own Redis database
    below the one given (gw0 keeps it, gw1 the one before...), so that a test's FLUSHDB cannot reset
    another worker's counters in the middle of its test. Databases are per worker already (session
    fixtures run in each worker process)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = os.environ.get("TEST_REDIS_URL")
    if url and worker.startswith("gw"):
        prefix, _, index = url.rpartition("/")
        if index.isdigit():
            os.environ["TEST_REDIS_URL"] = f"{prefix}/{(int(index) - int(worker[2:])) % 16}"


def make_config(database_url: str, **attributes) -> Testing:
    """A Testing configuration pointing at the given database."""

    class Config(Testing):
        def database_url(self) -> str:
            return database_url

    config = Config()
    for name, value in attributes.items():
        setattr(config, name, value)
    return config


@dataclass
class ServerDatabase:
    """Creates and drops throw-away PostgreSQL databases next to TEST_DATABASE_URL."""

    base_url: str

    def _admin(self):
        url = make_url(self.base_url).set(drivername="postgresql")
        return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)

    def create(self) -> str:
        name = f"mediation_test_{secrets.token_hex(6)}"
        with self._admin() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return make_url(self.base_url).set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# The instants under which the date-sensitive tests run (docs/architecture.md, T1): an ordinary
# morning, the last half hour of a UTC day and the first half hour of the next (the hours in which
# two zone databases used to disagree), and the turn of a year, where periods and quarters end.
ANY_HOUR = {
    "morning": datetime(2026, 12, 8, 9, 15, tzinfo=UTC),
    "23h30utc": datetime(2026, 12, 9, 23, 30, tzinfo=UTC),
    "00h30utc": datetime(2026, 12, 10, 0, 30, tzinfo=UTC),
    "new-year": datetime(2026, 12, 31, 23, 30, tzinfo=UTC),
}


@pytest.fixture(scope="module", params=list(ANY_HOUR.values()), ids=list(ANY_HOUR))
def any_hour(request):
    """Run every test of a module (`pytestmark = pytest.mark.usefixtures("any_hour")`) once per instant
    of ANY_HOUR, with the product's clock ticking on from it; module fixtures are rebuilt per instant."""
    with clock.frozen(request.param, ticking=True):
        yield request.param


class FrozenClock:
    """The product's clock, set by a test: `frozen_clock.set(instant)`, `frozen_clock.advance(minutes=31)`."""

    def set(self, instant: datetime, *, ticking: bool = False) -> datetime:
        clock.set_now(instant, ticking=ticking)
        return instant

    def advance(self, **delta) -> datetime:
        clock.advance(timedelta(**delta))
        return clock.now()

    def now(self) -> datetime:
        return clock.now()

    def today(self):
        return clock.today()


@pytest.fixture
def frozen_clock():
    """The product's clock for one test; at the end it goes back to how it was (a module's instant,
    or the real clock). Unset, it stands still at the current instant."""
    previous = clock.setting()
    controller = FrozenClock()
    if previous is None:
        controller.set(clock.now())
    try:
        yield controller
    finally:
        clock.restore(previous)


@pytest.fixture(autouse=True)
def _clock_left_as_found():
    """A test that sets the clock without the fixtures cannot leak its instant into the next test."""
    previous = clock.setting()
    yield
    clock.restore(previous)


@pytest.fixture(scope="session")
def empty_database(tmp_path_factory):
    """A factory of empty databases of the backend under test."""
    base = os.environ.get("TEST_DATABASE_URL")
    server = ServerDatabase(base) if base else None
    created: list[str] = []

    def make() -> str:
        if server is None:
            path = tmp_path_factory.mktemp("db") / "mediation.db"
            url = f"sqlite:///{path}"
        else:
            url = server.create()
        created.append(url)
        return url

    yield make
    if server is not None:
        for url in created:
            server.drop(url)


@pytest.fixture(scope="session")
def app(empty_database):
    application = create_app(make_config(empty_database()))
    with application.app_context():
        upgrade()
    return application


@pytest.fixture(autouse=True)
def db(request, app):
    """Run the test inside a transaction that is rolled back at the end."""
    if "no_db_transaction" in request.keywords:
        yield None
        return
    with app.app_context():
        engine = _db.engine
    connection = engine.connect()
    transaction = connection.begin()
    engines = _db._app_engines[app]
    factory_kw = _db.session.session_factory.kw
    engines[None] = connection
    factory_kw["join_transaction_mode"] = "create_savepoint"
    try:
        yield connection
    finally:
        factory_kw.pop("join_transaction_mode", None)
        engines[None] = engine
        transaction.rollback()
        connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class World:
    association_a: int
    association_b: int
    usernames: dict[str, str]
    # persona -> staff_user.public_id, and "A"/"B" -> association.public_id (as strings)
    user_ids: dict[str, str]
    association_public_ids: dict[str, str]
    # "A"/"B" -> the public id of one service point of that association
    service_point_ids: dict[str, str] = field(default_factory=dict)
    # Set by the `cases` fixture: a tests.cases.fixtures.CaseWorld (own, colleague, other)
    cases: object = None
    # The application under test, for matrix rows that build the objects their URL needs
    app: object = None
    # Set by the `appointments` fixture: a tests.appointments.fixtures.AppointmentWorld
    appointments: object = None


PERSONAS = {
    # persona: (username, role, association key, profession)
    "admin": ("admin.test", Role.ADMIN, None, None),
    "ministry": ("ministry.test", Role.MINISTRY, None, None),
    "supervisor_a": ("supervisor.a", Role.SUPERVISOR, "A", None),
    "mediator_a1": ("mediator.a1", Role.MEDIATOR, "A", Profession.MEDIATOR),
    "mediator_a2": ("mediator.a2", Role.MEDIATOR, "A", Profession.PSYCHOLOGIST),
    "supervisor_b": ("supervisor.b", Role.SUPERVISOR, "B", None),
    "mediator_b1": ("mediator.b1", Role.MEDIATOR, "B", Profession.SOCIAL_WORKER),
}


@pytest.fixture
def world(app) -> World:
    """Association A (Rabat-Salé-Kénitra), B (Souss-Massa) and one account per persona."""
    return build_world(app)


def build_world(app) -> World:
    """The `world` fixture's content, committed into `app`'s database (also for apps built by a test)."""
    with app.app_context():
        session = _db.session
        a = create_association(session, NewAssociation("جمعية أ", "Association A", "MA-04", "MA-RAB"), actor=None)
        b = create_association(session, NewAssociation("جمعية ب", "Association B", "MA-09"), actor=None)
        ids = {"A": a.id, "B": b.id}
        user_ids = {}
        for persona, (username, role, key, profession) in PERSONAS.items():
            user = create_staff_user(
                session,
                NewStaffUser(username=username, display_name=username.title(), role=role,
                             password=PASSWORD, association_id=ids.get(key), profession=profession),
                actor=None,
            )
            user_ids[persona] = str(user.public_id)
        service_point_ids = {
            key: str(create_service_point(session, association, code,
                                          ServicePointData("jisr_al_usra", name_ar, name_fr), actor=None).public_id)
            for key, association, code, name_ar, name_fr in (
                ("A", a, "RBT-01", "فضاء أ", "Espace A"),
                ("B", b, "AGD-01", "فضاء ب", "Espace B"),
            )
        }
        session.commit()
        return World(
            association_a=a.id,
            association_b=b.id,
            usernames={persona: spec[0] for persona, spec in PERSONAS.items()},
            user_ids=user_ids,
            association_public_ids={"A": str(a.public_id), "B": str(b.public_id)},
            service_point_ids=service_point_ids,
            app=app,
        )


@pytest.fixture
def cases(app, world):
    """Three cases: mediator A1's ("own"), mediator A2's ("colleague"), association B's ("other")."""
    from tests.cases.fixtures import build_cases

    world.cases = build_cases(app, world)
    return world.cases


def login(client, username: str, password: str = PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


@pytest.fixture
def login_as(client, world):
    """Log the test client in as a persona ('mediator_a1', ...); returns the client."""

    def log_in(persona: str):
        client.post("/logout")  # switching persona: never stay logged in as the previous one
        if persona == "anonymous":
            return client
        response = login(client, world.usernames[persona])
        assert response.status_code == 302, f"login as {persona} failed"
        return client

    return log_in


def association_of(app, association_id: int) -> Association:
    with app.app_context():
        return _db.session.get(Association, association_id)


@pytest.fixture
def failing_app(empty_database):
    """A separate application with a route that raises, for the 500 path."""
    application = create_app(make_config(empty_database()))

    def boom():
        raise RuntimeError("CANARY-boom")

    application.add_url_rule("/boom", "boom", boom)
    boom.required_permission = None
    # The 500 must happen for an anonymous user too: make the route public.
    from mediation.core import security

    original = security.PUBLIC_ENDPOINTS
    security.PUBLIC_ENDPOINTS = original | {"boom"}
    try:
        yield application
    finally:
        security.PUBLIC_ENDPOINTS = original


@pytest.fixture
def appointments(app, world, cases):
    """Rooms A1, A2 (association A), B1, and four appointments (tests/appointments/fixtures.py)."""
    from tests.appointments.fixtures import build_appointments

    world.appointments = build_appointments(app, world)
    return world.appointments
