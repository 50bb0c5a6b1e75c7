"""Roles, permissions and the one role -> permission table.

A view declares what it needs with @require(Permission.X), placed directly
under @bp.route. The login gate (core/security.py) refuses any view that
declares nothing, so forgetting the decorator denies instead of exposing.
Object scope (which case, which account) is not decided here: each feature's
policies.py holds it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TypeVar

from flask_babel import lazy_gettext as _l

from mediation.core.codes import Code


class Role(Code):
    ADMIN = "admin", _l("Platform administrator")
    MINISTRY = "ministry", _l("Ministry analyst")
    SUPERVISOR = "supervisor", _l("Supervisor")
    MEDIATOR = "mediator", _l("Staff member")


# Roles that belong to one association.
ASSOCIATION_ROLES = frozenset({Role.SUPERVISOR, Role.MEDIATOR})


class Profession(Code):
    """Decides which session types a staff member may log (docs/domain.md, DOM9)."""

    MEDIATOR = "mediator", _l("Family mediator")
    PSYCHOLOGIST = "psychologist", _l("Psychologist")
    SOCIAL_WORKER = "social_worker", _l("Social worker")
    LEGAL_COUNSELLOR = "legal_counsellor", _l("Legal counsellor")


class Permission(enum.StrEnum):
    HOME = "home"
    PROFILE = "profile"
    ASSOCIATION_VIEW = "association.view"
    ASSOCIATION_MANAGE = "association.manage"
    SERVICE_POINT_MANAGE = "service_point.manage"
    STAFF_VIEW = "staff.view"
    STAFF_MANAGE = "staff.manage"
    SECOND_FACTOR_RESET = "second_factor.reset"
    AUDIT_VIEW = "audit.view"
    CASE_VIEW = "case.view"
    CASE_CREATE = "case.create"
    CASE_EDIT = "case.edit"
    CASE_CLOSE = "case.close"
    CASE_REOPEN = "case.reopen"
    SCREENING_DECIDE = "screening.decide"
    APPOINTMENT_VIEW = "appointment.view"
    APPOINTMENT_MANAGE = "appointment.manage"
    DASHBOARD_VIEW = "dashboard.view"
    CASE_REVIEW = "case.review"
    CASE_REASSIGN = "case.reassign"
    RELEASE_VIEW = "release.view"
    RELEASE_MANAGE = "release.manage"
    OWN_REPORT_VIEW = "own_report.view"
    # Retention and data-subject requests: supervisors, own association only.
    RETENTION_VIEW = "retention.view"
    SUBJECT_REQUEST_MANAGE = "subject_request.manage"
    # Positive-parenting groups (docs/security.md, S61): staff see the groups they run, supervisors plan them.
    GROUP_VIEW = "group.view"
    GROUP_PLAN = "group.plan"
    # The association's SMS texts (docs/domain.md, DOM146; docs/security.md, S84): its supervisors only.
    SMS_TEMPLATE_MANAGE = "sms_template.manage"


_EVERYONE = frozenset({Permission.HOME, Permission.PROFILE})

# Object scope is checked on top of these (policies.py): a supervisor manages
# the service points and staff of their own association only.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: _EVERYONE
    | {
        Permission.ASSOCIATION_VIEW,
        Permission.ASSOCIATION_MANAGE,
        Permission.SERVICE_POINT_MANAGE,
        Permission.STAFF_VIEW,
        Permission.STAFF_MANAGE,
        Permission.SECOND_FACTOR_RESET,
        Permission.AUDIT_VIEW,
        Permission.RELEASE_VIEW,
        Permission.RELEASE_MANAGE,
    },
    Role.MINISTRY: _EVERYONE | {Permission.RELEASE_VIEW},
    Role.SUPERVISOR: _EVERYONE
    | {
        Permission.SERVICE_POINT_MANAGE,
        Permission.STAFF_VIEW,
        Permission.STAFF_MANAGE,
        Permission.AUDIT_VIEW,
        Permission.CASE_VIEW,
        Permission.CASE_CREATE,
        Permission.CASE_EDIT,
        Permission.CASE_CLOSE,
        Permission.CASE_REOPEN,
        Permission.SCREENING_DECIDE,
        Permission.APPOINTMENT_VIEW,
        Permission.APPOINTMENT_MANAGE,
        Permission.DASHBOARD_VIEW,
        Permission.CASE_REVIEW,
        Permission.CASE_REASSIGN,
        Permission.OWN_REPORT_VIEW,
        # Retention and requests: not the admin's (the admin sees no case content, so neither list is theirs).
        Permission.RETENTION_VIEW,
        Permission.SUBJECT_REQUEST_MANAGE,
        Permission.GROUP_VIEW,
        Permission.GROUP_PLAN,
        Permission.SMS_TEMPLATE_MANAGE,
    },
    # Admin and ministry see no case content (docs/security.md, S14).
    Role.MEDIATOR: _EVERYONE
    | {Permission.CASE_VIEW, Permission.CASE_CREATE, Permission.CASE_EDIT, Permission.CASE_CLOSE,
       Permission.APPOINTMENT_VIEW, Permission.APPOINTMENT_MANAGE, Permission.DASHBOARD_VIEW, Permission.GROUP_VIEW},
}


def role_has(role: Role | str | None, permission: Permission) -> bool:
    try:
        return role is not None and permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False


View = TypeVar("View", bound=Callable)


def require(permission: Permission) -> Callable[[View], View]:
    """Declare the permission a view needs; the login gate enforces it."""

    def mark(view: View) -> View:
        view.required_permission = permission  # type: ignore[attr-defined]
        return view

    return mark
