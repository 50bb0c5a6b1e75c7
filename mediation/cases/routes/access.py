"""A supervisor opening a case outside their assignment gives a reason first (docs/security.md, P4).

Every route of the application that names a case (`case_id`) passes through the gate below: a
supervisor who is neither assigned to the case nor its supervisor, and has given no reason in the
last CASE_ACCESS_REASON_HOURS, is sent to the reason page, then on to where they were going.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from mediation.cases import queries
from mediation.cases.forms.access import AccessReasonForm
from mediation.cases.models import Case
from mediation.cases.policies import visible_cases
from mediation.cases.routes import bp, case_section
from mediation.cases.services import access
from mediation.core.authz import Permission, Role, require
from mediation.core.security import safe_next
from mediation.core.views import load_in_scope, submit
from mediation.extensions import db


@bp.before_app_request
def ask_supervisors_for_a_reason():
    case_id = (request.view_args or {}).get("case_id")
    if case_id is None or request.endpoint == "cases.access_reason" or not current_user.is_authenticated:
        return None
    if current_user.role != Role.SUPERVISOR:
        return None
    # Through the scope: a case outside it stays a 404 of the view itself, never a redirect.
    case = db.session.scalar(visible_cases(current_user).where(Case.public_id == case_id))
    if case is None or not queries.needs_reason(db.session, current_user, case):
        return None
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("cases.access_reason", case_id=case.public_id, next=target))


@case_section
def access_section(case: Case, user) -> dict:
    """Openings outside assignment, shown on the case to everyone who may see it."""
    return {"case_accesses": queries.accesses_of(db.session, case)}


@bp.route("/<uuid:case_id>/access", methods=["GET", "POST"])
@require(Permission.CASE_VIEW)
def access_reason(case_id):
    case = load_in_scope(visible_cases(current_user), Case.public_id == case_id,
                         allowed=lambda _case: current_user.role == Role.SUPERVISOR)
    # On a GET the destination comes from the gate's redirect; on a POST from the form's hidden field.
    form = AccessReasonForm(next=request.args.get("next", ""))

    def page(status: int):
        return render_template("cases/access_reason.html", case=case, form=form,
                               title=_l("Opening a case that is not assigned to you")), status

    if request.method == "GET":
        return page(200)
    return submit(form, lambda: access.record_access(db.session, case, form.reason.data, form.note.data,
                                                     actor=current_user),
                  success=_("Your reason has been recorded on the case."), page=page,
                  done=lambda _access: redirect(safe_next(form.next.data)
                                                or url_for("cases.detail", case_id=case.public_id)))
