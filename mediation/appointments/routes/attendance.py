"""Attendance to record: the past appointments still planned, so that their staff record whether they
were held or missed (the dashboard's "attendance not recorded" figure, as a list to act on)."""

from __future__ import annotations

from flask import abort, url_for
from flask_login import current_user

from mediation.appointments.policies import can_see_association_calendar
from mediation.appointments.queries import calendars as queries
from mediation.appointments.queries.booking import association_staff
from mediation.appointments.routes import bp
from mediation.appointments.routes.calendar import staff_from_query
from mediation.core import clock
from mediation.core.authz import Permission, require
from mediation.core.pagination import page_number
from mediation.core.views import render_viewed
from mediation.extensions import db

PAGE_SIZE = 50


@bp.route("/to-record")
@require(Permission.APPOINTMENT_VIEW)
def to_record():
    wanted = staff_from_query()
    # A supervisor chooses among the association's active staff (none chosen: the whole association);
    # anyone else sees their own list only. A staff member out of reach is not found, as unknown.
    choices = (association_staff(db.session, current_user.association_id)
               if can_see_association_calendar(current_user) else [])
    if choices:
        holder = None if wanted is None else next((s for s in choices if s.public_id == wanted), None)
        if wanted is not None and holder is None:
            abort(404)
    elif wanted in (None, current_user.public_id):
        holder = current_user
    else:
        abort(404)
    number = page_number()
    page = db.paginate(queries.attendance_to_record(current_user, holder, clock.now()), page=number,
                       per_page=PAGE_SIZE, error_out=False)
    staff_param = str(holder.public_id) if holder is not None and holder.id != current_user.id else None

    def link(number: int) -> str:
        return url_for("appointments.to_record", page=number, staff=staff_param)

    entity_id = holder.public_id if holder is not None else current_user.association.public_id
    return render_viewed(
        "appointments/to_record.html", entity="calendar", entity_id=entity_id,
        association_id=current_user.association_id, page=page, holder=holder, link=link,
        staff_choices=choices,
    )
