"""The sessions held behind the dashboard's "sessions" and "hours" figures: the association's, or one staff
member's, in the dashboard's period (the same query arguments: period, date, from, to, staff).

Whose sessions follows the dashboard: a supervisor the association's or one member's (a former lead
too), a mediator their own. No summary is read (docs/domain.md, DOM36).
"""

from __future__ import annotations

from flask import abort, request, url_for
from flask_login import current_user

from mediation.core import clock
from mediation.core.authz import Permission, Role, require
from mediation.core.pagination import page_number
from mediation.core.views import render_viewed
from mediation.extensions import db
from mediation.supervision.periods import parse_period
from mediation.supervision.queries import sessions as queries
from mediation.supervision.routes import bp
from mediation.supervision.routes.dashboard import subject_from_query

PAGE_SIZE = 50


@bp.route("/sessions")
@require(Permission.DASHBOARD_VIEW)
def sessions():
    if current_user.role not in (Role.SUPERVISOR, Role.MEDIATOR):
        abort(403)
    choice = parse_period(request.args, clock.today())
    subject = subject_from_query()
    period = choice.period
    page = queries.session_page(db.session, current_user.association_id, period,
                                staff_id=subject.id if subject is not None else None, page=page_number(),
                                per_page=PAGE_SIZE)
    staff = {"staff": str(subject.public_id)} if subject is not None and subject.id != current_user.id else {}

    def link(number: int) -> str:
        return url_for("supervision.sessions", page=number, **period.query(), **staff)

    entity_id = subject.public_id if subject is not None else current_user.association.public_id
    return render_viewed(
        "supervision/sessions.html", entity="session_list", entity_id=entity_id,
        association_id=current_user.association_id, page=page, subject=subject, period=period, choice=choice,
        link=link, dashboard_url=url_for("supervision.dashboard", **period.query(), **staff),
    )
