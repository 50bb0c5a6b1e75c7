"""Case routes: closing and reopening a case, and the closure section of the case page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from mediation.cases import queries
from mediation.cases.forms.closure import NONE, ClosureForm, ReopenForm
from mediation.cases.models import Case
from mediation.cases.policies import can_reopen
from mediation.cases.routes import bp, case_section
from mediation.cases.services import closure
from mediation.core.authz import Permission, require
from mediation.core.codes import choices
from mediation.core.errors import DomainError
from mediation.core.forms import attach_error
from mediation.core.views import render_viewed
from mediation.extensions import db


@case_section
def closure_section(case: Case, user) -> dict:
    """The closures of the case (the current one first, then those a reopening undid)."""
    return {
        "closure_rows": closure.closures_of(db.session, case),
        "closure_can_close": closure.may_close(user, case),
        "closure_can_reopen": can_reopen(user, case),
    }



def _stale(case_id, template: str, form):
    """409: the case changed under the form; the user's input is kept, with the current version."""
    db.session.rollback()
    case = queries.load_case(db.session, current_user, case_id)
    form.form_errors.append(closure.StaleCase.message)
    return render_template(template, case=case, form=form, version=case.version_id), 409


@bp.route("/<uuid:case_id>/close", methods=["GET", "POST"])
@require(Permission.CASE_CLOSE)
def close(case_id):
    case = queries.load_case(db.session, current_user, case_id)
    outcomes = closure.outcomes_for(current_user, case)
    if not outcomes:
        abort(403)
    form = ClosureForm()
    form.outcome.choices = [(NONE, "—"), *choices(outcomes)]
    if request.method == "GET":
        version = case.version_id
        return render_viewed("cases/closure_form.html", entity="case", entity_id=case.public_id,
                             association_id=case.association_id, case=case, form=form, version=version)
    status = 422
    if form.validate_on_submit():
        data = closure.ClosureData(
            outcome=form.outcome.data,
            agreement_level=form.agreement_level.data or None,
            agreement_points=form.agreement_points.data,
            referral_destination=form.referral_destination.data or None,
            follow_up_on=form.follow_up_on.data,
            note=form.note.data,
        )
        try:
            closure.close_case(db.session, case, data, actor=current_user, expected_version=form.version.data)
            db.session.commit()
        except (closure.StaleCase, StaleDataError):
            return _stale(case_id, "cases/closure_form.html", form)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Case closed."), "success")
            return redirect(url_for("cases.detail", case_id=case.public_id, _anchor="closure"))
    version = form.version.data if isinstance(form.version.data, int) else case.version_id
    return render_template("cases/closure_form.html", case=case, form=form, version=version), status


@bp.route("/<uuid:case_id>/reopen", methods=["GET", "POST"])
@require(Permission.CASE_REOPEN)
def reopen(case_id):
    case = queries.load_case(db.session, current_user, case_id)
    if not can_reopen(current_user, case):
        abort(403)
    form = ReopenForm()
    if request.method == "GET":
        version = case.version_id
        return render_viewed("cases/closure_reopen.html", entity="case", entity_id=case.public_id,
                             association_id=case.association_id, case=case, form=form, version=version)
    status = 422
    if form.validate_on_submit():
        try:
            closure.reopen_case(db.session, case, form.reason.data, actor=current_user,
                                expected_version=form.version.data)
            db.session.commit()
        except (closure.StaleCase, StaleDataError):
            return _stale(case_id, "cases/closure_reopen.html", form)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Case reopened."), "success")
            return redirect(url_for("cases.detail", case_id=case.public_id, _anchor="closure"))
    version = form.version.data if isinstance(form.version.data, int) else case.version_id
    return render_template("cases/closure_reopen.html", case=case, form=form, version=version), status
