"""Case routes: correcting the case's details and managing its co-workers."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mediation.cases import queries
from mediation.cases.codes import Issue
from mediation.cases.forms.details import CaseDetailsForm, CoWorkerForm
from mediation.cases.models import Case
from mediation.cases.policies import can_edit_case, can_manage_co_workers
from mediation.cases.routes import bp, case_section
from mediation.cases.services import details
from mediation.core.authz import Permission, require
from mediation.core.views import submit
from mediation.extensions import db


@case_section
def details_section(case: Case, user) -> dict:
    """Whether the summary may be edited, and who may be added as co-worker."""
    context = {"case_editable": can_edit_case(user, case), "co_worker_form": None,
               "co_workers_manageable": can_manage_co_workers(user, case)}
    if context["co_workers_manageable"]:
        form = CoWorkerForm()
        assigned = {a.user_id for a in case.assignments}
        form.user_id.choices = [(str(u.public_id), u.display_name)
                                for u in queries.staff_of(db.session, case.association_id) if u.id not in assigned]
        context["co_worker_form"] = form if form.user_id.choices else None
    return context


def _details_from(form: CaseDetailsForm) -> details.CaseDetails:
    return details.CaseDetails(
        issues=tuple(Issue(code) for code in form.issues.data),
        referral_source=form.referral_source.data,
        court_stage=form.court_stage.data,
        court_file_no=form.court_file_no.data or None,
        request_summary=form.request_summary.data or None,
        follow_up_on=form.follow_up_on.data,
    )


@bp.route("/<uuid:case_id>/edit", methods=["GET", "POST"])
@require(Permission.CASE_EDIT)
def edit(case_id):
    case = queries.load_case(db.session, current_user, case_id)
    if not can_edit_case(current_user, case):
        abort(403)
    if request.method == "GET":
        form = CaseDetailsForm(data={
            "issues": [str(issue) for issue in case.issues],
            "referral_source": str(case.referral_source),
            "court_stage": str(case.court_stage),
            "court_file_no": case.court_file_no,
            "request_summary": case.request_summary,
            "follow_up_on": case.follow_up_on,
            "version": case.version_id,
        })
        return render_template("cases/case_edit.html", case=case, form=form)
    form = CaseDetailsForm()

    def page(status: int):
        if status != 409:
            return render_template("cases/case_edit.html", case=case, form=form), status
        current = queries.load_case(db.session, current_user, case_id)
        form.version.data = current.version_id  # saving again is then a deliberate choice
        return render_template("cases/case_edit.html", case=current, form=form, stale=True), 409

    return submit(form, lambda: details.update_case_details(db.session, case, _details_from(form), actor=current_user,
                                                            expected_version=form.version.data),
                  success=_("The case has been saved."), page=page,
                  done=lambda _case: redirect(url_for("cases.detail", case_id=case.public_id)))


def _co_worker_case(case_id) -> Case:
    case = queries.load_case(db.session, current_user, case_id)
    if not can_manage_co_workers(current_user, case):
        abort(403)
    return case


@bp.route("/<uuid:case_id>/co-workers", methods=["POST"])
@require(Permission.CASE_EDIT)
def co_worker_add(case_id):
    case = _co_worker_case(case_id)
    form = CoWorkerForm()
    staff = {str(u.public_id): u for u in queries.staff_of(db.session, case.association_id)}
    form.user_id.choices = [(public_id, user.display_name) for public_id, user in staff.items()]
    if not form.validate_on_submit():
        flash(_("Choose a staff member of your association."), "error")
        return redirect(url_for("cases.detail", case_id=case.public_id))
    return submit(None, lambda: details.add_case_co_worker(db.session, case, staff[form.user_id.data].id,
                                                           actor=current_user),
                  success=_("The co-worker has been added."),
                  done=lambda _result: redirect(url_for("cases.detail", case_id=case.public_id)))


@bp.route("/<uuid:case_id>/co-workers/<uuid:user_id>/remove", methods=["POST"])
@require(Permission.CASE_EDIT)
def co_worker_remove(case_id, user_id):
    case = _co_worker_case(case_id)
    assignment = next((a for a in case.assignments if a.user.public_id == user_id), None)
    if assignment is None:
        abort(404)
    return submit(None, lambda: details.remove_co_worker(db.session, case, assignment.user_id, actor=current_user),
                  success=_("The co-worker has been removed from the case."),
                  done=lambda _result: redirect(url_for("cases.detail", case_id=case.public_id)))
