"""Rooms: reference data of each association, managed per service point.

Who may: an administrator for any service point, a supervisor for their own
association's (the service points' rule). Every function flushes and never
commits; each change writes its audit event (ids only).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import ServicePoint, StaffUser
from mediation.accounts.policies import can_manage_service_point
from mediation.accounts.services import NotAllowed
from mediation.appointments.models import Room
from mediation.core.audit import AuditAction, record
from mediation.core.errors import Conflict, ValidationFailed

NAME_MAX = 80

NAME_REQUIRED = _l("Enter the name of the room.")
NAME_TOO_LONG = _l("A room's name has at most 80 characters.")
NAME_INVISIBLE = _l("A room's name needs at least one letter or digit.")
NAME_TAKEN = _l("This service point already has a room of this name.")
INACTIVE_SERVICE_POINT = _l("This service point is inactive: reactivate it before adding or reactivating rooms.")


@dataclass(frozen=True)
class RoomChanges:
    name: str
    active: bool


def _audit(session: Session, action: AuditAction, room: Room, actor: StaffUser | None) -> None:
    if actor is None:  # command line or demo loader: no logged-in actor
        record(session, action, entity="room", entity_id=room.public_id, actor_role="cli",
               association_id=room.association_id)
    else:
        record(session, action, entity="room", entity_id=room.public_id, actor_id=actor.id,
               actor_role=str(actor.role), association_id=room.association_id)


def _comparable(name: str) -> str:
    """'Salle 1', 'salle 1' and 'ＳＡＬＬＥ 1' are one room to a person choosing from a list."""
    return unicodedata.normalize("NFKC", name).casefold()


def clean_name(name: str | None) -> str:
    """Trimmed, inner runs of spaces made one, 1 to 80 characters with a letter or digit, no control characters."""
    text = " ".join((name or "").split())
    if not text:
        raise ValidationFailed(NAME_REQUIRED, field="name")
    if len(text) > NAME_MAX:
        raise ValidationFailed(NAME_TOO_LONG, field="name")
    if any(unicodedata.category(char) == "Cc" for char in text):
        # The form refuses them too; this guards the command line (PostgreSQL refuses NUL).
        raise ValidationFailed(_l("Remove the invisible control characters from this field."), field="name")
    if not any(char.isalnum() for char in text):
        # Marks or punctuation alone would show as an empty line in the lists.
        raise ValidationFailed(NAME_INVISIBLE, field="name")
    return text


def _check_unique(session: Session, service_point_id: int, name: str, exclude_id: int | None) -> None:
    # Lock the service point: two people adding "Salle 1" and "salle 1" at once are serialised,
    # and the second sees the first (the database's own constraint is case-sensitive).
    session.execute(select(ServicePoint.id).where(ServicePoint.id == service_point_id).with_for_update())
    query = select(Room.id, Room.name).where(Room.service_point_id == service_point_id)
    wanted = _comparable(name)
    for room_id, existing in session.execute(query):
        if room_id != exclude_id and _comparable(existing) == wanted:
            raise Conflict(NAME_TAKEN, field="name")


def _allowed(actor: StaffUser | None, service_point: ServicePoint) -> None:
    if actor is not None and not can_manage_service_point(actor, service_point):
        raise NotAllowed()


def add_room(session: Session, service_point: ServicePoint, name: str, *, actor: StaffUser | None) -> Room:
    """Add a room to an active service point; its name is unique there whatever the case."""
    _allowed(actor, service_point)
    if not service_point.active:
        raise ValidationFailed(INACTIVE_SERVICE_POINT)
    name = clean_name(name)
    _check_unique(session, service_point.id, name, None)
    room = Room(service_point_id=service_point.id, association_id=service_point.association_id, name=name,
                active=True)
    session.add(room)
    session.flush()
    _audit(session, AuditAction.CREATE, room, actor)
    return room


def update_room(session: Session, room: Room, changes: RoomChanges, *, actor: StaffUser | None) -> bool:
    """Rename, deactivate or reactivate a room; returns whether anything changed.

    A room of an inactive service point is not reactivated. Deactivating keeps
    the appointments already booked in the room: they are moved by a person.
    """
    service_point = room.service_point
    _allowed(actor, service_point)
    name = clean_name(changes.name)
    active = bool(changes.active)
    if active and not room.active and not service_point.active:
        raise ValidationFailed(INACTIVE_SERVICE_POINT, field="active")
    if name != room.name:
        _check_unique(session, room.service_point_id, name, room.id)
    if (name, active) == (room.name, room.active):
        return False
    room.name, room.active = name, active
    session.flush()
    _audit(session, AuditAction.UPDATE, room, actor)
    return True
