"""The demo population: two associations and one account per role."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.admin.models import Association, StaffUser
from mediation.admin.services import NewAssociation, NewStaffUser, create_association, create_staff_user
from mediation.auth.passwords import verify_password
from mediation.core.authz import Profession, Role

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
)


def load_demo(session: Session) -> list[str]:
    """Create whatever part of the demo is missing; return the user names created."""
    associations: dict[str, Association] = {}
    for key, data in ASSOCIATIONS.items():
        existing = session.scalar(select(Association).where(Association.name_fr == data.name_fr))
        associations[key] = existing or create_association(session, data, actor=None)
    created = []
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
    return created


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
