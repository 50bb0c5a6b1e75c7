"""The supervisor's "due for anonymisation" page: HTTP only, one association.

Supervisors only (RETENTION_VIEW); the page lists their own association's closed cases whose
retention ends before the end of next month, overdue ones first, so nobody is surprised when a
case's names and notes disappear.
"""

from __future__ import annotations

from flask import Blueprint, current_app
from flask_login import current_user

from mediation.accounts.models import Association
from mediation.core import clock
from mediation.core.authz import Permission, require
from mediation.core.views import render_viewed
from mediation.extensions import db
from mediation.retention import queries
from mediation.retention.policy import RetentionPolicy, end_of_next_month

bp = Blueprint("retention", __name__, url_prefix="/retention")


@bp.route("/due")
@require(Permission.RETENTION_VIEW)
def due():
    policy = RetentionPolicy.from_config(current_app.config)
    today = clock.today()
    last_day = end_of_next_month(today)
    association = db.session.get(Association, current_user.association_id)
    rows = queries.due_by(db.session, policy, current_user.association_id, last_day)
    return render_viewed("retention/due.html", entity="retention_due", entity_id=association.public_id,
                         association_id=association.id, rows=rows, today=today, last_day=last_day,
                         months=policy.case_months(association.retention_months),
                         own_period=association.retention_months is not None)
