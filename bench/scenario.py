"""Who looks at what: the reference association's busiest mediator, its supervisor and the
ministry, each on their main pages; and the statistics release against its raw queries."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime

from sqlalchemy import func, select

from bench.pages import StatementCounter, Timing, measure_fixed, measure_page
from mediation.accounts.models import StaffUser
from mediation.cases.codes import CaseStatus
from mediation.cases.models import AssignmentRole, Case, CaseAssignment
from mediation.core import clock
from mediation.core.authz import Profession, Role
from mediation.counselling.models import CounsellingSession
from mediation.demo.synthetic.loader import SYNTHETIC_PASSWORD
from mediation.extensions import db
from mediation.statistics import release as releases
from mediation.statistics.models import StatisticsRelease
from mediation.statistics.own_report.quarters import last_finished_quarter

SUPERVISOR = "a001.supervisor1"
MINISTRY = "synthetic.ministry"
ADMIN = "synthetic.admin"


def previous_quarter(today) -> str:
    return last_finished_quarter(today).code


def busiest_mediators(limit: int):
    """(username, id, open cases led) of the reference association's mediators (profession mediator)
    leading the most open cases, most first."""
    return (select(StaffUser.username, StaffUser.id, func.count(Case.id).label("open_cases"))
            .join(CaseAssignment, CaseAssignment.user_id == StaffUser.id)
            .join(Case, Case.id == CaseAssignment.case_id)
            .where(StaffUser.username.like("a001.%"), StaffUser.role == Role.MEDIATOR,
                   StaffUser.profession == Profession.MEDIATOR, CaseAssignment.role == AssignmentRole.LEAD,
                   Case.status != CaseStatus.CLOSED)
            .group_by(StaffUser.username, StaffUser.id)
            .order_by(func.count(Case.id).desc(), StaffUser.id).limit(limit))


def choose(app) -> dict:
    """The reference association's mediator (profession mediator) leading the most open cases, and
    that mediator's case with the most sessions."""
    with app.app_context():
        session = db.session
        mediator, mediator_id, open_cases = session.execute(busiest_mediators(1)).one()
        longest = session.execute(
            select(Case.public_id, func.count(CounsellingSession.id))
            .join(CaseAssignment, CaseAssignment.case_id == Case.id)
            .join(CounsellingSession, CounsellingSession.case_id == Case.id)
            .where(CaseAssignment.user_id == mediator_id, CaseAssignment.role == AssignmentRole.LEAD)
            .group_by(Case.id, Case.public_id).order_by(func.count(CounsellingSession.id).desc(), Case.id)
            .limit(1)).one()
        return {"mediator": mediator, "open_cases": open_cases, "case": str(longest[0]),
                "case_sessions": longest[1]}


def release_timings(app, counter: StatementCounter, release_id: str, repeat: int) -> dict:
    """The release computation (build_release, rolled back) against the grouped queries it runs (tabulate)."""
    year, quarter = releases.parse_release_id(release_id)
    raw, total = Timing(), Timing()
    raw_statements = total_statements = 0
    with app.app_context():
        session = db.session
        for _ in range(repeat):
            with counter:
                started = time.perf_counter()
                releases.tabulate(session, year, quarter)
                raw.samples.append(time.perf_counter() - started)
            raw_statements = counter.count
        for _ in range(repeat):
            nested = session.begin_nested()
            with counter:
                started = time.perf_counter()
                releases.build_release(session, release_id)
                total.samples.append(time.perf_counter() - started)
            total_statements = counter.count
            nested.rollback()
        session.rollback()
    return {"release_id": release_id, "raw": raw, "total": total, "raw_statements": raw_statements,
            "total_statements": total_statements}


def publish(app, release_id: str) -> None:
    with app.app_context():
        session = db.session
        admin = session.scalar(select(StaffUser).where(StaffUser.username == ADMIN))
        built = releases.build_release(session, release_id, actor_id=admin.id)
        session.flush()
        # Synthetic data: publish at once, as if the release date (45 days after the quarter) had come.
        release_day = releases.release_date(built) + timedelta(days=1)
        now = max(clock.now(), datetime.combine(release_day, dtime(12), tzinfo=UTC))
        releases.publish_release(session, release_id, admin, now=now)
        session.commit()
        assert session.scalar(select(func.count()).select_from(StatisticsRelease)) == 1


def logged_in(app, username: str):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": SYNTHETIC_PASSWORD})
    assert response.status_code == 302, f"login as {username} failed"
    return client


def measure(app, repeat: int) -> dict:
    with app.app_context():
        counter = StatementCounter(db.engine)
        today = clock.today()
    chosen = choose(app)
    quarter = previous_quarter(today)
    annual = str(today.year - 1)
    release = {"quarterly": release_timings(app, counter, quarter, max(3, repeat // 3)),
               "annual": release_timings(app, counter, annual, max(3, repeat // 3))}
    publish(app, quarter)
    mediator, supervisor, ministry = (logged_in(app, name) for name in (chosen["mediator"], SUPERVISOR, MINISTRY))
    plan = (
        ("Mediator's cases", "/cases/", mediator, chosen["mediator"]),
        ("Case page (longest timeline)", f"/cases/{chosen['case']}", mediator, chosen["mediator"]),
        ("Week calendar", "/appointments/", mediator, chosen["mediator"]),
        ("My work", "/my-work", mediator, chosen["mediator"]),
        ("Supervisor dashboard", "/supervision/", supervisor, SUPERVISOR),
        ("Association case list", "/supervision/cases", supervisor, SUPERVISOR),
        ("Ministry release page", f"/statistics/releases/{quarter}", ministry, MINISTRY),
    )
    fixed = {user: measure_fixed(client, counter, repeat) for _name, _url, client, user in plan}
    pages = [measure_page(app, client, counter, name, url, user, repeat) for name, url, client, user in plan]
    for page in pages:
        page.fixed = fixed[page.user][0].median
    # Measured again after the pages, so that a drift of the machine during the run shows.
    fixed_after = {user: measure_fixed(client, counter, repeat) for _name, _url, client, user in plan}
    return {"pages": pages, "release": release, "chosen": chosen, "repeat": repeat,
            "fixed": {user: (timing, statements, fixed_after[user][0]) for user, (timing, statements) in fixed.items()}}
