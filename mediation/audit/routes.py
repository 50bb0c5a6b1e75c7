from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from mediation.audit import queries
from mediation.audit.forms import AuditFilterForm, action_label, outcome_label, role_label
from mediation.core.authz import Permission, require
from mediation.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")

# The same answer for a name that does not exist and one outside the viewer's
# scope: the filter must not reveal which accounts exist elsewhere.
UNKNOWN_ACTOR = _l("No account with this user name is visible to you.")


@bp.route("/")
@require(Permission.AUDIT_VIEW)
def events():
    """Read-only; viewing the trail is not itself recorded."""
    form = AuditFilterForm(request.args)
    valid = form.validate()
    result = None
    if valid:
        actor_id = None
        if form.actor.data:
            actor_id = queries.resolve_actor(db.session, current_user, form.actor.data)
            if actor_id is None:
                form.actor.errors.append(UNKNOWN_ACTOR)
        if not form.actor.errors:
            start, end = queries.utc_bounds(form.date_from.day, form.date_to.day)
            filters = queries.EventFilters(
                actor_id=actor_id,
                action=form.action.data or None,
                outcome=form.outcome.data or None,
                start=start,
                end=end,
            )
            result = queries.event_page(current_user, filters, form.page.data)
    return render_template(
        "audit/events.html",
        form=form,
        invalid=not valid,
        result=result,
        head_seq=queries.chain_head_seq(db.session, current_user),
        query_args=form.query_args(),
        action_label=action_label,
        outcome_label=outcome_label,
        role_label=role_label,
    )
