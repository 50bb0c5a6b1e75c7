"""Referral routes: make a referral, record the destination's answer, and the case page's referral section.

HTTP only: the rules are in mediation.referrals.services. One commit per request.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mediation.cases import queries as case_queries
from mediation.cases.models import Case
from mediation.cases.policies import is_assigned
from mediation.cases.queries import active_participants
from mediation.cases.routes import case_section
from mediation.core import clock
from mediation.core.authz import Permission, require
from mediation.core.views import render_viewed, submit
from mediation.extensions import db
from mediation.referrals import queries
from mediation.referrals.forms import NONE, AnswerForm, ReferralForm
from mediation.referrals.policies import (
    can_decide_exception,
    can_make_referral,
    can_read_referrals,
    can_record_answer,
    can_request_exception,
)
from mediation.referrals.routes import bp
from mediation.referrals.services import closure as _closure_receivers  # noqa: F401  (connects the receivers)
from mediation.referrals.services import referrals as service


@case_section
def referral_section(case: Case, user) -> dict:
    """Referrals and safeguarding exceptions, for the case's staff and the association's supervisors."""
    if not can_read_referrals(user, case):
        return {"referrals_visible": False}
    exceptions = queries.exceptions_of(db.session, case)
    return {
        "referrals_visible": True,
        "referrals": queries.referrals_of(db.session, case),
        "referral_exceptions": exceptions,
        "referral_closure_ids": queries.closure_referral_ids(db.session, case),
        "referral_can_make": can_make_referral(user, case),
        "referral_can_request": can_request_exception(user, case),
        "referral_can_answer": is_assigned(user, case),
        "referral_decidable": {exception.id for exception in exceptions if can_decide_exception(user, case, exception)},
    }


def case_page(case: Case):
    return redirect(url_for("cases.detail", case_id=case.public_id, _anchor="referrals"))


def participant_choices(case: Case) -> list[tuple[str, str]]:
    return [(NONE, "—")] + [
        (str(participant.public_id), f"{participant.person.full_name} · {participant.role.label}")
        for participant in active_participants(db.session, case)]


def _form_page(case_id, template: str, form, **extra):
    """The form again, input kept, beside the case as it is now."""
    def page(status: int):
        case = case_queries.load_case(db.session, current_user, case_id)
        return render_template(template, case=case, form=form, **extra), status
    return page


@bp.route("/cases/<uuid:case_id>/referrals/new", methods=["GET", "POST"])
@require(Permission.CASE_EDIT)
def referral_new(case_id):
    case = case_queries.load_case(db.session, current_user, case_id)
    if not can_make_referral(current_user, case):
        abort(403)
    form = ReferralForm()
    form.participant.choices = participant_choices(case)
    if request.method == "GET":
        form.made_on.data = clock.today()
        return render_viewed("referrals/referral_form.html", entity="case", entity_id=case.public_id,
                             association_id=case.association_id, case=case, form=form)
    return submit(
        form,
        lambda: service.make_referral(db.session, case, service.ReferralData(
            participant_id=form.participant.data, destination=form.destination.data,
            organisation_name=form.organisation_name.data, urgency=form.urgency.data, reason=form.reason.data,
            made_on=form.made_on.data, data_shared=tuple(form.data_shared.data or ())), actor=current_user),
        success=_("Referral recorded."), done=lambda _referral: case_page(case),
        page=_form_page(case_id, "referrals/referral_form.html", form))


@bp.route("/cases/<uuid:case_id>/referrals/<uuid:referral_id>/answer", methods=["GET", "POST"])
@require(Permission.CASE_EDIT)
def referral_answer(case_id, referral_id):
    case = case_queries.load_case(db.session, current_user, case_id)
    referral = queries.referral_of(db.session, case, referral_id)
    if referral is None:
        abort(404)
    if not can_record_answer(current_user, case, referral):
        abort(403)
    form = AnswerForm()
    if request.method == "GET":
        form.status.data = referral.status.value if referral.feedback_on else None
        form.feedback_on.data = referral.feedback_on or clock.today()
        form.version.data = referral.version_id
        return render_viewed("referrals/answer_form.html", entity="referral", entity_id=referral.public_id,
                             association_id=case.association_id, case=case, referral=referral, form=form)
    return submit(
        form,
        lambda: service.record_answer(db.session, case, referral, service.AnswerData(
            status=form.status.data, feedback_on=form.feedback_on.data), actor=current_user,
            expected_version=form.version.data),
        success=_("Answer recorded."), done=lambda _referral: case_page(case),
        page=_form_page(case_id, "referrals/answer_form.html", form, referral=referral))
