"""Case routes: the status workflow (docs/domain.md, DOM14)."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mediation.cases import queries
from mediation.cases.forms.safety import DecisionRequestForm
from mediation.cases.forms.workflow import MOVE_LABELS, StatusForm, StatusMove
from mediation.cases.policies import can_edit_case, can_request_decision
from mediation.cases.routes import bp, case_section
from mediation.cases.services import workflow
from mediation.core.authz import Permission, require
from mediation.core.views import submit
from mediation.extensions import db


def offer(form: StatusForm, case, user) -> StatusForm:
    """Limit the choices to the changes this user may make here: one button each (docs/architecture.md, U6)."""
    rows = workflow.available_transitions(case, user)
    form.to_status.choices = [(row.to.value, row.to.label) for row in rows]
    form.moves = tuple(StatusMove(row.to.value, MOVE_LABELS.get(row.to, row.to.label), row.needs_reason)
                       for row in rows)
    if not form.current.data:
        form.current.data = case.status.value
    return form


@bp.route("/<uuid:case_id>/status", methods=["POST"])
@require(Permission.CASE_EDIT)
def status_change(case_id):
    case = queries.load_case(db.session, current_user, case_id)
    if not can_edit_case(current_user, case):
        abort(403)
    form = StatusForm()

    def page(status: int):
        # Re-rendered against the status as it is now, keeping what the user typed.
        form.current.data = case.status.value
        names = {party.id: party.person.full_name for party in queries.parties_of(db.session, case)}
        problems = getattr(getattr(form, "refused", None), "problems", [])
        # A refusal of the gate offers to ask the supervisors for a decision in one step (docs/domain.md, DOM71).
        request_form = (DecisionRequestForm(formdata=None)
                        if problems and can_request_decision(current_user, case)
                        and not queries.open_requests(db.session, case) else None)
        return render_template("cases/status_change.html", case=case, form=offer(form, case, current_user),
                               problems=problems, names=names, request_form=request_form), status

    return submit(form, lambda: workflow.change_status(db.session, case, form.to_status.data, actor=current_user,
                                                       reason=form.reason.data, expected_from=form.current.data),
                  success=_("The case status has been changed."), page=page,
                  done=lambda _change: redirect(url_for("cases.detail", case_id=case.public_id, _anchor="status")))


@case_section
def workflow_section(case, user) -> dict:
    form = StatusForm(formdata=None)
    return {
        "status_form": offer(form, case, user) if can_edit_case(user, case) else None,
        "status_history": queries.status_history(db.session, case),
    }
