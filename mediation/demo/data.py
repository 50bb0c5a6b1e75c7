"""The demo population: three associations with their CNDP declaration and authorisation and
their service point, one account per role, and a few case files per staff member, with their
sessions and follow-up actions (mediation/demo/cases.py), rooms and appointments around the
current week (mediation/demo/appointments.py), and referrals out in every status
(mediation/demo/referrals.py)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.accounts.codes import ServicePointKind
from mediation.accounts.models import Association, ServicePoint, StaffUser
from mediation.accounts.passwords import verify_password
from mediation.accounts.services import (
    AssociationData,
    NewAssociation,
    ServicePointData,
    create_association,
    create_service_point,
    update_association,
)
from mediation.accounts.staff import NewStaffUser, create_staff_user
from mediation.core.authz import Profession, Role
from mediation.demo.aftercare import load_demo_follow_ups
from mediation.demo.appointments import load_demo_appointments
from mediation.demo.cases import load_demo_cases
from mediation.demo.groups import load_demo_groups
from mediation.demo.referrals import load_demo_referrals
from mediation.demo.statistics import load_demo_statistics

# The demo's only weak point, printed by `make run`.
DEMO_PASSWORD = "demo-orange-garden-26"

ASSOCIATIONS = {
    "A": NewAssociation(
        name_ar="جمعية جسر الأسرة للوساطة - الرباط",
        name_fr="Association Jisr al-Usra pour la médiation - Rabat",
        region_code="MA-04",
        province_code="MA-RAB",
    ),
    "B": NewAssociation(
        name_ar="جمعية الأمل للإرشاد الأسري - أكادير",
        name_fr="Association Al Amal pour l'accompagnement familial - Agadir",
        region_code="MA-09",
        province_code="MA-AGD",
    ),
    # A third association: a national table is published only if at least three contribute
    # (docs/statistics.md, ST13), so the demo's releases need it (ST45).
    "C": NewAssociation(
        name_ar="جمعية النور للوساطة الأسرية - فاس",
        name_fr="Association An-Nour pour la médiation familiale - Fès",
        region_code="MA-03",
        province_code="MA-FES",
    ),
}

# Invented declaration numbers (Law 09-08): opening a case needs one.
CNDP_DECLARATIONS = {
    "A": ("DEMO-D-2025-0101", date(2025, 1, 20)),
    "B": ("DEMO-D-2025-0102", date(2025, 2, 10)),
    "C": ("DEMO-D-2025-0103", date(2025, 2, 24)),
}

# Invented prior authorisations for health data (Law 09-08): psychological sessions need one.
CNDP_AUTHORISATIONS = {
    "A": ("DEMO-A-2025-0201", date(2025, 3, 3)),
    "B": ("DEMO-A-2025-0202", date(2025, 3, 17)),
    "C": ("DEMO-A-2025-0203", date(2025, 3, 31)),
}

# One service point per association: code, kind, Arabic and French names, province.
SERVICE_POINTS = {
    "A": ("RBT-01", ServicePointKind.JISR_AL_USRA, "فضاء جسر الأسرة - الرباط", "Espace Jisr al-Usra - Rabat",
          "MA-RAB"),
    "B": ("AGD-01", ServicePointKind.JISR_AL_USRA, "فضاء جسر الأسرة - أكادير", "Espace Jisr al-Usra - Agadir",
          "MA-AGD"),
    "C": ("FES-01", ServicePointKind.MEDIATION_CENTRE, "مركز النور للوساطة - فاس", "Centre An-Nour de médiation - Fès",
          "MA-FES"),
}

# username, display name, role, association key, profession
ACCOUNTS = (
    ("admin", "Platform Admin", Role.ADMIN, None, None),
    ("ministry", "Analyste du ministère", Role.MINISTRY, None, None),
    ("supervisor.a", "سعاد العلوي", Role.SUPERVISOR, "A", None),
    ("mediator.a1", "Karim Benali", Role.MEDIATOR, "A", Profession.MEDIATOR),
    ("mediator.a2", "نادية الإدريسي", Role.MEDIATOR, "A", Profession.PSYCHOLOGIST),
    ("supervisor.b", "Youssef Amrani", Role.SUPERVISOR, "B", None),
    ("mediator.b1", "فاطمة الزهراء أوبلا", Role.MEDIATOR, "B", Profession.SOCIAL_WORKER),
    # Legal counselling needs a legal counsellor: co-worker on one of mediator.b1's cases.
    ("mediator.b2", "Rachid Ouhammou", Role.MEDIATOR, "B", Profession.LEGAL_COUNSELLOR),
    # The third association's supervisor: its demo history and funder export (docs/statistics.md, ST45).
    ("supervisor.c", "Leila Berrada", Role.SUPERVISOR, "C", None),
)


@dataclass
class DemoReport:
    """What one `load_demo` created; empty lists when the demo was already complete."""

    accounts: list[str] = field(default_factory=list)
    service_points: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    rooms: list[str] = field(default_factory=list)
    appointments: int = 0
    referrals: int = 0
    follow_ups: int = 0  # post-closure follow-ups planned
    groups: int = 0  # positive-parenting groups
    activities: int = 0  # family-space activities
    releases: list[str] = field(default_factory=list)  # statistics releases built (and published)


def _declare_cndp(session: Session, association: Association, key: str) -> None:
    """Record the demo CNDP declaration and authorisation where missing (an older demo database)."""
    if association.cndp_declaration_no and association.cndp_authorisation_no:
        return
    current = AssociationData(
        name_ar=association.name_ar, name_fr=association.name_fr, region_code=association.region_code,
        province_code=association.province_code, address=association.address, phone=association.phone,
        email=association.email, active=association.active,
        cndp_declaration_no=association.cndp_declaration_no, cndp_declaration_on=association.cndp_declaration_on,
        cndp_authorisation_no=association.cndp_authorisation_no,
        cndp_authorisation_on=association.cndp_authorisation_on,
    )
    if not association.cndp_declaration_no:
        number, on = CNDP_DECLARATIONS[key]
        current = replace(current, cndp_declaration_no=number, cndp_declaration_on=on)
    if not association.cndp_authorisation_no:
        number, on = CNDP_AUTHORISATIONS[key]
        current = replace(current, cndp_authorisation_no=number, cndp_authorisation_on=on)
    update_association(session, association, current, actor=None)


def _service_point(session: Session, association: Association, key: str, report: DemoReport) -> ServicePoint | None:
    """Where the association's demo cases are opened; its demo service point is created if it has none."""
    points = session.scalars(select(ServicePoint).where(ServicePoint.association_id == association.id)
                             .order_by(ServicePoint.id)).all()
    code, kind, name_ar, name_fr, province_code = SERVICE_POINTS[key]
    if not points:
        if session.scalar(select(func.count()).where(ServicePoint.code == code)):
            return None  # the code is someone else's: leave it alone
        report.service_points.append(code)
        return create_service_point(session, association, code,
                                    ServicePointData(kind, name_ar, name_fr, province_code=province_code), actor=None)
    active = [point for point in points if point.active]
    return next((point for point in active if point.code == code), active[0] if active else None)


def load_demo(session: Session) -> DemoReport:
    """Create whatever part of the demo is missing; say what was created."""
    report = DemoReport()
    associations: dict[str, Association] = {}
    for key, data in ASSOCIATIONS.items():
        existing = session.scalar(select(Association).where(Association.name_fr == data.name_fr))
        if existing is None:
            number, on = CNDP_DECLARATIONS[key]
            auth_number, auth_on = CNDP_AUTHORISATIONS[key]
            data = replace(data, cndp_declaration_no=number, cndp_declaration_on=on,
                           cndp_authorisation_no=auth_number, cndp_authorisation_on=auth_on)
        associations[key] = existing or create_association(session, data, actor=None)
        _declare_cndp(session, associations[key], key)
    service_points = {}
    for key, association in associations.items():
        point = _service_point(session, association, key, report)
        if point is not None:
            service_points[association.id] = point
    created = report.accounts
    for username, display_name, role, association_key, profession in ACCOUNTS:
        if session.scalar(select(StaffUser.id).where(StaffUser.username == username)):
            continue
        create_staff_user(
            session,
            NewStaffUser(
                username=username,
                display_name=display_name,
                role=role,
                password=DEMO_PASSWORD,
                association_id=associations[association_key].id if association_key else None,
                profession=profession,
            ),
            actor=None,
        )
        created.append(username)
    report.cases = load_demo_cases(session, service_points)
    report.referrals = load_demo_referrals(session, report.cases)
    report.follow_ups = load_demo_follow_ups(session, report.cases)
    report.rooms, report.appointments = load_demo_appointments(session, service_points)
    report.groups, report.activities = load_demo_groups(session, service_points)
    report.releases = load_demo_statistics(session, associations, service_points)
    return report


def demo_accounts_in_use(session: Session) -> list[str]:
    """The demo user names that exist, are active and still log in with the demo password."""
    usernames = [username for username, *_ in ACCOUNTS]
    hashes = dict(
        session.execute(
            select(StaffUser.username, StaffUser.password_hash).where(
                StaffUser.username.in_(usernames), StaffUser.active.is_(True)
            )
        ).all()
    )
    return [name for name in usernames if name in hashes and verify_password(hashes[name], DEMO_PASSWORD)]
