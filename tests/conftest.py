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

import copy
import os
import secrets
import shutil
import weakref
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from flask_migrate import upgrade
from hypothesis import settings as hypothesis_settings
from sqlalchemy import event
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

# Hypothesis profiles (pytest --hypothesis-profile=NAME). The default runs every property at its full
# count. "second-backend" runs each fuzz test (`fuzz(n)` in tests/strategies.py) at a fifth of its
# examples, never fewer than 10, its @example cases always, and a plain @given test at 20 examples.
# .ci/run loads it for its second pass only, on PostgreSQL, which starts once the first pass has proved
# every property at full count on SQLite against the same code. These properties (a form or a query
# string never answers 500, a refused form saves nothing) are mostly decided by the application's own
# validation, which is the same on both databases; the second pass still puts each one to PostgreSQL's
# own checks (text length, integer range, NUL bytes), with fewer examples. A failure seen there is pinned
# with @example, so every later run repeats it on both databases.
hypothesis_settings.register_profile("second-backend", max_examples=20)


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


def _module_part(item) -> tuple:
    """The tests that share a module's data: the same module, the same instant under `any_hour`."""
    callspec = getattr(item, "callspec", None)
    instant = callspec.params.get("any_hour") if callspec is not None else None
    return item.get_closest_marker("slow") is None, item.nodeid.split("::", 1)[0], str(instant)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """The slow tests first, in their order: pytest-xdist hands out tests in this order as workers free
    up, so a long test started last would leave the other workers idle until it ends. Within a module, the
    tests that take more of the module's shared data (`module_data`) run after those that take less: once
    built, the data stay in the module's transaction."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    parts: dict[tuple, int] = {}
    for item in items:
        parts.setdefault(_module_part(item), len(parts))

    def order(item):
        shared = module_data(getattr(item, "fixturenames", ()))
        return parts[_module_part(item)], len(shared), sorted(shared)

    items.sort(key=order)


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

    def create(self, template: str | None = None) -> str:
        """An empty database, or a copy of the database at the URL `template` (which nobody may be
        connected to): a copy costs a few files, where migrating costs hundreds of statements."""
        name = f"mediation_test_{secrets.token_hex(6)}"
        source = f' TEMPLATE "{make_url(template).database}"' if template else ""
        with self._admin() as connection:
            connection.execute(f'CREATE DATABASE "{name}"{source}')
        return make_url(self.base_url).set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop_all(self, urls: list[str]) -> None:
        """Each DROP DATABASE waits for a checkpoint, seconds on a busy server, and 30 drops one after
        the other took 25 s; sent at once they share one checkpoint (under a second). 32 at a time keeps
        two workers' admin connections well under PostgreSQL's default 100; a drop refused (too many
        connections) is done again alone."""
        with ThreadPoolExecutor(max_workers=32) as pool:
            refused = [url for url, error in zip(urls, pool.map(self._try_drop, urls), strict=True) if error]
        for url in refused:
            self.drop(url)

    def _try_drop(self, url: str) -> Exception | None:
        try:
            self.drop(url)
        except psycopg.Error as error:
            return error
        return None


# The instants under which the date-sensitive tests run (docs/architecture.md, T1): an ordinary
# morning, the last half hour of a UTC day and the first half hour of the next (the hours in which
# two zone databases used to disagree), and the turn of a year, where periods and quarters end.
ANY_HOUR = {
    "morning": datetime(2026, 12, 8, 9, 15, tzinfo=UTC),
    "23h30utc": datetime(2026, 12, 9, 23, 30, tzinfo=UTC),
    "00h30utc": datetime(2026, 12, 10, 0, 30, tzinfo=UTC),
    "new-year": datetime(2026, 12, 31, 23, 30, tzinfo=UTC),
}

# The instants a date-sensitive module runs under unless it names its own in ANY_HOUR_INSTANTS (T1).
# With the pinned zone data Casablanca is on UTC+0 in December (tests/core/test_clock.py), so
# "23h30utc" and "new-year" are both the last half hour of a local day; new-year is also the last
# half hour of a month, a quarter and a year, so it exercises whatever 23h30utc does, and more.
# "00h30utc" is the first half hour of a day in the middle of a week and a month, like the "morning":
# for rules that read dates only, the two differ only in the hour, and 00h30utc is the edge. A module
# whose rules read the time of day as well (opening hours, booking later today) keeps the morning.
ANY_HOUR_DEFAULT = ("00h30utc", "new-year")
ANY_HOUR_WITH_TIME_OF_DAY = ("morning", "00h30utc", "new-year")


def pytest_generate_tests(metafunc):
    """Parametrise `any_hour` by the module's ANY_HOUR_INSTANTS (names of ANY_HOUR), ANY_HOUR_DEFAULT
    when the module names none; module scope, so module fixtures are rebuilt per instant."""
    if _asks_for_any_hour(metafunc.definition):
        names = getattr(metafunc.module, "ANY_HOUR_INSTANTS", ANY_HOUR_DEFAULT)
        unknown = set(names) - ANY_HOUR.keys()
        assert not unknown, f"ANY_HOUR_INSTANTS names unknown instants: {sorted(unknown)}"
        metafunc.parametrize("any_hour", [ANY_HOUR[name] for name in names], ids=list(names),
                             indirect=True, scope="module")


def _asks_for_any_hour(definition) -> bool:
    """A module (or test) marked `usefixtures("any_hour")`: the way to ask for it."""
    return any("any_hour" in marker.args for marker in definition.iter_markers("usefixtures"))


@pytest.fixture(scope="module")
def any_hour(request):
    """Run every test of a module (`pytestmark = pytest.mark.usefixtures("any_hour")`) once per instant
    it names (see pytest_generate_tests), with the product's clock ticking on from it. Elsewhere it has no
    instant and leaves the clock alone: the module's transaction depends on it (see `_module_transaction`)."""
    instant = getattr(request, "param", None)
    if instant is None:
        yield None
        return
    with clock.frozen(instant, ticking=True):
        yield instant


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
    """A factory of empty databases of the backend under test; `empty_database(copy_of=url)` gives a copy
    of the database at url instead (no connection to it may be open)."""
    base = os.environ.get("TEST_DATABASE_URL")
    server = ServerDatabase(base) if base else None
    created: list[str] = []

    def make(copy_of: str | None = None) -> str:
        if server is None:
            path = tmp_path_factory.mktemp("db") / "mediation.db"
            if copy_of is not None:
                shutil.copy(make_url(copy_of).database, path)  # and its mode (0600, S34)
            url = f"sqlite:///{path}"
        else:
            url = server.create(template=copy_of)
        created.append(url)
        return url

    yield make
    if server is not None:
        server.drop_all(created)


def dispose(application) -> None:
    """Close the connections of an application's engines (PostgreSQL: its database may then be dropped)."""
    for engine in _db._app_engines.get(application, {}).values():
        engine.dispose()


@pytest.fixture(scope="session")
def fresh_app(empty_database, migrated_database):
    """A factory of applications, each on a database of its own, for tests that cannot run inside the
    rolled-back transaction of `db` or need another configuration:

        fresh_app(WTF_CSRF_ENABLED=True)   # migrated; keyword arguments override Testing's attributes
        fresh_app(demo=True)               # ... and the demo data loaded and committed
        fresh_app(migrated=False)          # an empty database (migrations, restores)

    Session-scoped, so module fixtures may use it too. An application's connections are closed when it
    is garbage (or at the end of the run); `dispose(app)` closes them at once."""
    made = weakref.WeakSet()

    def make(*, migrated: bool = True, demo: bool = False, **config):
        application = create_app(make_config(migrated_database() if migrated else empty_database(), **config))
        if demo:
            from mediation.demo.data import load_demo

            with application.app_context():
                load_demo(_db.session)
                _db.session.commit()
        engines = _db._app_engines[application]
        weakref.finalize(application, lambda: [engine.dispose() for engine in engines.values()])
        made.add(application)
        return application

    yield make
    for application in list(made):
        dispose(application)


@pytest.fixture(scope="session")
def _session_app_and_template(empty_database):
    """The application of the whole run, on a database it creates and migrates, and a copy of that
    database taken at once for `migrated_database` (PostgreSQL copies a database nobody is connected to,
    so the copy comes before any test)."""
    application = create_app(make_config(empty_database()))
    with application.app_context():
        upgrade()
        _db.engine.dispose()  # and SQLite folds its write-ahead log back into the file
    yield application, empty_database(copy_of=application.config["SQLALCHEMY_DATABASE_URI"])
    # Before the databases are dropped: a connection the drop cuts would still be open in Python, and
    # its garbage collection warns (an error under filterwarnings = ["error"]).
    dispose(application)


@pytest.fixture(scope="session")
def app(_session_app_and_template):
    return _session_app_and_template[0]


@pytest.fixture(scope="session")
def migrated_database(empty_database, _session_app_and_template):
    """A factory of databases at the head revision: copies of the session app's database as migrated,
    before any test wrote to it (one migration per pytest-xdist worker). tests/test_migrations.py
    migrates empty databases for real."""
    template = _session_app_and_template[1]
    return lambda: empty_database(copy_of=template)


@contextmanager
def rolled_back(app):
    """Bind `app`'s session to one connection inside a transaction that is rolled back at the end of the
    block; the application's commits only release savepoints. Yields the connection (for savepoints)."""
    with app.app_context():
        engine = _db.engine
    connection = engine.connect()
    transaction = connection.begin()
    engines = _db._app_engines[app]
    factory_kw = _db.session.session_factory.kw  # one session factory for every application
    mode = factory_kw.get("join_transaction_mode")
    engines[None] = connection
    factory_kw["join_transaction_mode"] = "create_savepoint"
    try:
        yield connection
    finally:
        if mode is None:  # as it was: a block on another app may be running inside this one
            factory_kw.pop("join_transaction_mode", None)
        engines[None] = engine
        transaction.rollback()
        connection.close()


# The connection of the module transaction while one is open (see `_module_transaction`), and the module
# data built in it so far (see `db`).
_MODULE_TRANSACTION: dict[str, object] = {}
# Built in every module transaction, for every test of the module: not data a test may go without.
_MODULE_FOUNDATION = frozenset({"_module_transaction", "_module_world"})


def module_data(fixturenames) -> set[str]:
    """The data shared by a module's tests that these fixtures build: each a module-scoped fixture named
    `_module_...` that builds in the module's transaction (`_module_cases`; a test module may add its own),
    once per module (per instant under `any_hour`), and a test's savepoint rolls back what it changes. A
    test that does not ask for such data must not see it (see `db`)."""
    return {name for name in fixturenames if name.startswith("_module_") and name not in _MODULE_FOUNDATION}


@pytest.fixture(scope="module")
def _module_transaction(app, any_hour):
    """A transaction on the session app for the rest of a module, opened by the first test that needs data
    shared by the module's tests (`world`), which is built inside it, and rolled back with it at the end of
    the module. Until then each test has a transaction of its own; from then on, a savepoint in this one
    (see `db`): every test still starts from the same data and leaves nothing behind. Under `any_hour` the
    transaction, and what is built in it, are made again for each instant (a dependency, so that pytest
    tears them down when the instant changes)."""
    with rolled_back(app) as connection:
        _MODULE_TRANSACTION["connection"] = connection
        try:
            yield connection
        finally:
            _MODULE_TRANSACTION.clear()


# Fixtures that write to the database under test or build other databases on it: a test asking for one is not
# database-independent. (`app` is built on one, but a test that reads its configuration or routes is.)
DATABASE_FIXTURES = frozenset({"world", "cases", "appointments", "login_as", "fresh_app", "migrated_database",
                               "served_app", "failing_app", "_module_transaction"})


@contextmanager
def no_database(app):
    """Fail a test marked `database_independent` at the moment it opens a connection to the backend under
    test: the mark lets .ci/run's PostgreSQL pass leave it out, which is honest only while it is true."""
    engines = _db._app_engines[app]
    bound = engines[None]  # the engine, or the connection of a module transaction open in this module
    engine = getattr(bound, "engine", bound)

    def refuse(*_args):
        raise AssertionError("a test marked database_independent opened a connection to the database")

    engines[None] = engine
    event.listen(engine, "engine_connect", refuse)
    try:
        yield
    finally:
        event.remove(engine, "engine_connect", refuse)
        engines[None] = bound


@pytest.fixture(autouse=True)
def db(request, app):
    """Run the test inside a transaction that is rolled back at the end: its own, or a savepoint in the
    module's transaction when one is open. A test marked `database_independent` gets none, and fails if it
    connects to the database."""
    if "database_independent" in request.keywords:
        wanted = DATABASE_FIXTURES.intersection(request.fixturenames)
        assert not wanted, f"a test marked database_independent builds databases: {sorted(wanted)}"
        with no_database(app):
            yield None
        return
    if "no_db_transaction" in request.keywords:
        yield None
        return
    built: set = _MODULE_TRANSACTION.setdefault("built", set())  # type: ignore[assignment]
    wanted = module_data(request.fixturenames)  # built already: module scope comes before this fixture
    if built - wanted:
        pytest.fail(f"this test would see the module's {sorted(built - wanted)} without asking for them: the "
                    "tests that take them must run after the others of their module (pytest_collection_modifyitems)")
    built |= wanted
    connection = _MODULE_TRANSACTION.get("connection")
    if connection is None:
        with rolled_back(app) as connection:
            yield connection
        return
    savepoint = connection.begin_nested()
    try:
        yield connection
    finally:
        if savepoint.is_active:
            savepoint.rollback()


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
def world(_module_world) -> World:
    """Association A (Rabat-Salé-Kénitra), B (Souss-Massa) and one account per persona: stored once per
    module (in its transaction), and a copy of the World for each test, so that what a test hangs on it
    (cases, appointments, objects built lazily) is its own."""
    return copy.deepcopy(_module_world, {id(_module_world.app): _module_world.app})


@pytest.fixture(scope="module")
def _module_world(app, _module_transaction) -> World:
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
def cases(_module_cases, world):
    """Three cases: mediator A1's ("own"), mediator A2's ("colleague"), association B's ("other"). Stored once
    per module beside the world (`module_data`), a copy of their ids for each test."""
    world.cases = copy.deepcopy(_module_cases)
    return world.cases


@pytest.fixture(scope="module")
def _module_cases(app, _module_world):
    from tests.cases.fixtures import build_cases

    return build_cases(app, _module_world)


def login(client, username: str, password: str = PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


@pytest.fixture
def login_as(client, world):
    """Log the test client in as a persona ('mediator_a1', ...); returns the client."""

    def log_in(persona: str):
        # Switching persona: never stay logged in as the previous one. A client without a session cookie
        # is nobody yet, and needs no logout.
        if client.get_cookie(client.application.config["SESSION_COOKIE_NAME"]) is not None:
            client.post("/logout")
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
def appointments(_module_appointments, world, cases):
    """Rooms A1, A2 (association A), B1, and four appointments (tests/appointments/fixtures.py), built once
    per module beside the cases (`module_data`)."""
    world.appointments = copy.deepcopy(_module_appointments)
    return world.appointments


@pytest.fixture(scope="module")
def _module_appointments(app, _module_world, _module_cases):
    from tests.appointments.fixtures import build_appointments

    world = copy.copy(_module_world)
    world.cases = _module_cases
    return build_appointments(app, world)
