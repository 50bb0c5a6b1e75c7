"""References: `{code}-{YYYY}-{NNNNN}`, consecutive per service point and year, never reused (docs/domain.md, DOM10).

Each test builds its own application on a fresh database: the suite's shared,
rolled-back transaction would put every thread on one connection and
serialise them, hiding the races this file is about.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import delete, func, select

from mediation.accounts.models import ServicePoint, StaffUser
from mediation.accounts.services import (
    NewAssociation,
    ServicePointData,
    create_association,
    create_service_point,
)
from mediation.accounts.staff import NewStaffUser, create_staff_user
from mediation.cases.models import Case, CaseSequence
from mediation.cases.services.intake import allocate_reference, open_case
from mediation.core.authz import Profession, Role
from mediation.extensions import db
from tests.cases.fixtures import new_case
from tests.conftest import PASSWORD

pytestmark = pytest.mark.no_db_transaction

REFERENCE = re.compile(r"^(?P<code>[A-Z0-9-]+)-(?P<year>\d{4})-(?P<number>\d{5})$")


@dataclass
class Site:
    app: object
    points: dict[str, int]  # code -> id
    mediators: list[str]  # user names


@pytest.fixture
def site(fresh_app):
    """One association with two service points and eight mediators, on its own database."""
    app = fresh_app()
    with app.app_context():
        session = db.session
        association = create_association(
            session, NewAssociation("جمعية", "Association", "MA-04", "MA-RAB", cndp_declaration_no="D-7-2025",
                                    cndp_declaration_on=date(2025, 2, 1)), actor=None)
        points = {
            code: create_service_point(session, association, code,
                                       ServicePointData("jisr_al_usra", f"فضاء {code}", f"Espace {code}"),
                                       actor=None).id
            for code in ("RBT-01", "SAL-02")
        }
        mediators = [f"mediator.{index}" for index in range(8)]
        for username in mediators:
            create_staff_user(session, NewStaffUser(username=username, display_name=username.title(),
                                                    role=Role.MEDIATOR, password=PASSWORD,
                                                    association_id=association.id,
                                                    profession=Profession.MEDIATOR), actor=None)
        session.commit()
    yield Site(app, points, mediators)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def open_one(site: Site, code: str = "RBT-01", username: str = "mediator.0") -> str:
    """Open and commit one case in its own session; return its reference."""
    with site.app.app_context():
        actor = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
        case = open_case(db.session, new_case(site.points[code]), actor=actor)
        db.session.commit()
        return case.reference


def numbers(references, code: str = "RBT-01") -> list[int]:
    parsed = [REFERENCE.match(reference) for reference in references]
    assert all(parsed), references
    assert {match["code"] for match in parsed} == {code}
    return [int(match["number"]) for match in parsed]


def this_year(site: Site) -> int:
    with site.app.app_context():
        return db.session.scalar(select(Case.opened_on).order_by(Case.id.desc())).year


def test_references_are_consecutive_per_service_point(site):
    first = [open_one(site) for _ in range(3)]
    year = this_year(site)
    assert first == [f"RBT-01-{year}-00001", f"RBT-01-{year}-00002", f"RBT-01-{year}-00003"]
    # A second service point has its own sequence, and the first one is not disturbed.
    assert open_one(site, "SAL-02") == f"SAL-02-{year}-00001"
    assert open_one(site) == f"RBT-01-{year}-00004"
    assert open_one(site, "SAL-02") == f"SAL-02-{year}-00002"


def test_each_year_has_its_own_sequence(site):
    with site.app.app_context():
        point = db.session.get(ServicePoint, site.points["RBT-01"])
        allocated = [allocate_reference(db.session, point, year) for year in (2025, 2026, 2025, 2026, 2026)]
        db.session.commit()
    assert allocated == ["RBT-01-2025-00001", "RBT-01-2026-00001", "RBT-01-2025-00002",
                         "RBT-01-2026-00002", "RBT-01-2026-00003"]


def test_a_number_is_never_reused(site):
    references = [open_one(site) for _ in range(2)]
    year = this_year(site)
    assert references[-1] == f"RBT-01-{year}-00002"
    # Delete the newest case directly (as a purge or an administrator might): max()+1 would hand out 2 again.
    with site.app.app_context():
        db.session.execute(delete(Case).where(Case.reference == references[-1]))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Case)) == 1
    assert open_one(site) == f"RBT-01-{year}-00003"


def test_an_opening_that_rolls_back_leaves_no_gap(site):
    # The number belonged to no case: the sequence row rolls back with the transaction.
    with site.app.app_context():
        actor = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.0"))
        case = open_case(db.session, new_case(site.points["RBT-01"]), actor=actor)
        assert case.reference.endswith("-00001")
        db.session.rollback()
    assert open_one(site).endswith("-00001")
    assert open_one(site).endswith("-00002")


def run_concurrently(site: Site, threads: int, per_thread: int) -> tuple[list[str], list[BaseException]]:
    """`threads` threads, each with its own application context, session and connection."""
    start = threading.Barrier(threads)
    references: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(username: str) -> None:
        try:
            start.wait(timeout=30)
            for _ in range(per_thread):
                reference = open_one(site, username=username)
                with lock:
                    references.append(reference)
        except BaseException as error:  # reported by the test
            with lock:
                errors.append(error)

    workers = [threading.Thread(target=work, args=(site.mediators[index],)) for index in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not any(worker.is_alive() for worker in workers), "a worker hung"
    return references, errors


def check_concurrent_run(site: Site, threads: int, per_thread: int) -> None:
    references, errors = run_concurrently(site, threads, per_thread)
    assert errors == []
    total = threads * per_thread
    assert len(references) == total and len(set(references)) == total
    assert sorted(numbers(references)) == list(range(1, total + 1))
    with site.app.app_context():
        stored = db.session.scalars(select(Case.reference)).all()
        last = db.session.scalar(select(CaseSequence.last_number)
                                 .where(CaseSequence.service_point_id == site.points["RBT-01"]))
    assert sorted(stored) == sorted(references)
    assert last == total


def backend(site: Site) -> str:
    with site.app.app_context():
        return db.engine.dialect.name


def test_concurrent_openings_on_postgresql_get_distinct_consecutive_references(site):
    if backend(site) != "postgresql":
        pytest.skip("the 8-thread race runs on PostgreSQL (set TEST_DATABASE_URL); SQLite runs the 4-thread one")
    check_concurrent_run(site, threads=8, per_thread=5)


def test_concurrent_openings_on_sqlite_get_distinct_consecutive_references(site):
    if backend(site) != "sqlite":
        pytest.skip("SQLite's variant: BEGIN IMMEDIATE serialises its writers; PostgreSQL runs the 8-thread race")
    check_concurrent_run(site, threads=4, per_thread=5)
