"""The caseload dashboard: a supervisor's association, or one staff member's own figures.

A supervisor sees every staff member of their association and may open one
member's figures (`?staff=`); a mediator sees only their own, as their home
page. Each figure links to the list behind it, built with the same predicates: the
case list (the cases without a lead too), the sessions held, the calendars and
the attendance to record.
Query strings are hand-typed and bookmarked: a bad period is reported and the
current month shown; an unknown sort falls back to names.
"""

from __future__ import annotations

import uuid

from flask import abort, current_app, request, url_for
from flask_login import current_user
from sqlalchemy import exists, or_, select

from mediation.accounts.models import StaffUser
from mediation.cases.models import AssignmentRole, Case, CaseAssignment
from mediation.core import clock
from mediation.core.authz import Permission, Role, require
from mediation.core.views import render_viewed
from mediation.extensions import db
from mediation.supervision.filters import NO_LEAD
from mediation.supervision.periods import (
    CUSTOM,
    EARLIEST,
    LATEST,
    MONTH,
    QUARTER,
    month_of,
    parse_period,
    quarter_of,
)
from mediation.supervision.queries import dashboard as queries
from mediation.supervision.routes import bp

ASCENDING, DESCENDING = "asc", "desc"
ALL = "all"  # the association's totals: links without a staff member


def _led_or_member(public_id: uuid.UUID):
    """A staff member of the supervisor's association, or a former member still leading one of its cases."""
    association_id = current_user.association_id
    leads_here = exists().where(CaseAssignment.user_id == StaffUser.id, CaseAssignment.role == AssignmentRole.LEAD,
                                CaseAssignment.case_id == Case.id, Case.association_id == association_id)
    return db.session.scalar(select(StaffUser).where(
        StaffUser.public_id == public_id, or_(StaffUser.association_id == association_id, leads_here)))


def subject_from_query() -> StaffUser | None:
    """Whose figures: a mediator always their own; a supervisor the association (None) or one member."""
    raw = request.args.get("staff")
    public_id = None
    if raw:
        try:
            public_id = uuid.UUID(raw)
        except ValueError:
            abort(404)
    if current_user.role == Role.MEDIATOR:
        if public_id is not None and public_id != current_user.public_id:
            abort(404)
        return current_user
    if public_id is None:
        return None
    staff = _led_or_member(public_id)
    if staff is None:
        abort(404)
    return staff


def _sort() -> tuple[str, bool]:
    key = request.args.get("sort", queries.NAME)
    if key not in queries.SORT_KEYS:
        key = queries.NAME
    direction = request.args.get("dir")
    if direction not in (ASCENDING, DESCENDING):
        direction = ASCENDING if key == queries.NAME else DESCENDING
    return key, direction == DESCENDING


def _url(endpoint: str, **params) -> str | None:
    """A link only to a page the user may open: the case list is a supervisor's, for instance."""
    needed = getattr(current_app.view_functions.get(endpoint), "required_permission", None)
    return url_for(endpoint, **params) if needed is not None and current_user.has(needed) else None


def _figure_link(view, key: str, who):
    """The list behind a figure: `who` is a staff member, ALL for the association, or None for the cases
    without a lead (whose sessions and appointments are always someone's: no figure of theirs to link)."""
    if who is None and key not in queries.CASE_KEYS:
        return None
    staff = {} if who == ALL else {"staff": NO_LEAD if who is None else str(who.public_id)}
    period, quarter = view.period, view.period.quarter
    if key in queries.STATUS_KEYS:
        return _url("supervision.cases", status=key.removeprefix("status_"), **staff)
    filters = {
        "open": {"status": "open"},
        "awaiting_decision": {"risk": "awaiting_decision"},
        "danger": {"risk": "danger"},
        "stale": {"stale": 1},
        "overdue": {"overdue": 1},
        "review_due": {"review_due": 1},
        "long_open": {"min_age": view.long_open_days},
        "opened": {"opened_from": period.first.isoformat(), "opened_to": period.last.isoformat()},
        "closed": {"closed_from": period.first.isoformat(), "closed_to": period.last.isoformat()},
    }
    if quarter is not None:
        filters["opened_quarter"] = {"opened_from": quarter.first.isoformat(), "opened_to": quarter.last.isoformat()}
        filters["closed_quarter"] = {"closed_from": quarter.first.isoformat(), "closed_to": quarter.last.isoformat()}
    if key in filters:
        return _url("supervision.cases", **filters[key], **staff)
    if who is None:
        return None
    own = who != ALL and who.id == current_user.id
    if key in ("sessions", "minutes"):
        if own:  # My work lists one's own sessions
            return _url("counselling.my_work", **{"from": period.first.isoformat(), "to": period.last.isoformat()})
        return _url("supervision.sessions", **period.query(), **staff)
    # A staff member whose own calendar is closed (deactivated, or gone to another association) is found
    # in the association's: its week keeps a row for them while they hold appointments, and its
    # attendance to record lists every staff member's.
    reachable = who != ALL and who.active and who.association_id == current_user.association_id
    if key == "upcoming":
        if own:
            return _url("appointments.calendar")
        if reachable:
            return _url("appointments.calendar", staff=str(who.public_id))
        return _url("appointments.association_calendar")
    if key == "unrecorded":
        if own or who == ALL:  # one's own list for a mediator, the association's for a supervisor
            return _url("appointments.to_record")
        if reachable:
            return _url("appointments.to_record", staff=str(who.public_id))
        return _url("appointments.to_record")
    return None


@bp.route("/")
@require(Permission.DASHBOARD_VIEW)
def dashboard():
    if current_user.role not in (Role.SUPERVISOR, Role.MEDIATOR):
        abort(403)
    today = clock.today()
    choice = parse_period(request.args, today)
    subject = subject_from_query()
    view = queries.caseload(db.session, current_user.association_id, choice.period, today=today, now=clock.now(),
                            staff=subject)
    sort, descending = _sort()
    kept = {"staff": str(subject.public_id) if subject is not None and subject.id != current_user.id else None}

    def page_url(**changes) -> str:
        params = {**kept, **choice.period.query(), "sort": sort if sort != queries.NAME else None,
                  "dir": DESCENDING if descending else None}
        params.update(changes)
        return url_for("supervision.dashboard", **{key: value for key, value in params.items() if value})

    def sort_url(key: str) -> str:
        if key == sort:
            return page_url(sort=key, dir=ASCENDING if descending else DESCENDING)
        return page_url(sort=key, dir=ASCENDING if key == queries.NAME else DESCENDING)

    def period_url(period) -> str | None:
        return page_url(**{"from": None, "to": None, **period.query()}) if period is not None else None

    shortcuts = {
        "previous": period_url(choice.period.step(-1)),
        "next": period_url(choice.period.step(1)),
        "month": period_url(month_of(today)),
        "quarter": period_url(quarter_of(today)),
    }
    links_for = subject if subject is not None else ALL
    entity_id = subject.public_id if subject is not None else current_user.association.public_id
    return render_viewed(
        "supervision/dashboard.html", entity="dashboard", entity_id=entity_id,
        association_id=current_user.association_id,
        view=view, rows=queries.sorted_rows(view.rows, sort, descending), choice=choice, subject=subject,
        own=subject is not None and subject.id == current_user.id, sort=sort, descending=descending,
        sort_url=sort_url, shortcuts=shortcuts, kinds=(MONTH, QUARTER, CUSTOM), statuses=queries.OPEN_ORDER,
        staff_url=lambda staff: page_url(staff=str(staff.public_id), sort=None, dir=None),
        association_url=page_url(staff=None),
        link=lambda key, who=links_for: _figure_link(view, key, who),
        day_bounds=(EARLIEST, LATEST),  # what parse_period accepts, for the calendars of the date inputs
        case_keys=queries.CASE_KEYS,
    )
