"""Rooms of a service point: list, add, rename, deactivate (administrators: any; supervisors: their own)."""

from __future__ import annotations

from uuid import UUID

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, select

from mediation.accounts.models import ServicePoint
from mediation.accounts.policies import can_manage_service_point, visible_service_points
from mediation.appointments.models import Room
from mediation.appointments.queries.rooms import future_bookings
from mediation.appointments.room_forms import RoomEditForm, RoomForm
from mediation.appointments.routes import bp
from mediation.appointments.services import rooms as services
from mediation.core.authz import Permission, require
from mediation.core.views import load_in_scope, submit
from mediation.extensions import db


def _managed_rooms() -> Select:
    """Rooms exist for a user exactly where their service points do (outside: 404)."""
    points = visible_service_points(current_user).with_only_columns(ServicePoint.id)
    return select(Room).where(Room.service_point_id.in_(points.scalar_subquery()))


def _service_point(service_point_id: UUID) -> ServicePoint:
    return load_in_scope(visible_service_points(current_user), ServicePoint.public_id == service_point_id,
                         allowed=lambda point: can_manage_service_point(current_user, point))


def _list_page(point: ServicePoint, form: RoomForm, status: int = 200):
    rooms = db.session.scalars(select(Room).where(Room.service_point_id == point.id)
                               .order_by(Room.active.desc(), Room.name)).all()
    return render_template("appointments/rooms.html", service_point=point, rooms=rooms, form=form), status


@bp.route("/service-points/<uuid:service_point_id>/rooms")
@require(Permission.SERVICE_POINT_MANAGE)
def rooms(service_point_id: UUID):
    return _list_page(_service_point(service_point_id), RoomForm())


@bp.route("/service-points/<uuid:service_point_id>/rooms", methods=["POST"])
@require(Permission.SERVICE_POINT_MANAGE)
def room_add(service_point_id: UUID):
    point = _service_point(service_point_id)
    form = RoomForm()
    return submit(form, lambda: services.add_room(db.session, point, form.name.data, actor=current_user),
                  success=_("The room has been added."), page=lambda status: _list_page(point, form, status),
                  done=lambda _room: redirect(url_for("appointments.rooms", service_point_id=point.public_id)))


@bp.route("/rooms/<uuid:room_id>/edit", methods=["GET", "POST"])
@require(Permission.SERVICE_POINT_MANAGE)
def room_edit(room_id: UUID):
    room = load_in_scope(_managed_rooms(), Room.public_id == room_id,
                         allowed=lambda room: can_manage_service_point(current_user, room.service_point))
    point = room.service_point
    # The stored values fill the form only when it is shown; a posted form keeps what was typed.
    form = RoomEditForm(obj=room if request.method == "GET" else None)

    def page(status: int):
        return render_template("appointments/room_edit.html", form=form, room=room, service_point=point), status

    if request.method == "GET":
        return page(200)

    def change() -> bool:
        """Save; True when the room was closed while appointments are still booked in it."""
        was_active = room.active
        services.update_room(db.session, room, services.RoomChanges(name=form.name.data, active=form.active.data),
                             actor=current_user)
        return was_active and not room.active and bool(future_bookings(db.session, room))

    def done(still_booked: bool):
        if still_booked:
            flash(_("Appointments already booked in this room keep it: move them to another room if needed."),
                  "warning")
        return redirect(url_for("appointments.rooms", service_point_id=point.public_id))

    return submit(form, change, success=_("The room has been saved."), done=done, page=page)
