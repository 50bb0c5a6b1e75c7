"""The filtered case list: the association's cases for its supervisor, their own for a staff member."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from mediation.cases.codes import CaseStatus, Issue
from mediation.cases.forms.search import CaseSearchForm
from mediation.core import clock
from mediation.core.authz import Permission, require
from mediation.core.views import render_viewed
from mediation.extensions import db
from mediation.supervision import filters, predicates
from mediation.supervision.queries import case_list as queries
from mediation.supervision.routes import bp

PAGE_SIZE = 25


@bp.route("/cases")
@require(Permission.DASHBOARD_VIEW)
def cases():
    today = clock.today()
    staff = queries.association_staff(db.session, current_user.association_id)
    case_filter = filters.parse(request.args, {member.public_id: member for member in staff})
    page = queries.case_page(db.session, current_user, case_filter, today, per_page=PAGE_SIZE)
    case_filter = filters.on_page(case_filter, page.page, page.pages)
    # Bad input is reported on the page, which still lists what the valid filters select: 200, not 4xx.
    return render_viewed(
        "supervision/cases.html", entity="case_list", entity_id=None, association_id=current_user.association_id,
        page=page, case_filter=case_filter, staff=staff, staff_names={member.id: member.name for member in staff},
        statuses=list(CaseStatus), statuses_by_code={status.value: status for status in CaseStatus},
        issues=list(Issue), labels=filters.LABELS, sort_labels=list(filters.SORT_LABELS.items()),
        stale_days=predicates.stale_days(),
        search=CaseSearchForm(), today=today,
        day_bounds=(filters.EARLIEST, filters.LATEST),  # what the filters accept, for the date inputs' calendars
    )
