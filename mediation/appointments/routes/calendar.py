"""Calendar routes: a staff member's day or week, and a supervisor's association week.

Query strings are hand-typed and bookmarked, so bad values never fail the page:
an unreadable date means today, an unknown view or grouping the default. Only
a staff member the user may not see is an error (404, as for an unknown id).
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

from flask import abort, request, url_for
from flask_login import current_user

from mediation.appointments.policies import can_see_association_calendar
from mediation.appointments.queries import calendars as queries
from mediation.appointments.queries.booking import association_staff
from mediation.appointments.routes import bp
from mediation.core import clock
from mediation.core.authz import Permission, require
from mediation.core.views import render_viewed
from mediation.extensions import db

# ASCII digits only: str.isdigit and \d also accept Arabic-Indic digits.
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# The calendar's reach: far enough for any real planning, near enough for every zone computation.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
DAY, WEEK = "day", "week"
HIDE = "hide"


def _day_from_query(today: date) -> date:
    text = request.args.get("date", "")
    if not ISO_DATE.match(text):
        return today
    try:
        value = date.fromisoformat(text)
    except ValueError:
        return today
    return value if EARLIEST <= value <= LATEST else today


def staff_from_query():
    raw = request.args.get("staff")
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        abort(404)


def _include_cancelled() -> bool:
    return request.args.get("cancelled") != HIDE


@bp.route("/")
@require(Permission.APPOINTMENT_VIEW)
def calendar():
    today = clock.today()
    view = DAY if request.args.get("view") == DAY else WEEK
    chosen = _day_from_query(today)
    staff = queries.calendar_staff(db.session, current_user, staff_from_query())
    if staff is None:
        abort(404)
    include_cancelled = _include_cancelled()
    if view == DAY:
        first, days, step = chosen, 1, timedelta(days=1)
    else:
        first, days, step = queries.monday_of(chosen), queries.WEEK_DAYS, timedelta(days=7)
    result = queries.staff_calendar(db.session, current_user, staff, first, days,
                                    include_cancelled=include_cancelled)

    def link(**changes) -> str:
        params = {"view": view, "date": chosen.isoformat(),
                  "staff": None if staff.id == current_user.id else str(staff.public_id),
                  "cancelled": None if include_cancelled else HIDE}
        params.update(changes)
        return url_for("appointments.calendar", **{key: value for key, value in params.items() if value})

    links = {
        "previous": link(date=(first - step).isoformat()),
        "next": link(date=(first + step).isoformat()),
        "today": link(date=today.isoformat()),
        "day": link(view=DAY),
        "week": link(view=WEEK),
        "cancelled": link(cancelled=None if not include_cancelled else HIDE),
    }
    supervisor = can_see_association_calendar(current_user)
    return render_viewed(
        "appointments/calendar.html", entity="calendar", entity_id=staff.public_id,
        association_id=current_user.association_id,
        calendar=result, view=view, chosen=chosen, today=today, links=links,
        include_cancelled=include_cancelled, is_own=staff.id == current_user.id,
        staff_choices=association_staff(db.session, current_user.association_id) if supervisor else [],
        association_link=url_for("appointments.association_calendar", date=chosen.isoformat())
        if supervisor else None,
    )


@bp.route("/association")
@require(Permission.APPOINTMENT_VIEW)
def association_calendar():
    if not can_see_association_calendar(current_user):
        abort(403)
    today = clock.today()
    chosen = _day_from_query(today)
    by = queries.BY_ROOM if request.args.get("by") == queries.BY_ROOM else queries.BY_STAFF
    include_cancelled = _include_cancelled()
    monday = queries.monday_of(chosen)
    week = queries.association_week(db.session, current_user, monday, by, include_cancelled=include_cancelled)

    def link(**changes) -> str:
        params = {"date": chosen.isoformat(), "by": by, "cancelled": None if include_cancelled else HIDE}
        params.update(changes)
        return url_for("appointments.association_calendar", **{key: value for key, value in params.items() if value})

    links = {
        "previous": link(date=(monday - timedelta(days=7)).isoformat()),
        "next": link(date=(monday + timedelta(days=7)).isoformat()),
        "today": link(date=today.isoformat()),
        "by_staff": link(by=queries.BY_STAFF),
        "by_room": link(by=queries.BY_ROOM),
        "cancelled": link(cancelled=None if not include_cancelled else HIDE),
    }
    return render_viewed(
        "appointments/association_calendar.html", entity="calendar",
        entity_id=current_user.association.public_id, association_id=current_user.association_id,
        week=week, chosen=chosen, today=today, links=links, include_cancelled=include_cancelled,
    )
