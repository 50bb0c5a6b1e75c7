"""Routes of the positive-parenting groups (docs/domain.md, DOM120-DOM125; docs/security.md, S61): HTTP only.

A group is loaded through the user's scope (404 outside it), then a session or enrolment within the group
(404 when it is not that group's); the policy answers 403 for a user who sees the group but may not act.
"""

from __future__ import annotations

import uuid
from datetime import time

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from mediation.core.authz import Permission, require
from mediation.core.i18n import current_language
from mediation.core.views import render_viewed, submit
from mediation.extensions import db
from mediation.groups import policies, queries
from mediation.groups.forms import (
    ActivityForm,
    AttendanceForm,
    CancelGroupForm,
    CancelSessionForm,
    EnrolForm,
    EnrolmentForm,
    GroupEditForm,
    GroupForm,
    ProgrammeEditForm,
    ProgrammeForm,
    SessionForm,
)
from mediation.groups.models import ParentingGroup
from mediation.groups.routes import bp
from mediation.groups.services import activities as activity_services
from mediation.groups.services import cycles, participation

GROUP = "/<uuid:group_id>"


def _group(group_id) -> ParentingGroup:
    group = queries.load_group(db.session, current_user, group_id)
    if group is None:
        abort(404)
    return group


def _runner(group_id) -> ParentingGroup:
    group = _group(group_id)
    if not policies.can_run(current_user, group):
        abort(403)
    return group


def _to_group(group: ParentingGroup):
    return lambda _result: redirect(url_for("groups.detail", group_id=group.public_id))


@bp.route("/")
@require(Permission.GROUP_VIEW)
def index():
    return render_viewed("groups/index.html", entity="parenting_group", entity_id="list",
                         association_id=current_user.association_id,
                         rows=queries.group_list(db.session, current_user), can_plan=policies.can_plan(current_user))


@bp.route("/programmes", methods=["GET", "POST"])
@require(Permission.GROUP_PLAN)
def programmes():
    form = ProgrammeForm()

    def page(status: int):
        association_id = current_user.association_id
        return render_template("groups/programmes.html", form=form,
                               programmes=queries.programmes(db.session, association_id),
                               group_counts=queries.groups_per_programme(db.session, association_id)), status

    if request.method == "GET":
        return page(200)
    return submit(form, lambda: cycles.create_programme(db.session, cycles.ProgrammeData(
        name=form.name.data, planned_sessions=form.planned_sessions.data, target=form.target.data,
        framework=form.framework.data), actor=current_user),
        success=_("The programme is recorded."), done=lambda _r: redirect(url_for("groups.programmes")), page=page)


def _programme(programme_id):
    programme = queries.load_programme(db.session, current_user.association_id, programme_id)
    if programme is None:
        abort(404)
    return programme


@bp.route("/programmes/<uuid:programme_id>/edit", methods=["GET", "POST"])
@require(Permission.GROUP_PLAN)
def edit_programme(programme_id):
    """Correct a programme (docs/domain.md, DOM134); a stale version is refused with 409 (S31)."""
    programme = _programme(programme_id)
    form = ProgrammeEditForm()

    def page(status: int):
        return render_template("groups/programme_edit.html", form=form, programme=programme,
                               version=programme.version_id), status

    if request.method == "GET":
        form.name.data, form.planned_sessions.data = programme.name, programme.planned_sessions
        form.target.data, form.framework.data = programme.target.value, programme.framework
        return render_viewed("groups/programme_edit.html", entity="parenting_programme", entity_id=programme.public_id,
                             association_id=programme.association_id, form=form, programme=programme,
                             version=programme.version_id)
    return submit(form, lambda: cycles.update_programme(db.session, programme, cycles.ProgrammeData(
        name=form.name.data, planned_sessions=form.planned_sessions.data, target=form.target.data,
        framework=form.framework.data), actor=current_user, version=form.version.data),
        success=_("The programme is saved."), done=lambda _r: redirect(url_for("groups.programmes")), page=page)


@bp.route("/programmes/<uuid:programme_id>/active", methods=["POST"])
@require(Permission.GROUP_PLAN)
def programme_active(programme_id):
    """Deactivate or offer again (a button: active=1 or 0; DOM134)."""
    programme = _programme(programme_id)
    active = request.form.get("active") == "1"
    return submit(None, lambda: cycles.set_programme_active(db.session, programme, active, actor=current_user),
                  success=_("The programme is offered again.") if active else _("The programme is deactivated."),
                  done=lambda _r: redirect(url_for("groups.programmes")))


def _group_form() -> GroupForm:
    association_id = current_user.association_id
    form = GroupForm()
    form.programme_id.choices = [SelectChoice(str(row.public_id), row.name)
                                 for row in queries.programmes(db.session, association_id, active_only=True)]
    language = current_language()
    form.service_point_id.choices = [SelectChoice(str(row.public_id), row.name(language))
                                     for row in queries.service_points(db.session, association_id)]
    form.room_id.choices = [SelectChoice(str(row.public_id), row.name)
                            for row in queries.rooms(db.session, association_id)]
    form.facilitator_ids.choices = [SelectChoice(str(row.public_id), row.display_name)
                                    for row in queries.staff(db.session, association_id)]
    return form


@bp.route("/new", methods=["GET", "POST"])
@require(Permission.GROUP_PLAN)
def new():
    form = _group_form()

    def page(status: int):
        return render_template("groups/group_form.html", form=form), status

    if request.method == "GET":
        return page(200)

    def change():
        return cycles.create_group(db.session, cycles.GroupData(
            programme_id=_uuid(form.programme_id.data), name=form.name.data,
            service_point_id=_uuid(form.service_point_id.data), room_id=_uuid(form.room_id.data),
            start_on=form.start_on.data, planned_sessions=form.planned_sessions.data, language=form.language.data,
            capacity=form.capacity.data,
            facilitator_ids=tuple(u for u in (_uuid(v) for v in form.facilitator_ids.data or []) if u is not None),
        ), actor=current_user)

    return submit(form, change, success=_("The group is created."),
                  done=lambda group: redirect(url_for("groups.detail", group_id=group.public_id)), page=page)


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


@bp.route(GROUP)
@require(Permission.GROUP_VIEW)
def detail(group_id):
    group = _group(group_id)
    sessions = queries.sessions_of(db.session, group)
    held = sum(1 for row in sessions if row.attendance_recorded_at is not None)
    return render_viewed("groups/detail.html", entity="parenting_group", entity_id=group.public_id,
                         association_id=group.association_id, group=group, sessions=sessions,
                         group_status=queries.group_status(group, held), held=held,
                         rows=queries.enrolment_rows(db.session, group), can_run=policies.can_run(current_user, group),
                         can_edit=policies.can_edit_group(current_user, group),
                         session_form=SessionForm(), cancel_form=CancelSessionForm())


def _editor(group_id) -> ParentingGroup:
    group = _group(group_id)
    if not policies.can_edit_group(current_user, group):
        abort(403)
    return group


@bp.route(f"{GROUP}/edit", methods=["GET", "POST"])
@require(Permission.GROUP_VIEW)
def edit(group_id):
    """Change a group not finished nor cancelled (docs/domain.md, DOM135); stale versions get 409 (S31)."""
    group = _editor(group_id)
    form = GroupEditForm()
    form.room_id.choices = [SelectChoice(str(row.public_id), row.name)
                            for row in queries.rooms(db.session, group.association_id)
                            if row.service_point_id == group.service_point_id]
    form.facilitator_ids.choices = [SelectChoice(str(row.public_id), row.display_name)
                                    for row in queries.staff(db.session, group.association_id)]
    cancel_form = CancelGroupForm(formdata=None)
    cancel_form.version.data = group.version_id

    def page(status: int):
        return render_template("groups/group_edit.html", group=group, form=form, cancel_form=cancel_form,
                               version=group.version_id, started=started), status

    started = queries.held_count(db.session, group) > 0
    if request.method == "GET":
        form.room_id.data = str(group.room.public_id) if group.room is not None else None
        form.start_on.data, form.planned_sessions.data = group.start_on, group.planned_sessions
        form.language.data, form.capacity.data = group.language.value, group.capacity
        form.facilitator_ids.data = [str(row.user.public_id) for row in group.facilitators]
        return render_viewed("groups/group_edit.html", entity="parenting_group", entity_id=group.public_id,
                             association_id=group.association_id, group=group, form=form, cancel_form=cancel_form,
                             version=group.version_id, started=started)
    return submit(form, lambda: cycles.update_group(db.session, group, cycles.GroupUpdate(
        room_id=_uuid(form.room_id.data), start_on=form.start_on.data, planned_sessions=form.planned_sessions.data,
        language=form.language.data, capacity=form.capacity.data,
        facilitator_ids=tuple(u for u in (_uuid(v) for v in form.facilitator_ids.data or []) if u is not None),
    ), actor=current_user, version=form.version.data), success=_("The group is saved."), done=_to_group(group),
        page=page)


@bp.route(f"{GROUP}/cancel", methods=["POST"])
@require(Permission.GROUP_VIEW)
def cancel(group_id):
    """Call off a group planned and never started (docs/domain.md, DOM136)."""
    group = _editor(group_id)
    form = CancelGroupForm()

    def page(status: int):
        return render_template("groups/group_cancel.html", group=group, cancel_form=form,
                               version=group.version_id), status

    return submit(form, lambda: cycles.cancel_group(db.session, group, reason=form.reason.data, actor=current_user,
                                                    version=form.version.data),
                  success=_("The group is cancelled."), done=_to_group(group), page=page)


@bp.route(f"{GROUP}/finish", methods=["POST"])
@require(Permission.GROUP_VIEW)
def finish(group_id):
    group = _runner(group_id)
    return submit(None, lambda: cycles.finish_group(db.session, group, actor=current_user),
                  success=_("The cycle is declared finished."), done=_to_group(group))


@bp.route(f"{GROUP}/sessions", methods=["POST"])
@require(Permission.GROUP_VIEW)
def book_session(group_id):
    group = _runner(group_id)
    form = SessionForm()

    def page(status: int):
        return render_template("groups/session_form.html", group=group, form=form), status

    return submit(form, lambda: cycles.book_session(
        db.session, group, day=form.day.data, start=time.fromisoformat(form.start.data),
        end=time.fromisoformat(form.end.data), actor=current_user),
        success=_("The session is booked."), done=_to_group(group), page=page)


@bp.route(f"{GROUP}/sessions/<uuid:session_id>/cancel", methods=["POST"])
@require(Permission.GROUP_VIEW)
def cancel_session(group_id, session_id):
    group = _runner(group_id)
    group_session = queries.load_session(db.session, group, session_id)
    if group_session is None:
        abort(404)
    form = CancelSessionForm()
    return submit(form if form.validate_on_submit() else None,
                  lambda: cycles.cancel_session(db.session, group, group_session, reason=form.reason.data,
                                                  actor=current_user),
                  success=_("The session is cancelled."), done=_to_group(group))


@bp.route(f"{GROUP}/enrol", methods=["GET", "POST"])
@require(Permission.GROUP_VIEW)
def enrol(group_id):
    group = _runner(group_id)
    form = EnrolForm()

    def page(status: int):
        return render_template("groups/enrol.html", group=group, form=form), status

    if request.method == "GET":
        return page(200)
    return submit(form, lambda: participation.enrol(db.session, group, participation.ParticipantData(
        full_name=form.full_name.data, sex=form.sex.data, age_band=form.age_band.data, phone=form.phone.data,
        email=form.email.data,
        birth_date=form.birth_date.data or None, consent_data_processing=bool(form.consent_data_processing.data),
        consent_contact=bool(form.consent_contact.data)), actor=current_user),
        success=_("The participant is enrolled."), done=_to_group(group), page=page)


@bp.route(f"{GROUP}/enrolments/<uuid:enrolment_id>", methods=["GET", "POST"])
@require(Permission.GROUP_VIEW)
def enrolment(group_id, enrolment_id):
    group = _runner(group_id)
    row = queries.load_enrolment(db.session, group, enrolment_id)
    if row is None:
        abort(404)
    form = EnrolmentForm(obj=None)
    if request.method == "GET":
        form.dropped_out.data = row.dropped_out_on is not None
        form.pre_score.data, form.post_score.data = row.pre_score, row.post_score
        form.satisfaction.data = row.satisfaction
        return render_viewed("groups/enrolment.html", entity="parenting_enrolment", entity_id=row.public_id,
                             association_id=group.association_id, group=group, enrolment=row, form=form,
                             version=row.version_id)

    def page(status: int):
        return render_template("groups/enrolment.html", group=group, enrolment=row, form=form,
                               version=row.version_id), status

    return submit(form, lambda: participation.update_enrolment(db.session, group, row, participation.EnrolmentUpdate(
        dropped_out=bool(form.dropped_out.data), pre_score=form.pre_score.data, post_score=form.post_score.data,
        satisfaction=form.satisfaction.data), actor=current_user, version=form.version.data),
        success=_("The enrolment is saved."), done=_to_group(group), page=page)


@bp.route(f"{GROUP}/sessions/<uuid:session_id>/attendance", methods=["GET", "POST"])
@require(Permission.GROUP_VIEW)
def attendance(group_id, session_id):
    """One page, one tap per person, no script needed (docs/domain.md, DOM125)."""
    group = _runner(group_id)
    group_session = queries.load_session(db.session, group, session_id)
    if group_session is None:
        abort(404)
    lines = queries.attendance_sheet(db.session, group, group_session)
    form = AttendanceForm()
    form.present.choices = [SelectChoice(str(line.enrolment.public_id), line.name) for line in lines]
    if request.method == "GET":
        form.present.data = [str(line.enrolment.public_id) for line in lines if line.present]
        return render_viewed("groups/attendance.html", entity="parenting_group_session",
                             entity_id=group_session.public_id, association_id=group.association_id, group=group,
                             group_session=group_session, lines=lines, form=form)

    def page(status: int):
        return render_template("groups/attendance.html", group=group, group_session=group_session, lines=lines,
                               form=form), status

    return submit(form, lambda: participation.record_attendance(
        db.session, group, group_session, {u for u in (_uuid(v) for v in form.present.data or []) if u is not None},
        actor=current_user), success=_("The attendance is recorded."), done=_to_group(group), page=page)


@bp.route("/activities")
@require(Permission.GROUP_VIEW)
def activities():
    return render_viewed("groups/activities.html", entity="family_activity", entity_id="list",
                         association_id=current_user.association_id,
                         activities=queries.activity_list(db.session, current_user))


@bp.route("/activities/new", methods=["GET", "POST"])
@require(Permission.GROUP_VIEW)
def new_activity():
    association_id = current_user.association_id
    form = ActivityForm()
    language = current_language()
    form.service_point_id.choices = [SelectChoice(str(row.public_id), row.name(language))
                                     for row in queries.service_points(db.session, association_id)]
    form.facilitator_ids.choices = [SelectChoice(str(row.public_id), row.display_name)
                                    for row in queries.staff(db.session, association_id)]

    def page(status: int):
        return render_template("groups/activity_form.html", form=form), status

    if request.method == "GET":
        form.facilitator_ids.data = [str(current_user.public_id)]
        return page(200)
    return submit(form, lambda: activity_services.record_activity(db.session, activity_services.ActivityData(
        held_on=form.held_on.data, theme=form.theme.data, service_point_id=_uuid(form.service_point_id.data),
        title=form.title.data,
        facilitator_ids=tuple(u for u in (_uuid(v) for v in form.facilitator_ids.data or []) if u is not None),
        counts=form.count_data()), actor=current_user),
        success=_("The activity is recorded."), done=lambda _r: redirect(url_for("groups.activities")), page=page)
