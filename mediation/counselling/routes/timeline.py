"""The case timeline: sessions, notes and status changes in one list on the case page.

It is a section of the case page, so the case has been loaded through the
user's scope before this runs: a case outside it is already a 404. A note
shows as a marker (visibility, author, time) linking to the notes section:
no note text is repeated here, so nothing restricted can leak through it.
"""

from __future__ import annotations

from flask import current_app, url_for
from werkzeug.routing import BuildError

from mediation.cases.models import Case
from mediation.cases.routes import case_section
from mediation.core.pagination import page_number
from mediation.counselling import queries
from mediation.counselling.policies import can_log_session
from mediation.extensions import db

SESSION_DETAIL = "counselling.session_detail"


def _session_link(case: Case):
    """A link builder to the session page, if the session log offers one."""
    if SESSION_DETAIL not in current_app.view_functions:
        return lambda session: None

    def link(session):
        try:
            return url_for(SESSION_DETAIL, case_id=case.public_id, session_id=session.public_id)
        except BuildError:
            return None

    return link


@case_section
def timeline_section(case: Case, user) -> dict:
    """Totals per session type (voided excluded), then one page of the timeline, newest first."""
    return {
        "timeline": queries.case_timeline(db.session, case, page_number("timeline_page")),
        "timeline_totals": queries.case_totals(db.session, case),
        "timeline_session_link": _session_link(case),
        "timeline_can_log": can_log_session(user, case),
    }
