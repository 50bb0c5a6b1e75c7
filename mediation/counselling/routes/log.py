"""Counselling routes: log a session on a case, show it, correct it, void it.

HTTP only: the rules are in mediation.counselling.services.log. One commit per request.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from mediation.appointments.codes import AppointmentStatus
from mediation.appointments.models import Appointment
from mediation.appointments.policies import can_manage, visible_appointments
from mediation.appointments.routes import appointment_section
from mediation.cases import queries
from mediation.cases.codes import SessionType
from mediation.cases.models import Case
from mediation.cases.queries import active_participants
from mediation.core.authz import Permission, require
from mediation.core.clock import local_parts
from mediation.core.codes import choices
from mediation.core.views import render_viewed, submit
from mediation.counselling.forms.log import NONE, SessionEditForm, SessionForm, VoidForm
from mediation.counselling.models import CounsellingSession
from mediation.counselling.policies import (
    can_log_session,
    can_open_correction,
    can_read_content,
    can_void_session,
)
from mediation.counselling.queries import revisions_of, session_of
from mediation.counselling.routes import bp
from mediation.counselling.rules import allowed_visibilities
from mediation.counselling.services import log as service
from mediation.extensions import db


def _load_session(case: Case, session_id) -> CounsellingSession:
    """A session of this case; any other case's session is a 404, exactly as an unknown id."""
    counselling_session = session_of(db.session, case, session_id)
    if counselling_session is None:
        abort(404)
    return counselling_session


@appointment_section
def held_appointment_session(appointment: Appointment, user) -> dict:
    """On a held appointment's page: the session logged for it, or the offer to log it."""
    session_id = db.session.scalar(select(CounsellingSession.public_id).where(
        CounsellingSession.appointment_id == appointment.id, CounsellingSession.voided_at.is_(None)))
    return {"logged_session_id": session_id,
            "can_log_session": appointment.case is not None and appointment.status is AppointmentStatus.HELD
            and session_id is None and can_manage(user, appointment)}


def _set_choices(form: SessionForm, case: Case) -> None:
    staff = [(str(user.public_id), user.display_name) for user in service.staff_of(case)]
    form.staff_ids.choices = staff
    form.attendee_ids.choices = [
        (str(participant.public_id), f"{participant.person.full_name} · {participant.role.label}")
        for participant in active_participants(db.session, case)
    ]
    for entry in getattr(form, "follow_ups", None) or []:
        entry.form.assigned_to.choices = [(NONE, "—"), *staff]


def _offer_visibilities(form: SessionForm, kind: object) -> None:
    """On the page, offer only the visibilities the session's type allows (docs/domain.md, DOM36). The
    posted form is validated against every visibility: the service forces the one a type imposes."""
    try:
        session_type = SessionType(kind)
    except ValueError:
        return  # no type chosen yet: every visibility may be right
    allowed = allowed_visibilities(session_type)
    if len(allowed) == 1:
        form.visibility.choices = choices(allowed)
        form.visibility.data = allowed[0].value


def _uuids(values) -> tuple[uuid.UUID, ...]:
    # Validated against the route's choices: public ids only.
    return tuple(uuid.UUID(value) for value in values or ())


def _data(form: SessionForm) -> service.SessionData:
    start = datetime.strptime(form.start.data, "%H:%M").time()
    follow_ups = tuple(
        service.FollowUpData(description=entry.form.description.data, due_on=entry.form.due_on.data,
                             assigned_to_id=uuid.UUID(entry.form.assigned_to.data)
                             if entry.form.assigned_to.data else None)
        for entry in (getattr(form, "follow_ups", None) or [])
    )
    return service.SessionData(
        type=form.type.data, mode=form.mode.data, day=form.day.data, start=start,
        duration_min=form.duration_min.data, staff_ids=_uuids(form.staff_ids.data),
        attendee_ids=_uuids(form.attendee_ids.data), interpreter_used=form.interpreter_used.data,
        parties_kept_apart=form.parties_kept_apart.data, summary=form.summary.data,
        next_steps=form.next_steps.data, visibility=form.visibility.data or None, follow_ups=follow_ups,
    )




# A refusal about the follow-up actions as a whole is shown above the form, not inside the list.
ALIASES = {"follow_ups": "(the form)"}


def _detail(case: Case, counselling_session: CounsellingSession):
    return redirect(url_for("counselling.session_detail", case_id=case.public_id,
                            session_id=counselling_session.public_id))


def _appointment_of(case: Case):
    """The appointment the session is recorded for (?appointment=, kept in the form); another case's is ignored."""
    raw = request.values.get("appointment", "")
    try:
        public_id = uuid.UUID(raw)
    except ValueError:
        return None
    return db.session.scalar(visible_appointments(current_user).where(Appointment.public_id == public_id,
                                                                      Appointment.case_id == case.id))


def _prefill_from(form: SessionForm, appointment) -> None:
    """Marking an appointment held opens this form with what was planned."""
    day, start = local_parts(appointment.start_utc)
    form.type.data, form.mode.data = appointment.session_type.value, appointment.mode.value
    form.day.data, form.start.data, form.duration_min.data = day, start.strftime("%H:%M"), appointment.duration_min
    staff = {str(row.user.public_id) for row in appointment.staff}
    form.staff_ids.data = [value for value, _label in form.staff_ids.choices if value in staff]
    invited = {str(row.participant.public_id) for row in appointment.parties}
    form.attendee_ids.data = [value for value, _label in form.attendee_ids.choices if value in invited]


@bp.route("/cases/<uuid:case_id>/sessions/new", methods=["GET", "POST"])
@require(Permission.CASE_EDIT)
def session_new(case_id):
    case = queries.load_case(db.session, current_user, case_id)
    if not can_log_session(current_user, case):
        abort(403)
    form = SessionForm()
    _set_choices(form, case)
    appointment = _appointment_of(case)
    if request.method == "GET":
        if str(current_user.public_id) in dict(form.staff_ids.choices):
            form.staff_ids.data = [str(current_user.public_id)]
        if appointment is not None:
            _prefill_from(form, appointment)
        return render_viewed("counselling/session_form.html", entity="case", entity_id=case.public_id,
                             association_id=case.association_id, case=case, form=form, counselling_session=None,
                             version=None, stale=False, appointment=appointment)
    return submit(
        form,
        lambda: service.log_session(db.session, case, _data(form), actor=current_user, appointment=appointment),
        success=_("Session logged."), done=lambda logged: _detail(case, logged), aliases=ALIASES,
        page=lambda status: (_form_page(form, case=case, counselling_session=None, version=None, stale=False,
                                        appointment=appointment), status))


def _form_page(form: SessionForm, **context) -> str:
    """The session form shown again after a refusal, with the visibilities its chosen type allows."""
    _offer_visibilities(form, form.type.data)
    return render_template("counselling/session_form.html", form=form, **context)


def _detail_page(case: Case, counselling_session: CounsellingSession, void_form: VoidForm, status: int = 200):
    revisions = revisions_of(db.session, counselling_session)
    readable = can_read_content(current_user, case, counselling_session)
    names = {participant.id: participant.person.full_name
             for participant in active_participants(db.session, case)}
    return render_viewed(
        "counselling/session_detail.html", entity="session", entity_id=counselling_session.public_id,
        association_id=case.association_id, status=status, case=case, counselling_session=counselling_session,
        readable=readable, revisions=[(revision, service.revision_values(revision)) for revision in revisions],
        attendee_names=names, can_correct=can_open_correction(current_user, case, counselling_session),
        can_void=can_void_session(current_user, case, counselling_session), void_form=void_form,
    )


@bp.route("/cases/<uuid:case_id>/sessions/<uuid:session_id>")
@require(Permission.CASE_VIEW)
def session_detail(case_id, session_id):
    case = queries.load_case(db.session, current_user, case_id)
    counselling_session = _load_session(case, session_id)
    return _detail_page(case, counselling_session, VoidForm(formdata=None))


def _edit_form_from(counselling_session: CounsellingSession) -> SessionEditForm:
    day, start = local_parts(counselling_session.started_at)
    return SessionEditForm(formdata=None, data={
        "type": counselling_session.type.value, "mode": counselling_session.mode.value, "day": day,
        "start": start.strftime("%H:%M"), "duration_min": counselling_session.duration_min,
        "staff_ids": [str(row.user.public_id) for row in counselling_session.staff],
        "attendee_ids": [], "interpreter_used": counselling_session.interpreter_used,
        "parties_kept_apart": counselling_session.parties_kept_apart,
        "summary": counselling_session.summary, "next_steps": counselling_session.next_steps,
        "visibility": counselling_session.visibility.value, "version": counselling_session.version_id,
    })


def _attendee_public_ids(case: Case, counselling_session: CounsellingSession) -> list[str]:
    by_id = {participant.id: str(participant.public_id) for participant in active_participants(db.session, case)}
    return [by_id[row.participant_id] for row in counselling_session.attendees if row.participant_id in by_id]


@bp.route("/cases/<uuid:case_id>/sessions/<uuid:session_id>/edit", methods=["GET", "POST"])
@require(Permission.CASE_EDIT)
def session_edit(case_id, session_id):
    case = queries.load_case(db.session, current_user, case_id)
    counselling_session = _load_session(case, session_id)
    if not can_open_correction(current_user, case, counselling_session):
        abort(403)
    if request.method == "GET":
        form = _edit_form_from(counselling_session)
        _set_choices(form, case)
        _offer_visibilities(form, counselling_session.type.value)
        form.attendee_ids.data = _attendee_public_ids(case, counselling_session)
        return render_viewed("counselling/session_form.html", entity="session",
                             entity_id=counselling_session.public_id, association_id=case.association_id,
                             case=case, form=form, counselling_session=counselling_session,
                             version=counselling_session.version_id, stale=False)
    form = SessionEditForm()
    _set_choices(form, case)

    def page(status: int):
        if status == 409:
            return _stale(case_id, session_id, form)
        version = form.version.data if isinstance(form.version.data, int) else counselling_session.version_id
        return _form_page(form, case=case, counselling_session=counselling_session, version=version,
                          stale=False), status

    return submit(form, lambda: service.correct_session(db.session, case, counselling_session, _data(form),
                                                        expected_version=form.version.data, actor=current_user),
                  success=_("Session saved."), done=lambda _result: _detail(case, counselling_session),
                  page=page, aliases=ALIASES)


def _stale(case_id, session_id, form: SessionEditForm):
    """409: the user's entry next to the stored one, with the current version."""
    case = queries.load_case(db.session, current_user, case_id)
    counselling_session = _load_session(case, session_id)
    db.session.refresh(counselling_session)
    _offer_visibilities(form, form.type.data)
    return render_viewed("counselling/session_form.html", entity="session", entity_id=counselling_session.public_id,
                         association_id=case.association_id, status=409, case=case, form=form,
                         counselling_session=counselling_session, version=counselling_session.version_id,
                         stale=True)


@bp.route("/cases/<uuid:case_id>/sessions/<uuid:session_id>/void", methods=["POST"])
@require(Permission.CASE_EDIT)
def session_void(case_id, session_id):
    case = queries.load_case(db.session, current_user, case_id)
    counselling_session = _load_session(case, session_id)
    if not can_void_session(current_user, case, counselling_session):
        abort(403)
    form = VoidForm()
    return submit(form, lambda: service.void_session(db.session, case, counselling_session, form.reason.data,
                                                     actor=current_user),
                  success=_("Session voided."), done=lambda _result: _detail(case, counselling_session),
                  page=lambda status: _detail_page(case, _load_session(case, session_id), form, status=status))
