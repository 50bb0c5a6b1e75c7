"""Creating associations and staff accounts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.admin.models import Association, Province, Region, StaffUser
from mediation.auth.passwords import hash_password, policy_error
from mediation.core.audit import AuditAction, record
from mediation.core.authz import ASSOCIATION_ROLES, Profession, Role
from mediation.core.errors import Conflict, ValidationFailed

USERNAME_PATTERN = re.compile(r"^[\w.@-]{3,64}$")


def normalise_username(username: str) -> str:
    """NFKC and case-folded, so 'Mediator.A1' and 'mediator.a1' are one account."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


@dataclass(frozen=True)
class NewAssociation:
    name_ar: str
    name_fr: str
    region_code: str
    province_code: str | None = None


def create_association(session: Session, data: NewAssociation, *, actor: StaffUser | None) -> Association:
    """Create an association; a province, when given, must lie in its region."""
    if session.get(Region, data.region_code) is None:
        raise ValidationFailed(_l("Unknown region."), field="region_code")
    if data.province_code:
        province = session.get(Province, data.province_code)
        if province is None or province.region_code != data.region_code:
            raise ValidationFailed(_l("This province is not in the chosen region."), field="province_code")
    association = Association(
        name_ar=data.name_ar,
        name_fr=data.name_fr,
        region_code=data.region_code,
        province_code=data.province_code or None,
    )
    session.add(association)
    session.flush()
    _audit(session, AuditAction.CREATE, "association", association.public_id, actor, association.id)
    return association


@dataclass(frozen=True)
class NewStaffUser:
    username: str
    display_name: str
    role: Role
    password: str
    association_id: int | None = None
    profession: Profession | None = None


def create_staff_user(session: Session, data: NewStaffUser, *, actor: StaffUser | None) -> StaffUser:
    """Create an account: unique user name, a policy-conform password, role coherent with association."""
    username = normalise_username(data.username)
    if not USERNAME_PATTERN.fullmatch(username):
        raise ValidationFailed(
            _l("A user name has 3 to 64 letters, digits or the characters . _ - @."), field="username"
        )
    if session.scalar(select(func.count()).where(StaffUser.username == username)):
        raise Conflict(_l("This user name is already taken."), field="username")
    reason = policy_error(data.password)
    if reason is not None:
        raise ValidationFailed(reason, field="password")
    role = Role(data.role)
    if role in ASSOCIATION_ROLES:
        if data.association_id is None or session.get(Association, data.association_id) is None:
            raise ValidationFailed(_l("Choose the association of this account."), field="association_id")
    elif data.association_id is not None:
        raise ValidationFailed(_l("This role does not belong to an association."), field="association_id")
    profession = Profession(data.profession) if data.profession else None
    if (role is Role.MEDIATOR) != (profession is not None):
        raise ValidationFailed(_l("Staff members, and only they, have a profession."), field="profession")
    user = StaffUser(
        username=username,
        display_name=data.display_name,
        role=role,
        profession=profession,
        association_id=data.association_id if role in ASSOCIATION_ROLES else None,
        password_hash=hash_password(data.password),
    )
    session.add(user)
    session.flush()
    _audit(session, AuditAction.CREATE, "staff_user", user.public_id, actor, user.association_id)
    return user


def _audit(session, action, entity, entity_id, actor, association_id) -> None:
    if actor is None:  # command line: no logged-in actor
        record(session, action, entity=entity, entity_id=entity_id, actor_role="cli",
               association_id=association_id)
    else:
        record(session, action, entity=entity, entity_id=entity_id, actor_id=actor.id,
               actor_role=str(actor.role), association_id=association_id)
