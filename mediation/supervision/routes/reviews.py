"""Supervision reviews of a case and its "review due" flag; the supervision part of the case page.

HTTP only: the rules are in mediation.supervision.services.reviews. One commit per request.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mediation.cases import queries as case_queries
from mediation.cases.models import Case
from mediation.cases.policies import is_assigned, is_supervisor_of
from mediation.cases.routes import case_section
from mediation.core import clock
from mediation.core.authz import Permission, require
from mediation.core.views import render_viewed, submit
from mediation.extensions import db
from mediation.supervision.forms import ReviewDueForm, ReviewForm
from mediation.supervision.queries import reviews as queries
from mediation.supervision.routes import bp
from mediation.supervision.services import reviews as service


def case_page(case: Case):
    return redirect(url_for("cases.detail", case_id=case.public_id, _anchor="supervision"))


def _case_form_page(case_id, template: str, form):
    """The form again, input kept, beside the case as it is now (reloaded after a refusal)."""
    def page(status: int):
        case = case_queries.load_case(db.session, current_user, case_id)
        return render_template(template, case=case, form=form), status
    return page


@bp.route("/cases/<uuid:case_id>/reviews/new", methods=["GET", "POST"])
@require(Permission.CASE_REVIEW)
def review_new(case_id):
    case = case_queries.load_case(db.session, current_user, case_id)
    if not is_supervisor_of(current_user, case):
        abort(403)
    form = ReviewForm()
    if request.method == "GET":
        form.reviewed_on.data = clock.today()
        form.version.data = case.version_id
        return render_viewed("supervision/review_form.html", entity="case", entity_id=case.public_id,
                             association_id=case.association_id, case=case, form=form)
    return submit(
        form,
        lambda: service.record_review(db.session, case, service.ReviewData(
            reviewed_on=form.reviewed_on.data, trigger=form.trigger.data, decision=form.decision.data,
            note=form.note.data, next_review_on=form.next_review_on.data), actor=current_user,
            version=form.version.data),
        success=_("Review recorded."), done=lambda _review: case_page(case),
        page=_case_form_page(case_id, "supervision/review_form.html", form))


@bp.route("/cases/<uuid:case_id>/review-due", methods=["POST"])
@require(Permission.CASE_REVIEW)
def review_due(case_id):
    case = case_queries.load_case(db.session, current_user, case_id)
    if not is_supervisor_of(current_user, case):
        abort(403)
    form = ReviewDueForm()
    return submit(
        form,
        lambda: service.flag_review_due(db.session, case, form.due_on.data, actor=current_user,
                                        version=form.version.data),
        success=_("Review flag saved.") if form.due_on.data else _("Review flag removed."),
        done=lambda _result: case_page(case), page=_case_form_page(case_id, "supervision/review_due.html", form))


@case_section
def supervision_section(case: Case, user) -> dict:
    """Reviews and lead changes, for the case's staff and the association's supervisors (never the parties)."""
    supervisor = is_supervisor_of(user, case)
    if not (supervisor or is_assigned(user, case)):
        return {"supervision_visible": False}
    due_form = ReviewDueForm(formdata=None, due_on=case.review_due_on, version=case.version_id)
    return {
        "supervision_visible": True,
        "supervision_reviews": queries.reviews_of(db.session, case),
        "supervision_can_act": supervisor,
        "supervision_due_form": due_form,
    }
