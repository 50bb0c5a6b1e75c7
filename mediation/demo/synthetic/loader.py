"""`load_synthetic`: a national-scale population for benchmarks, deterministic for a seed.

Refused in production and on a database that holds any association, account or case: it
gives ids itself and would otherwise collide with real rows. Everything is written through
bulk inserts (mediation/demo/synthetic/writer.py); the audit chain gets one event saying
that the population was loaded, through the normal `record`, so it still verifies.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from mediation.accounts.models import Association, StaffUser
from mediation.accounts.passwords import hash_password
from mediation.appointments.models import Appointment
from mediation.cases.models import Case, Person
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.clock import zone_name
from mediation.demo.synthetic.cases import write_case
from mediation.demo.synthetic.context import Context, Diary, utc
from mediation.demo.synthetic.draws import Draws
from mediation.demo.synthetic.groups import write_groups_and_activities
from mediation.demo.synthetic.population import YEARS, provinces_by_region, write_institutions
from mediation.demo.synthetic.timeline import write_intake_meetings
from mediation.demo.synthetic.writer import BulkWriter

# Every synthetic account logs in with it; printed by the command, like the demo's.
SYNTHETIC_PASSWORD = "synthetic-cedar-river-26"
INTAKE_MEETINGS_PER_STAFF = 2


class SyntheticRefused(Exception):
    """The synthetic population is never loaded in production nor into a database in use."""


@dataclass
class SyntheticReport:
    seed: int
    cases: int
    associations: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def refuse_unless_allowed(session: Session) -> None:
    if current_app.config.get("ENV_NAME") == "production":
        raise SyntheticRefused("synthetic data are never loaded in production")
    for model in (Association, StaffUser, Case, Person, Appointment):
        if session.scalar(select(func.count()).select_from(model)):
            raise SyntheticRefused("the database is not empty: synthetic data go into an empty database only")


def _opening_days(ctx: Context, count: int) -> list[date]:
    """Opening dates over the last YEARS years, more of them recently (the service grows), oldest first."""
    days = YEARS * 365
    return sorted(ctx.today - timedelta(days=int(days * ctx.draws.random() ** 1.3)) for _ in range(count))


def load_synthetic(session: Session, cases: int, seed: int, *, today: date | None = None) -> SyntheticReport:
    """Fill an empty database with `cases` synthetic case files and everything around them."""
    if cases < 1:
        raise ValueError("at least one case")
    refuse_unless_allowed(session)
    started = time.perf_counter()
    today = today or clock.today()
    writer = BulkWriter(session)
    zone = clock.zone()
    ctx = Context(writer=writer, draws=Draws(seed, "plan"), ids=Draws(seed, "public-ids"), seed=seed, today=today,
                  now=clock.now(), zone=zone, zone_name=zone_name(), outcomes=Draws(seed, "outcomes"))
    # One hash for every account: argon2 is slow on purpose, and the password is the same.
    password_hash = hash_password(SYNTHETIC_PASSWORD)
    plans = write_institutions(writer, ctx.draws, provinces_by_region(session), cases, password_hash, today,
                               utc(today - timedelta(days=365 * YEARS + 60)))
    writer.flush()
    for plan in plans:
        diary = Diary()
        sequences: dict[tuple[int, int], int] = defaultdict(int)
        adults: list = []
        for opened_on in _opening_days(ctx, plan.cases):
            lead = ctx.draws.choice(plan.mediators)
            point_id, code = plan.service_points[lead.service_point]
            sequences[point_id, opened_on.year] += 1
            reference = f"{code}-{opened_on.year:04d}-{sequences[point_id, opened_on.year]:05d}"
            adults.append(write_case(ctx, diary, plan, lead, opened_on, reference))
        write_groups_and_activities(ctx, diary, plan, adults)
        for mediator in plan.mediators:
            point_id = plan.service_points[mediator.service_point][0]
            write_intake_meetings(ctx, diary, plan.id, point_id, plan.rooms[point_id], mediator.id,
                                  INTAKE_MEETINGS_PER_STAFF)
        for (point_id, year), last in sorted(sequences.items()):
            writer.add("case_sequence", {"service_point_id": point_id, "year": year, "last_number": last})
        writer.flush()
    writer.finish()
    record(session, AuditAction.CREATE, entity="synthetic_population", entity_id=f"seed-{seed}-cases-{cases}",
           actor_role="cli")
    session.flush()
    return SyntheticReport(seed=seed, cases=cases, associations=len(plans), rows=dict(writer.written),
                           seconds=time.perf_counter() - started)


def refresh_planner_statistics(session: Session) -> None:
    """PostgreSQL plans from table statistics, which a bulk load leaves empty until autovacuum passes:
    measured at 10,000 cases, the supervisor dashboard's main query took 5 s before ANALYZE and 25-60 ms
    after. Run after the load's commit (SQLite keeps no statistics unless asked; the application never
    asks, so neither does this)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE"))
