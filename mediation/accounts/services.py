"""Associations, service points and staff accounts: the rules and the writes.

Every function here flushes and never commits; each change writes its audit
event (ids only) in the caller's transaction.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mediation.accounts.codes import ServicePointKind
from mediation.accounts.models import (
    ASSOCIATION_RETENTION_MINIMUM,
    RETENTION_MAXIMUM,
    Association,
    Province,
    Region,
    ServicePoint,
    StaffUser,
)
from mediation.accounts.policies import (
    can_manage_association,
    can_manage_service_point,
    can_manage_service_points_of,
)
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.errors import Conflict, DomainError, ValidationFailed
from mediation.core.text import bounded_text

USERNAME_PATTERN = re.compile(r"^[\w.@-]{3,64}$")
SERVICE_POINT_CODE_PATTERN = re.compile(r"^[A-Z0-9-]{2,12}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class NotAllowed(DomainError):
    message = _l("Your account may not make this change.")


def normalise_username(username: str) -> str:
    """NFKC and case-folded, so 'Mediator.A1' and 'mediator.a1' are one account."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def audit_change(session, action, entity, entity_id, actor, association_id) -> None:
    if actor is None:  # command line: no logged-in actor
        record(session, action, entity=entity, entity_id=entity_id, actor_role="cli",
               association_id=association_id)
    else:
        record(session, action, entity=entity, entity_id=entity_id, actor_id=actor.id,
               actor_role=str(actor.role), association_id=association_id)


def _check_place(session: Session, region_code: str | None, province_code: str | None) -> None:
    """The region exists; a province, when given, lies in it (docs/domain.md, DOM1)."""
    if not region_code or session.get(Region, region_code) is None:
        raise ValidationFailed(_l("Unknown region."), field="region_code")
    if province_code:
        province = session.get(Province, province_code)
        if province is None or province.region_code != region_code:
            raise ValidationFailed(_l("This province is not in the chosen region."), field="province_code")


def check_email(email: str | None, field: str = "email") -> str | None:
    email = bounded_text(email, field, 200)
    if email is not None and not EMAIL_PATTERN.fullmatch(email):
        raise ValidationFailed(_l("Enter an e-mail address such as name@example.ma."), field=field)
    return email


def flush_unique(session: Session, obj, error: Conflict) -> None:
    """Flush one new row; a unique violation (a concurrent twin) becomes a Conflict."""
    try:
        with session.begin_nested():
            session.add(obj)
            session.flush()
    except IntegrityError:
        raise error from None


# Associations


@dataclass(frozen=True)
class AssociationData:
    name_ar: str
    name_fr: str
    region_code: str
    province_code: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    cndp_declaration_no: str | None = None
    cndp_declaration_on: date | None = None
    cndp_authorisation_no: str | None = None
    cndp_authorisation_on: date | None = None
    active: bool = True
    statistics_need_consent: bool = False
    calendar_shows_details: bool = False
    retention_months: str | int | None = None  # as typed; blank: the installation's period


NewAssociation = AssociationData


def _association_values(session: Session, data: AssociationData) -> dict:
    _check_place(session, data.region_code, data.province_code)
    number, on = bounded_text(data.cndp_declaration_no, "cndp_declaration_no", 40), data.cndp_declaration_on
    if on is not None and number is None:
        raise ValidationFailed(_l("Enter the declaration number with its date."), field="cndp_declaration_no")
    if number is not None and on is None:
        raise ValidationFailed(_l("Enter the date of the declaration."), field="cndp_declaration_on")
    if on is not None and on > clock.today():
        raise ValidationFailed(_l("The declaration date cannot be in the future."), field="cndp_declaration_on")
    # Prior authorisation for health data (docs/domain.md, DOM3): the same both-or-neither rule.
    auth_number = bounded_text(data.cndp_authorisation_no, "cndp_authorisation_no", 40)
    auth_on = data.cndp_authorisation_on
    if auth_on is not None and auth_number is None:
        raise ValidationFailed(_l("Enter the authorisation number with its date."), field="cndp_authorisation_no")
    if auth_number is not None and auth_on is None:
        raise ValidationFailed(_l("Enter the date of the authorisation."), field="cndp_authorisation_on")
    if auth_on is not None and auth_on > clock.today():
        raise ValidationFailed(_l("The authorisation date cannot be in the future."), field="cndp_authorisation_on")
    return {
        "name_ar": bounded_text(data.name_ar, "name_ar", 200, required=True),
        "name_fr": bounded_text(data.name_fr, "name_fr", 200, required=True),
        "region_code": data.region_code,
        "province_code": data.province_code or None,
        "address": bounded_text(data.address, "address", 300),
        "phone": bounded_text(data.phone, "phone", 40),
        "email": check_email(data.email),
        "cndp_declaration_no": number,
        "cndp_declaration_on": on,
        "cndp_authorisation_no": auth_number,
        "cndp_authorisation_on": auth_on,
        "active": bool(data.active),
        "statistics_need_consent": bool(data.statistics_need_consent),
        "calendar_shows_details": bool(data.calendar_shows_details),
        "retention_months": _retention_months(data.retention_months),
    }


def _retention_months(value: str | int | None) -> int | None:
    """An association's own retention period for closed cases: a whole number of months within bounds."""
    text = str(value).strip() if value is not None else ""
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):
        raise ValidationFailed(_l("Enter a whole number of months, or leave the field empty."),
                               field="retention_months")
    months = int(text)
    if not ASSOCIATION_RETENTION_MINIMUM <= months <= RETENTION_MAXIMUM:
        raise ValidationFailed(_l("Enter between %(minimum)d and %(maximum)d months.",
                                  minimum=ASSOCIATION_RETENTION_MINIMUM, maximum=RETENTION_MAXIMUM),
                               field="retention_months")
    return months


def create_association(session: Session, data: AssociationData, *, actor: StaffUser | None) -> Association:
    """Create an association; a province, when given, must lie in its region."""
    if actor is not None and not can_manage_association(actor):
        raise NotAllowed()
    association = Association(**_association_values(session, data))
    session.add(association)
    session.flush()
    audit_change(session, AuditAction.CREATE, "association", association.public_id, actor, association.id)
    return association


def update_association(session: Session, association: Association, data: AssociationData, *,
                       actor: StaffUser | None) -> Association:
    """Change an association's details or (de)activate it; the province stays in the region."""
    if actor is not None and not can_manage_association(actor, association):
        raise NotAllowed()
    for name, value in _association_values(session, data).items():
        setattr(association, name, value)
    session.flush()
    audit_change(session, AuditAction.UPDATE, "association", association.public_id, actor, association.id)
    return association


# Service points


@dataclass(frozen=True)
class ServicePointData:
    kind: ServicePointKind | str
    name_ar: str
    name_fr: str
    region_code: str | None = None  # None: the association's region
    province_code: str | None = None
    active: bool = True


def normalise_service_point_code(code: str) -> str:
    """Codes are upper-case ASCII; lower-case ASCII letters are raised, nothing else is changed."""
    code = code.strip()
    return code.upper() if code.isascii() else code


def _service_point_values(session: Session, association: Association, data: ServicePointData) -> dict:
    try:
        kind = ServicePointKind(data.kind)
    except ValueError:
        raise ValidationFailed(_l("Choose the kind of service point."), field="kind") from None
    region_code = data.region_code or association.region_code
    _check_place(session, region_code, data.province_code)
    return {
        "kind": kind,
        "name_ar": bounded_text(data.name_ar, "name_ar", 200, required=True),
        "name_fr": bounded_text(data.name_fr, "name_fr", 200, required=True),
        "region_code": region_code,
        "province_code": data.province_code or None,
        "active": bool(data.active),
    }


def create_service_point(session: Session, association: Association, code: str, data: ServicePointData, *,
                         actor: StaffUser | None) -> ServicePoint:
    """Create a service point with a unique code of 2-12 upper-case letters, digits or '-'."""
    if actor is not None and not can_manage_service_points_of(actor, association):
        raise NotAllowed()
    code = normalise_service_point_code(code)
    if not SERVICE_POINT_CODE_PATTERN.fullmatch(code):
        raise ValidationFailed(
            _l("A code has 2 to 12 upper-case letters (A-Z), digits or hyphens."), field="code"
        )
    taken = Conflict(_l("This code is already used by another service point."), field="code")
    if session.scalar(select(func.count()).where(ServicePoint.code == code)):
        raise taken
    service_point = ServicePoint(association_id=association.id, code=code,
                                 **_service_point_values(session, association, data))
    flush_unique(session, service_point, taken)
    audit_change(session, AuditAction.CREATE, "service_point", service_point.public_id, actor, association.id)
    return service_point


def update_service_point(session: Session, service_point: ServicePoint, data: ServicePointData, *,
                         actor: StaffUser | None, code: str | None = None) -> ServicePoint:
    """Change a service point; its code is frozen, since case references are built from it."""
    if actor is not None and not can_manage_service_point(actor, service_point):
        raise NotAllowed()
    if code is not None and normalise_service_point_code(code) != service_point.code:
        raise ValidationFailed(_l("The code of a service point cannot be changed."), field="code")
    for name, value in _service_point_values(session, service_point.association, data).items():
        setattr(service_point, name, value)
    session.flush()
    audit_change(session, AuditAction.UPDATE, "service_point", service_point.public_id, actor,
           service_point.association_id)
    return service_point
