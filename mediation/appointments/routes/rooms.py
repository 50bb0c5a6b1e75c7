"""Rooms of a service point: list, add, rename, deactivate (administrators: any; supervisors: their own)."""

from __future__ import annotations

from uuid import UUID

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, select

from mediation.accounts.models import ServicePoint
from mediation.accounts.policies import can_manage_service_point, visible_service_points
from mediation.appointments.models import Room
from mediation.appointments.room_forms import RoomEditForm, RoomForm
from mediation.appointments.routes import bp
from mediation.appointments.services import rooms as services
from mediation.core.authz import Permission, require
from mediation.core.errors import DomainError
from mediation.core.forms import attach_error
from mediation.extensions import db

# A DomainError re-renders the form with this status: the input was understood but refused.
REFUSED = 422


def _managed_rooms() -> Select:
    """Rooms exist for a user exactly where their service points do (outside: 404)."""
    points = visible_service_points(current_user).with_only_columns(ServicePoint.id)
    return select(Room).where(Room.service_point_id.in_(points.scalar_subquery()))


def _service_point(service_point_id: UUID) -> ServicePoint:
    point = db.one_or_404(visible_service_points(current_user).where(ServicePoint.public_id == service_point_id))
    if not can_manage_service_point(current_user, point):
        abort(403)
    return point


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
    if not form.validate_on_submit():
        return _list_page(point, form, REFUSED)
    try:
        services.add_room(db.session, point, form.name.data, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return _list_page(point, form, REFUSED)
    db.session.commit()
    flash(_("The room has been added."), "success")
    return redirect(url_for("appointments.rooms", service_point_id=point.public_id))


@bp.route("/rooms/<uuid:room_id>/edit", methods=["GET", "POST"])
@require(Permission.SERVICE_POINT_MANAGE)
def room_edit(room_id: UUID):
    room = db.one_or_404(_managed_rooms().where(Room.public_id == room_id))
    point = room.service_point
    if not can_manage_service_point(current_user, point):
        abort(403)
    # The stored values fill the form only when it is shown; a posted form keeps what was typed.
    form = RoomEditForm(obj=room if request.method == "GET" else None)
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.validate_on_submit():
            was_active = room.active
            try:
                services.update_room(
                    db.session, room, services.RoomChanges(name=form.name.data, active=form.active.data),
                    actor=current_user)
            except DomainError as error:
                db.session.rollback()
                attach_error(form, error)
            else:
                still_booked = was_active and not room.active and services.future_bookings(db.session, room)
                db.session.commit()
                flash(_("The room has been saved."), "success")
                if still_booked:
                    flash(_("Appointments already booked in this room keep it: move them to another room "
                            "if needed."), "warning")
                return redirect(url_for("appointments.rooms", service_point_id=point.public_id))
    return render_template("appointments/room_edit.html", form=form, room=room, service_point=point), status

