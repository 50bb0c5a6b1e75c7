"""Safeguarding-exception routes: the case's staff ask, a supervisor decides; the supervisors' waiting list.

HTTP only: the rules are in mediation.referrals.services.exceptions. One commit per request.
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from mediation.cases import queries as case_queries
from mediation.core.authz import Permission, require
from mediation.core.views import render_viewed, submit
from mediation.extensions import db
from mediation.referrals import queries
from mediation.referrals.forms import ExceptionDecisionForm, ExceptionRequestForm
from mediation.referrals.policies import can_decide_exception, can_request_exception
from mediation.referrals.routes import bp
from mediation.referrals.routes.referrals import case_page, participant_choices
from mediation.referrals.services import exceptions as service


@bp.route("/cases/<uuid:case_id>/referrals/exceptions/new", methods=["GET", "POST"])
@require(Permission.CASE_EDIT)
def exception_new(case_id):
    case = case_queries.load_case(db.session, current_user, case_id)
    if not can_request_exception(current_user, case):
        abort(403)
    form = ExceptionRequestForm()
    form.participant.choices = participant_choices(case)

    def page(status: int):
        return render_template("referrals/exception_form.html", case=case, form=form), status

    if request.method == "GET":
        return render_viewed("referrals/exception_form.html", entity="case", entity_id=case.public_id,
                             association_id=case.association_id, case=case, form=form)
    return submit(
        form,
        lambda: service.request_exception(db.session, case, service.ExceptionRequest(
            participant_id=form.participant.data, ground=form.ground.data, reason=form.reason.data),
            actor=current_user),
        success=_("Request sent to the supervisors."), done=lambda _exception: case_page(case), page=page)


@bp.route("/cases/<uuid:case_id>/referrals/exceptions/<uuid:exception_id>/decide", methods=["GET", "POST"])
@require(Permission.SCREENING_DECIDE)
def exception_decide(case_id, exception_id):
    case = case_queries.load_case(db.session, current_user, case_id)
    exception = queries.exception_of(db.session, case, exception_id)
    if exception is None:
        abort(404)
    if not can_decide_exception(current_user, case, exception):
        abort(403)
    form = ExceptionDecisionForm()

    def page(status: int):
        return render_template("referrals/exception_decide.html", case=case, exception=exception,
                               form=form), status

    if request.method == "GET":
        form.version.data = exception.version_id
        return render_viewed("referrals/exception_decide.html", entity="safeguarding_exception",
                             entity_id=exception.public_id, association_id=case.association_id, case=case,
                             exception=exception, form=form)
    return submit(
        form,
        lambda: service.decide_exception(db.session, case, exception, service.ExceptionDecision(
            approve=form.decision.data == "approve", reason=form.decision_reason.data), actor=current_user,
            expected_version=form.version.data),
        success=_("Decision recorded."), done=lambda _exception: case_page(case), page=page)


@bp.route("/referrals/exceptions")
@require(Permission.SCREENING_DECIDE)
def exceptions_waiting():
    """The supervisor's list of safeguarding exceptions awaiting a decision (DOM87)."""
    return render_viewed("referrals/exceptions_waiting.html", entity="safeguarding_exception", entity_id=None,
                         association_id=current_user.association_id,
                         pending=queries.pending_exceptions(db.session, current_user))
