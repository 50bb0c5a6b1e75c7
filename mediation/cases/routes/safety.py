"""Case routes: safety screening, consent, supervisor decisions, clearing the danger flag.

Screening content is shown only here and on the case page, which only the
case's staff and the association's supervisors can reach (visible_cases).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mediation.cases import queries
from mediation.cases.codes import (
    Adaptation,
    CaseStatus,
    Concern,
    ConsentScope,
    GatingIndicator,
    ScreeningDecision,
    ViolenceType,
)
from mediation.cases.forms.safety import (
    ClearDangerForm,
    ConsentForm,
    DecisionForm,
    DecisionRequestForm,
    ScreeningForm,
)
from mediation.cases.models import Participant, ScreeningResult
from mediation.cases.policies import can_decide_screening, can_edit_case, can_request_decision
from mediation.cases.routes import bp, case_section
from mediation.cases.services import gate, requests, safety, workflow
from mediation.core import clock
from mediation.core.authz import Permission, require
from mediation.core.views import render_viewed, submit
from mediation.extensions import db

# Statuses in which the case page shows whether the mediation gate is open.
GATE_SHOWN = frozenset({CaseStatus.ASSESSMENT, CaseStatus.IN_MEDIATION, CaseStatus.SUSPENDED})
# Labels of the codes stored as plain strings (screening items, adaptations), by code list.
LABELS = {
    "violence_type": {code.value: code.label for code in ViolenceType},
    "gating_indicator": {code.value: code.label for code in GatingIndicator},
    "concern": {code.value: code.label for code in Concern},
    "adaptation": {code.value: code.label for code in Adaptation},
}


def _editable_case(case_id):
    case = queries.load_case(db.session, current_user, case_id)
    if not can_edit_case(current_user, case):
        abort(403)
    return case


def _participant(case, participant_id, *, screenable: bool = False) -> Participant:
    participant = queries.participant_in_case(db.session, case, participant_id)
    if participant is None or (screenable and not safety.is_screenable(participant)):
        abort(404)
    return participant


def _viewed(template: str, case, **context):
    """A safety form: case content, so its reading is audited."""
    return render_viewed(template, entity="case", entity_id=case.public_id, association_id=case.association_id,
                         case=case, **context)


def _back(case):
    return redirect(url_for("cases.detail", case_id=case.public_id, _anchor="safety"))


@bp.route("/<uuid:case_id>/participants/<uuid:participant_id>/screenings/new", methods=["GET", "POST"])
@require(Permission.CASE_EDIT)
def screening_new(case_id, participant_id):
    case = queries.load_case(db.session, current_user, case_id)
    participant = _participant(case, participant_id, screenable=True)
    if not can_edit_case(current_user, case):
        abort(403)
    form = ScreeningForm()
    # The next party waiting for a first screening: the page offers to go straight on to them (DOM104).
    waiting = _next_unscreened(case, participant)

    if request.method == "GET":
        form.screened_on.data = clock.today()
        return _viewed("cases/safety_screening.html", case, participant=participant, form=form, next_party=waiting)

    def screened(screening):
        if screening.result is ScreeningResult.POSITIVE and case.status is CaseStatus.IN_MEDIATION:
            flash(_("The screening is positive: mediation cannot go on until a supervisor decides. "
                    "Consider suspending the case."), "error")
        elif screening.result is ScreeningResult.POSITIVE:
            flash(_("The screening is positive: a supervisor must decide before any mediation."), "error")
        if waiting is not None and request.form.get("then") == "next":
            return redirect(url_for("cases.screening_new", case_id=case.public_id, participant_id=waiting.public_id))
        return _back(case)

    return submit(
        form,
        lambda: workflow.screen_party(db.session, case, participant, safety.ScreeningData(
            screened_on=form.screened_on.data,
            violence=form.violence.data,
            violence_types=tuple(ViolenceType(code) for code in form.violence_types.data),
            gating_indicators=form.indicators_yes(),
            concerns=tuple(Concern(code) for code in form.concerns.data),
            mediator_view=ScreeningDecision(form.mediator_view.data) if form.mediator_view.data else None,
            notes=form.notes.data,
        ), actor=current_user),
        success=_("The screening has been recorded."), done=screened,
        page=lambda status: (render_template("cases/safety_screening.html", case=case, participant=participant,
                                             form=form, next_party=waiting), status))


def _next_unscreened(case, participant: Participant) -> Participant | None:
    """The first other party of the case who can be screened and has never been."""
    others = [p for p in queries.active_participants(db.session, case)
              if p.id != participant.id and safety.is_screenable(p)]
    screened = queries.latest_screenings(db.session, [p.id for p in others])
    return next((p for p in others if p.id not in screened), None)


@bp.route("/<uuid:case_id>/participants/<uuid:participant_id>/consents/new", methods=["GET", "POST"])
@require(Permission.CASE_EDIT)
def consent_new(case_id, participant_id):
    case = queries.load_case(db.session, current_user, case_id)
    participant = _participant(case, participant_id)
    if not can_edit_case(current_user, case):
        abort(403)
    form = ConsentForm()
    if request.method == "GET":
        form.on_date.data = clock.today()
        return _viewed("cases/safety_consent.html", case, participant=participant, form=form)
    return submit(
        form,
        lambda: safety.record_consent(db.session, case, participant, safety.ConsentData(
            scope=ConsentScope(form.scope.data), status=form.status.data, on_date=form.on_date.data,
            given_by=form.given_by.data), actor=current_user),
        success=_("The consent has been recorded."), done=lambda _consent: _back(case),
        page=lambda status: (render_template("cases/safety_consent.html", case=case, participant=participant,
                                             form=form), status))


def _decision_context(case) -> dict:
    """The parties' latest screenings, which the supervisor decides on."""
    parties = queries.parties_of(db.session, case)
    return {
        "parties": parties,
        "screenings": queries.latest_screenings(db.session, [party.id for party in parties]),
        "decisions": queries.decisions_of(db.session, case),
        "open_requests": queries.open_requests(db.session, case),
        "gate_messages": gate.GATE_MESSAGES,
        "works_the_case": any(a.user_id == current_user.id for a in case.assignments),
        "safety_labels": LABELS,
    }


@bp.route("/<uuid:case_id>/decisions/new", methods=["GET", "POST"])
@require(Permission.SCREENING_DECIDE)
def decision_new(case_id):
    case = queries.load_case(db.session, current_user, case_id)
    if not (can_decide_screening(current_user, case) and case.is_open):
        abort(403)
    form = DecisionForm()
    if request.method == "GET":
        context = _decision_context(case)
        return _viewed("cases/safety_decision.html", case, form=form, **context)
    return submit(
        form,
        lambda: safety.decide_screening(db.session, case, safety.DecisionData(
            decision=ScreeningDecision(form.decision.data), rationale=form.rationale.data,
            adaptations=tuple(Adaptation(code) for code in form.adaptations.data)), actor=current_user),
        success=_("The decision has been recorded."), done=lambda _decision: _back(case),
        page=lambda status: (render_template("cases/safety_decision.html", case=case, form=form,
                                             **_decision_context(case)), status))


@bp.route("/<uuid:case_id>/decision-requests", methods=["POST"])
@require(Permission.CASE_EDIT)
def decision_request(case_id):
    """One step from a refusal of the mediation gate: ask the supervisors for a decision (DOM71)."""
    case = queries.load_case(db.session, current_user, case_id)
    if not can_request_decision(current_user, case):
        abort(403)
    form = DecisionRequestForm()

    def page(status: int):
        return render_template("cases/decision_request.html", case=case, form=form,
                               problems=gate.mediation_gate(db.session, case), names=_party_names(case)), status

    return submit(form, lambda: requests.request_decision(db.session, case, form.note.data, actor=current_user),
                  success=_("Your request has been sent to the supervisors."), done=lambda _request: _back(case),
                  page=page)


def _party_names(case) -> dict[int, str]:
    return {party.id: party.person.full_name for party in queries.parties_of(db.session, case)}


@bp.route("/<uuid:case_id>/danger/clear", methods=["GET", "POST"])
@require(Permission.SCREENING_DECIDE)
def danger_clear(case_id):
    case = queries.load_case(db.session, current_user, case_id)
    if not (can_decide_screening(current_user, case) and case.is_open):
        abort(403)
    form = ClearDangerForm()
    if request.method == "GET":
        return _viewed("cases/safety_danger_clear.html", case, form=form)
    return submit(form, lambda: safety.clear_immediate_danger(db.session, case, form.note.data, actor=current_user),
                  success=_("The immediate-danger flag has been cleared."), done=lambda _result: _back(case),
                  page=lambda status: (render_template("cases/safety_danger_clear.html", case=case, form=form),
                                       status))


# The safety part of the case page


def _consents_by_participant(ids: list[int]) -> dict[int, list]:
    """Each participant's current consents, in code-list order of their scopes."""
    current = queries.current_consents(db.session, ids)
    return {pid: [current[(pid, scope)] for scope in ConsentScope if (pid, scope) in current] for pid in ids}


@case_section
def safety_section(case, user) -> dict:
    participants = queries.active_participants(db.session, case)
    ids = [participant.id for participant in participants]
    show_gate = case.status in GATE_SHOWN
    return {
        "safety_participants": participants,
        "safety_screenable": {participant.id for participant in participants if safety.is_screenable(participant)},
        "safety_screenings": queries.latest_screenings(db.session, ids),
        "safety_consents": _consents_by_participant(ids),
        "safety_decisions": queries.decisions_of(db.session, case),
        "safety_gate_shown": show_gate,
        "safety_gate": gate.mediation_gate(db.session, case) if show_gate else [],
        "safety_can_record": can_edit_case(user, case),
        "safety_can_decide": can_decide_screening(user, case) and case.is_open,
        "safety_labels": LABELS,
        "safety_requests": queries.open_requests(db.session, case),
        "gate_messages": gate.GATE_MESSAGES,
        # Only when the gate refuses: one step to ask for a decision (docs/domain.md, DOM71).
        "safety_request_form": DecisionRequestForm(formdata=None) if can_request_decision(user, case) else None,
    }
