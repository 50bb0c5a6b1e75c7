"""Microdata for the release tests: associations per region and cases bulk-inserted with fixed keys.

Cases are inserted with Core statements (not the intake service) so a test can place hundreds of
cases in a past quarter with chosen stat_keys; the statistics code never sees the difference.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from mediation.accounts.models import ServicePoint, StaffUser
from mediation.accounts.services import NewAssociation, ServicePointData, create_association, create_service_point
from mediation.cases.models import Participant, Person
from mediation.cases.models.case import Case, CaseIssue, Closure
from mediation.cases.models.safety import Consent, Screening
from mediation.counselling.models import CounsellingSession
from mediation.extensions import db

Q3_2025 = datetime(2025, 8, 15, 12, 0, tzinfo=UTC)


@dataclass
class CaseSpec:
    point: str  # service point code
    stat_key: int
    created_at: datetime = Q3_2025
    issues: tuple[str, ...] = ("custody",)
    child_bands: tuple[str, ...] = ()
    screenings: tuple[tuple[int, str], ...] = ()  # (minutes after created_at, result) for one party
    closures: tuple[tuple[int, str], ...] = ()  # (days after created_at, outcome)
    sessions: tuple[tuple[str, bool], ...] = ()  # (type, voided)
    outcome: str | None = None
    # `statistics` consent rows of each adult party, oldest first; one tuple per party (an empty tuple:
    # a party with no row). Without it the case has one party (the mother) and no consent row.
    statistics_consent: tuple[tuple[str, ...], ...] = ()


def add_association(region: str, code: str) -> str:
    """One association with one service point in `region`; returns the point's code."""
    association = create_association(db.session, NewAssociation(f"جمعية {code}", f"Association {code}", region),
                                     actor=None)
    create_service_point(db.session, association, code, ServicePointData("mediation_centre", "فضاء", "Espace"),
                         actor=None)
    return code


def standard_world() -> list[CaseSpec]:
    """docs/statistics.md, ST27 fixtures in 2025-Q3: MA-04 served by 2 associations; MA-05 with one 95 % association;
    MA-03, MA-06, MA-07 with 3 even associations; a few cases in MA-09 and MA-10 (south)."""
    rng = random.Random(8)
    plan: list[tuple[str, int]] = []
    for region, sizes in (("MA-03", (10, 10, 10)), ("MA-06", (10, 10, 10)), ("MA-07", (10, 10, 10)),
                          ("MA-04", (12, 12)), ("MA-05", (57, 2, 1)), ("MA-09", (5,)), ("MA-10", (3,))):
        for index, size in enumerate(sizes):
            plan.append((add_association(region, f"{region[3:]}-{index}"), size))
    issue_sets = (("custody",), ("marital_discord",), ("inheritance", "separation_arrangements"), ("other",),
                  ("elderly_care", "visitation"))
    bands = ((), ("0_3", "12_14"), ("15_17",), ("unknown",), ("6_11", "unknown"))
    specs = []
    for point, size in plan:
        for _ in range(size):
            n = len(specs)
            specs.append(CaseSpec(
                point=point, stat_key=rng.randrange(256), issues=issue_sets[n % 5], child_bands=bands[n % 5],
                screenings=(((0, "positive"), (30, "negative")) if n % 7 == 0 else ((0, "positive"),) if n % 7 == 1
                            else ()),
                closures=((20, "agreement_full"),) if n % 3 == 0 else ((25, "lost_contact"),) if n % 3 == 1 else (),
                sessions=(("individual", False), ("joint_mediation", n % 4 == 0)),
            ))
    return specs


def insert_cases(specs: list[CaseSpec]) -> None:
    """Bulk-insert the cases and their rows, in the order given."""
    session = db.session
    actor_id = session.scalar(select(StaffUser.id).order_by(StaffUser.id).limit(1))
    points = {code: (sp_id, association_id) for code, sp_id, association_id in session.execute(
        select(ServicePoint.code, ServicePoint.id, ServicePoint.association_id))}
    base = session.scalar(select(Case.id).order_by(Case.id.desc()).limit(1)) or 0
    references = []
    for number, spec in enumerate(specs):
        sp_id, association_id = points[spec.point]
        reference = f"{spec.point}-{spec.created_at.year}-{base + number + 1:05d}"
        references.append(reference)
        opened = spec.created_at.date()
        session.execute(insert(Case), [dict(
            reference=reference, association_id=association_id, service_point_id=sp_id,
            status="closed" if spec.outcome else "intake", opened_on=opened, first_contact_on=opened,
            intake_channel="walk_in", referral_source="self", court_linked=False, court_stage="none",
            created_by_id=actor_id, stat_key=spec.stat_key, version_id=1, outcome=spec.outcome,
            created_at=spec.created_at, updated_at=spec.created_at)])
    ids = dict(session.execute(select(Case.reference, Case.id).where(Case.reference.in_(references))).all())
    for reference, spec in zip(references, specs, strict=True):
        case_id = ids[reference]
        association_id = points[spec.point][1]
        session.execute(insert(CaseIssue), [dict(case_id=case_id, issue=issue) for issue in spec.issues])
        parties = [("mother", "25_34"), ("father", "35_44"), ("grandparent", "60_plus")]
        people = parties[:max(1, len(spec.statistics_consent))] + [("child", band) for band in spec.child_bands]
        for position, (role, band) in enumerate(people):
            person_id = session.execute(insert(Person).returning(Person.id), [dict(
                association_id=association_id, full_name="Test", sex="female", version_id=1)]).scalar_one()
            participant_id = session.execute(insert(Participant).returning(Participant.id), [dict(
                case_id=case_id, person_id=person_id, role=role, age_band=band, is_party=role != "child",
                version_id=1)]).scalar_one()
            if role != "child" and position < len(spec.statistics_consent) and spec.statistics_consent[position]:
                session.execute(insert(Consent), [dict(
                    participant_id=participant_id, scope="statistics", status=status, on_date=spec.created_at.date(),
                    given_by="self", notice_version="v1", recorded_by_id=actor_id)
                    for status in spec.statistics_consent[position]])
            if role == "mother":
                for minutes, result in spec.screenings:
                    session.execute(insert(Screening), [dict(
                        participant_id=participant_id, screened_by_id=actor_id, screened_on=spec.created_at.date(),
                        created_at=spec.created_at + timedelta(minutes=minutes), result=result,
                        violence="current" if result == "positive" else "none")])
        for days, outcome in spec.closures:
            at = spec.created_at + timedelta(days=days)
            session.execute(insert(Closure), [dict(case_id=case_id, closed_on=at.date(), closed_by_id=actor_id,
                                                   outcome=outcome, created_at=at, stat_key=(spec.stat_key * 7) % 256)])
        for index, (kind, voided) in enumerate(spec.sessions):
            at = spec.created_at + timedelta(days=1 + index)
            session.execute(insert(CounsellingSession), [dict(
                case_id=case_id, type=kind, mode="in_person", started_at=at, duration_min=60,
                visibility="staff_only", author_id=actor_id, created_at=at, version_id=1,
                stat_key=(spec.stat_key * 3 + index) % 256, voided_at=at if voided else None)])

