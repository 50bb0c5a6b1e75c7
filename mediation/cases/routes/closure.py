"""Case routes: closing and reopening a case, and the closure section of the case page."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mediation.cases import queries
from mediation.cases.forms.closure import NONE, ClosureForm, ReopenForm
from mediation.cases.models import Case
from mediation.cases.policies import can_reopen
from mediation.cases.routes import CLOSURE_PARTS, bp, case_section
from mediation.cases.services import closure
from mediation.core.authz import Permission, require
from mediation.core.codes import choices
from mediation.core.views import render_viewed, submit
from mediation.extensions import db


@case_section
def closure_section(case: Case, user) -> dict:
    """The closures of the case (the current one first, then those a reopening undid)."""
    return {
        "closure_rows": queries.closures_of(db.session, case),
        "closure_can_close": closure.may_close(user, case),
        "closure_can_reopen": can_reopen(user, case),
    }



def _closure_parts(case: Case) -> list[dict]:
    """The parts other features add to the closure form (an agreement on record), read once per request."""
    return [part for provider in CLOSURE_PARTS if (part := provider(case, current_user))]


def _form_page(case_id, case: Case, template: str, form, **context):
    """The form again, input kept; on 409 (the case changed under it) with the case's current version."""
    def page(status: int):
        if status == 409:
            current = queries.load_case(db.session, current_user, case_id)
            return render_template(template, case=current, form=form, version=current.version_id, **context), 409
        version = form.version.data if isinstance(form.version.data, int) else case.version_id
        return render_template(template, case=case, form=form, version=version, **context), status
    return page


def _closure_anchor(case: Case):
    return lambda _result: redirect(url_for("cases.detail", case_id=case.public_id, _anchor="closure"))


@bp.route("/<uuid:case_id>/close", methods=["GET", "POST"])
@require(Permission.CASE_CLOSE)
def close(case_id):
    case = queries.load_case(db.session, current_user, case_id)
    outcomes = closure.outcomes_for(current_user, case)
    if not outcomes:
        abort(403)
    form = ClosureForm()
    form.outcome.choices = [(NONE, "—"), *choices(outcomes)]
    parts = _closure_parts(case)
    # With an agreement on record its points are there: the free text is neither asked for nor read.
    ask_points = not any(part.get("replaces_points") for part in parts)
    if request.method == "GET":
        version = case.version_id
        return render_viewed("cases/closure_form.html", entity="case", entity_id=case.public_id,
                             association_id=case.association_id, case=case, form=form, version=version,
                             closure_parts=parts, ask_points=ask_points)
    return submit(
        form,
        lambda: closure.close_case(db.session, case, closure.ClosureData(
            outcome=form.outcome.data,
            agreement_points=form.agreement_points.data if ask_points else None,
            follow_up_on=form.follow_up_on.data,
            note=form.note.data,
        ), actor=current_user, expected_version=form.version.data),
        success=_("Case closed."), done=_closure_anchor(case),
        page=_form_page(case_id, case, "cases/closure_form.html", form, closure_parts=parts, ask_points=ask_points))


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
    return submit(
        form,
        lambda: closure.reopen_case(db.session, case, form.reason.data, actor=current_user,
                                    expected_version=form.version.data),
        success=_("Case reopened."), done=_closure_anchor(case),
        page=_form_page(case_id, case, "cases/closure_reopen.html", form))
