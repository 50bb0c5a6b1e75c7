"""Two staff of a case ask a supervisor for a decision at the same moment: one request is stored, the
other is told one is already waiting (docs/domain.md, DOM71).

The test runs on the reference-allocation tests' own database (`site`): the suite's shared, rolled-back
transaction would put every thread on one connection and hide the race.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from mediation.accounts.models import StaffUser
from mediation.cases.models import Case, DecisionRequest
from mediation.cases.services import requests
from mediation.cases.services.intake import add_co_worker, open_case
from mediation.extensions import db
from tests.cases.fixtures import new_case
from tests.cases.test_reference_allocation import site  # noqa: F401  (fixture: one association, its own database)

pytestmark = pytest.mark.no_db_transaction
THREADS = 4


@pytest.fixture
def case_id(site):
    """A case at intake whose gate refuses (nobody screened), worked by four of the site's staff."""
    with site.app.app_context():
        staff = [db.session.scalar(select(StaffUser).where(StaffUser.username == name))
                 for name in site.mediators[:THREADS]]
        case = open_case(db.session, new_case(site.points["RBT-01"]), actor=staff[0])
        for user in staff[1:]:
            add_co_worker(db.session, case, user.id, actor=staff[0])
        case_pk = case.id
        db.session.commit()
        db.session.remove()  # no transaction of this context holds SQLite's write lock during the race
    return site.app, case_pk


def test_two_requests_at_once_store_one(case_id):
    app, case_pk = case_id
    start = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def work(username: str) -> None:
        with app.app_context():
            try:
                actor = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
                case = db.session.get(Case, case_pk)
                db.session.commit()  # SQLite: no thread holds the write lock while the others wait to start
                start.wait(timeout=30)
                requests.request_decision(db.session, case, None, actor=actor)
                db.session.commit()
                outcome = "stored"
            except requests.AlreadyRequested:
                db.session.rollback()
                outcome = "already"
            except BaseException as error:  # reported by the test
                db.session.rollback()
                outcome = repr(error)
            finally:
                db.session.remove()
        with lock:
            outcomes.append(outcome)

    workers = [threading.Thread(target=work, args=(f"mediator.{index}",)) for index in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not any(worker.is_alive() for worker in workers), "a worker hung"
    assert sorted(outcomes) == ["already"] * (THREADS - 1) + ["stored"], outcomes
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DecisionRequest)) == 1
