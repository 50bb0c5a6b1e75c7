"""Staff accounts: create, edit, deactivate (never delete); the rules of roles and associations."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.accounts.models import (
    Association,
    StaffUser,
)
from mediation.accounts.passwords import hash_password, policy_error
from mediation.accounts.policies import (
    can_change_role_or_association,
    can_create_staff,
    can_manage_staff,
    can_set_active,
)
from mediation.accounts.services import (
    USERNAME_PATTERN,
    NotAllowed,
    audit_change,
    check_email,
    flush_unique,
    normalise_username,
)
from mediation.accounts.sessions import end_all_sessions
from mediation.core.audit import AuditAction
from mediation.core.authz import ASSOCIATION_ROLES, Profession, Role
from mediation.core.errors import Conflict, ValidationFailed
from mediation.core.names import display_name_error
from mediation.core.text import bounded_text


def _check_display_name(name: str | None) -> str:
    """The rules of core/names.py, which a user's own profile follows too."""
    name = unicodedata.normalize("NFC", bounded_text(name, "display_name", 120, required=True))
    error = display_name_error(name)
    if error is not None:
        raise ValidationFailed(error, field="display_name")
    return name


def _check_role_shape(session: Session, role: Role | str, association_id: int | None,
                      profession: Profession | str | None) -> tuple[Role, int | None, Profession | None]:
    """Supervisors and staff belong to an association, others to none; only staff have a profession."""
    try:
        role = Role(role)
    except ValueError:
        raise ValidationFailed(_l("Choose a role."), field="role") from None
    if role in ASSOCIATION_ROLES:
        if association_id is None or session.get(Association, association_id) is None:
            raise ValidationFailed(_l("Choose the association of this account."), field="association_id")
    elif association_id is not None:
        raise ValidationFailed(_l("This role does not belong to an association."), field="association_id")
    try:
        profession = Profession(profession) if profession else None
    except ValueError:
        raise ValidationFailed(_l("Choose a profession."), field="profession") from None
    if (role is Role.MEDIATOR) != (profession is not None):
        raise ValidationFailed(_l("Staff members, and only they, have a profession."), field="profession")
    return role, association_id, profession


def _context_words(session: Session, username: str, display_name: str, association_id: int | None) -> list[str]:
    words = [username, display_name]
    association = session.get(Association, association_id) if association_id is not None else None
    if association is not None:
        words += [association.name_ar, association.name_fr]
    return words


@dataclass(frozen=True)
class NewStaffUser:
    username: str
    display_name: str
    role: Role
    password: str
    association_id: int | None = None
    profession: Profession | None = None
    email: str | None = None


def create_staff_user(session: Session, data: NewStaffUser, *, actor: StaffUser | None) -> StaffUser:
    """Create an account: unique user name, a policy-conform password, role coherent with association.

    A supervisor creates staff members of their own association only.
    """
    if actor is not None and not can_create_staff(actor, data.role, data.association_id):
        raise NotAllowed()
    username = normalise_username(data.username)
    if not USERNAME_PATTERN.fullmatch(username):
        raise ValidationFailed(
            _l("A user name has 3 to 64 letters, digits or the characters . _ - @."), field="username"
        )
    taken = Conflict(_l("This user name is already taken."), field="username")
    if session.scalar(select(func.count()).where(StaffUser.username == username)):
        raise taken
    display_name = _check_display_name(data.display_name)
    email = check_email(data.email)
    role, association_id, profession = _check_role_shape(session, data.role, data.association_id, data.profession)
    reason = policy_error(data.password, context=_context_words(session, username, display_name, association_id))
    if reason is not None:
        raise ValidationFailed(reason, field="password")
    user = StaffUser(
        username=username,
        display_name=display_name,
        email=email,
        role=role,
        profession=profession,
        association_id=association_id,
        password_hash=hash_password(data.password),
    )
    flush_unique(session, user, taken)
    audit_change(session, AuditAction.CREATE, "staff_user", user.public_id, actor, user.association_id)
    return user


@dataclass(frozen=True)
class StaffChanges:
    """The whole editable state; the route fills what the actor may not change from the account."""

    display_name: str
    email: str | None
    profession: Profession | None
    role: Role
    association_id: int | None


def update_staff_user(session: Session, target: StaffUser, changes: StaffChanges, *,
                      actor: StaffUser | None) -> StaffUser:
    """Edit an account; a change of role, association or profession ends its sessions (docs/security.md, S8).

    Only an administrator changes role or association, and never their own.
    """
    if actor is not None and not can_manage_staff(actor, target):
        raise NotAllowed()
    role, association_id, profession = _check_role_shape(
        session, changes.role, changes.association_id, changes.profession
    )
    if (role, association_id) != (target.role, target.association_id) and actor is not None \
            and not can_change_role_or_association(actor, target):
        raise NotAllowed(_l("Only an administrator changes the role or association of another account."),
                         field="role" if role != target.role else "association_id")
    display_name = _check_display_name(changes.display_name)
    email = check_email(changes.email)
    scope_changed = (role, association_id, profession) != (target.role, target.association_id, target.profession)
    target.display_name = display_name
    target.email = email
    target.role = role
    target.association_id = association_id
    target.profession = profession
    session.flush()
    if scope_changed:
        end_all_sessions(session, target)
    audit_change(session, AuditAction.UPDATE, "staff_user", target.public_id, actor, target.association_id)
    return target


def set_staff_active(session: Session, target: StaffUser, active: bool, *, actor: StaffUser) -> StaffUser:
    """Deactivate (never delete) or reactivate another account; deactivation ends its sessions."""
    if actor.id == target.id:
        raise NotAllowed(_l("You cannot deactivate or reactivate your own account."))
    if not can_set_active(actor, target):
        raise NotAllowed()
    if target.active == active:
        return target
    target.active = active
    session.flush()
    if not active:
        end_all_sessions(session, target)
    audit_change(session, AuditAction.UPDATE, "staff_user", target.public_id, actor, target.association_id)
    return target
