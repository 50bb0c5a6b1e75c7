"""Reassigning one case, or every open case of a staff member, to another lead.

HTTP only: the rules are in mediation.supervision.services.reassignment. One commit per request.
"""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from mediation.accounts.models import StaffUser
from mediation.cases import queries as case_queries
from mediation.cases.policies import is_supervisor_of
from mediation.core.authz import Permission, require
from mediation.core.views import render_viewed, submit
from mediation.extensions import db
from mediation.supervision.forms import NONE, ReassignForm
from mediation.supervision.queries import reassignment as queries
from mediation.supervision.routes import bp
from mediation.supervision.routes.reviews import case_page
from mediation.supervision.services import reassignment as service


def _form(association_id: int, exclude_id: int | None) -> ReassignForm:
    form = ReassignForm()
    form.to_user.choices = [(NONE, _("Choose…"))] + [
        (str(user.public_id), user.display_name)
        for user in queries.candidates(db.session, association_id) if user.id != exclude_id
    ]
    return form


def _data(form: ReassignForm) -> service.Reassignment:
    try:
        target = uuid.UUID(form.to_user.data or "")
    except ValueError:
        target = None  # the service answers "choose a staff member of your association"
    return service.Reassignment(to_user_id=target, reason=form.reason.data, keep_previous=form.keep_previous.data)


@bp.route("/cases/<uuid:case_id>/reassign", methods=["GET", "POST"])
@require(Permission.CASE_REASSIGN)
def reassign(case_id):
    case = case_queries.load_case(db.session, current_user, case_id)
    if not is_supervisor_of(current_user, case) or not case.is_open:
        abort(403)
    form = _form(case.association_id, case.lead.id if case.lead else None)
    if request.method == "GET":
        form.version.data = case.version_id
        return render_viewed("supervision/reassign.html", entity="case", entity_id=case.public_id,
                             association_id=case.association_id, case=case, form=form, leaving=None, cases=None)
    def page(status: int):
        current = case_queries.load_case(db.session, current_user, case_id)
        return render_template("supervision/reassign.html", case=current, form=form, leaving=None,
                               cases=None), status

    return submit(form, lambda: service.reassign_case(db.session, case, _data(form), actor=current_user,
                                                      version=form.version.data),
                  success=_("The case has a new lead."), done=lambda _result: case_page(case), page=page)


def _staff_member(staff_id) -> StaffUser:
    """A staff member of the supervisor's association; anyone else is a 404."""
    return db.one_or_404(select(StaffUser).where(StaffUser.public_id == staff_id,
                                                 StaffUser.association_id == current_user.association_id))


@bp.route("/staff/<uuid:staff_id>/reassign", methods=["GET", "POST"])
@require(Permission.CASE_REASSIGN)
def reassign_all(staff_id):
    leaving = _staff_member(staff_id)
    cases = queries.open_cases_led_by(db.session, leaving)
    form = _form(leaving.association_id, leaving.id)
    if request.method == "GET":
        return render_viewed("supervision/reassign.html", entity="staff_user", entity_id=leaving.public_id,
                             association_id=leaving.association_id, case=None, form=form, leaving=leaving,
                             cases=cases)
    def page(status: int):
        current = _staff_member(staff_id)
        return render_template("supervision/reassign.html", case=None, form=form, leaving=current,
                               cases=queries.open_cases_led_by(db.session, current)), status

    def done(moved: int):
        flash(ngettext("%(num)d case moved to its new lead.", "%(num)d cases moved to their new lead.", moved),
              "success")
        return redirect(url_for("supervision.dashboard"))

    return submit(form, lambda: service.reassign_all(db.session, leaving, _data(form), actor=current_user),
                  done=done, page=page)
