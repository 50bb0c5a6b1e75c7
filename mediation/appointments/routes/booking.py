"""Booking routes: book, show, reschedule an appointment and change its status.

HTTP only: the rules are in mediation.appointments.services.booking and, for what a supervisor's decision
asks, services/adaptations.py; the reads in queries/. One commit per request.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mediation.appointments.codes import OPEN
from mediation.appointments.forms import NONE, PARTY_TIMES_MAX, AppointmentForm, StatusForm
from mediation.appointments.models import Appointment, Room
from mediation.appointments.policies import can_book, can_manage, visible_appointments
from mediation.appointments.queries import attendance
from mediation.appointments.queries import calendars as queries
from mediation.appointments.queries.booking import association_staff, bookable_rooms
from mediation.appointments.queries.rooms import free_room_for_each
from mediation.appointments.routes import APPOINTMENT_SECTIONS, bp
from mediation.appointments.services import booking as service
from mediation.appointments.services import reminders
from mediation.appointments.services import status as status_service
from mediation.appointments.services.adaptations import (
    PartyTimes,
    case_adaptations,
    door_order,
    proposed_local_times,
    separation,
    slot_minutes,
    staggered_parties,
)
from mediation.appointments.services.slots import Slot, next_free_slots
from mediation.cases import queries as case_queries
from mediation.cases.codes import Adaptation, CaseStatus
from mediation.cases.models import Case
from mediation.cases.queries import active_participants
from mediation.cases.routes import case_section
from mediation.core import clock
from mediation.core.authz import Permission, require
from mediation.core.clock import local_parts
from mediation.core.errors import StaleRecord
from mediation.core.security import safe_next
from mediation.core.views import render_viewed, submit
from mediation.extensions import db

# The length of the meeting the free times are proposed for.
MEETING_MIN = 60


def load_appointment(appointment_id) -> Appointment:
    """The appointment if the user may see it; otherwise 404, exactly as for an unknown id."""
    return db.one_or_404(visible_appointments(current_user).where(Appointment.public_id == appointment_id))


def _case_from_query() -> Case | None:
    raw = request.args.get("case") or request.form.get("case")
    if not raw:
        return None
    try:
        case_id = uuid.UUID(raw)
    except ValueError:
        abort(404)
    return case_queries.load_case(db.session, current_user, case_id)


def _set_choices(form: AppointmentForm, association_id: int, case: Case | None) -> list[Room]:
    """Set the form's choices; the bookable rooms, read once, are returned for the proposed times."""
    rooms = bookable_rooms(db.session, association_id)
    form.room_id.choices = [(NONE, "—")] + [(str(room.public_id), f"{room.name} · {room.service_point.code}")
                                            for room in rooms]
    form.staff_ids.choices = [(str(user.public_id), user.display_name)
                              for user in association_staff(db.session, association_id)]
    form.participant_ids.choices = [] if case is None else [
        (str(p.public_id), f"{p.person.full_name} · {p.role.label}")
        for p in active_participants(db.session, case)
    ]
    return rooms


def _party_labels(case: Case | None) -> dict[str, str]:
    """The adult parties given their own times, when the case's decision staggers them: label by public id."""
    return {str(p.public_id): f"{p.person.full_name} · {p.role.label}"
            for p in staggered_parties(db.session, case)}


def _set_party_rows(form: AppointmentForm, case: Case | None) -> None:
    """One row of arrival and departure per adult party when the case's decision staggers them (DOM68).

    Rows posted when no times are asked for (the decision changed since the form was shown) are
    dropped, not refused; a party without a posted row gets an empty one (the proposed times).
    """
    labels = _party_labels(case)
    if not labels or request.method == "GET":
        while form.party_times.entries:
            form.party_times.pop_entry()
    posted = {entry.form.participant.data for entry in form.party_times}
    for value in labels:
        if value not in posted and len(form.party_times) < PARTY_TIMES_MAX:
            form.party_times.append_entry({"participant": value})
    for entry in form.party_times:
        entry.form.participant.choices = list(labels.items())


def _invited_by_default(case: Case) -> list[str]:
    """Who the form invites before the user changes it (docs/domain.md, DOM105): in mediation, every adult
    party taking part, unless a decision keeps them in separate sessions; otherwise the first person."""
    people = active_participants(db.session, case)
    parties = [p for p in people if p.is_party and not p.is_child]
    apart = case_adaptations(db.session, case) & {Adaptation.SEPARATE_SESSIONS, Adaptation.SHUTTLE}
    if case.status is CaseStatus.IN_MEDIATION and len(parties) > 1 and not apart:
        return [str(p.public_id) for p in parties]
    return [str(p.public_id) for p in people[:1]]


def _propose_party_times(form: AppointmentForm, stored: dict[str, tuple[str, str]] | None = None) -> None:
    """Fill the rows with the stored times, else the proposed ones once the date and times are known."""
    proposed: list[tuple[time, time]] = []
    try:
        if form.day.data is not None:
            proposed = proposed_local_times(form.day.data, time.fromisoformat(form.start.data or ""),
                                                    time.fromisoformat(form.end.data or ""), len(form.party_times))
    except ValueError:
        proposed = []
    for index, entry in enumerate(form.party_times):
        if stored and entry.form.participant.data in stored:
            entry.form.arrives.data, entry.form.leaves.data = stored[entry.form.participant.data]
        elif proposed:
            arrives, leaves = proposed[index]
            entry.form.arrives.data, entry.form.leaves.data = arrives.strftime("%H:%M"), leaves.strftime("%H:%M")


def _uuid_or_none(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def _time_or_none(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


def _data(form: AppointmentForm) -> service.AppointmentData:
    # Choices and patterns were validated by the form: public ids and HH:MM only.
    return service.AppointmentData(
        session_type=form.session_type.data, mode=form.mode.data, day=form.day.data,
        start=time.fromisoformat(form.start.data), end=time.fromisoformat(form.end.data),
        staff_ids=tuple(uuid.UUID(v) for v in form.staff_ids.data or ()),
        participant_ids=tuple(uuid.UUID(v) for v in form.participant_ids.data or ()),
        room_id=_uuid_or_none(form.room_id.data), video_link=form.video_link.data,
        intake_label=form.intake_label.data,
        party_times=tuple(PartyTimes(uuid.UUID(entry.form.participant.data),
                                     _time_or_none(entry.form.arrives.data),
                                     _time_or_none(entry.form.leaves.data))
                          for entry in form.party_times),
    )


def _prefill_from_query(form: AppointmentForm) -> None:
    """A proposed free slot was chosen without script: its date, times and room arrive in the query string
    (docs/domain.md, DOM100). A room that is not one of the form's choices is ignored."""
    room = request.args.get("room", "")
    if room and room in dict(form.room_id.choices):
        form.room_id.data = room
    try:
        form.day.data = date.fromisoformat(request.args.get("day", ""))
        form.start.data = time.fromisoformat(request.args.get("start", "")).strftime("%H:%M")
        form.end.data = time.fromisoformat(request.args.get("end", "")).strftime("%H:%M")
    except ValueError:
        return  # no slot chosen, or a malformed one: the form stays empty


def _slot_staff(form: AppointmentForm):
    """The staff member whose free slots are proposed: the one chosen in the query, else the first ticked."""
    wanted = request.args.get("staff") or next(iter(form.staff_ids.data or ()), None)
    return next((user for user in association_staff(db.session, current_user.association_id)
                 if str(user.public_id) == wanted), None)


@dataclass(frozen=True)
class SlotLink:
    slot: Slot
    room: Room | None  # free for the whole slot, at the case's service point when there is a case
    url: str


def _slot_links(form: AppointmentForm, case: Case | None, staggered: int, rooms: list[Room] | None):
    """The next free times of the chosen staff member, long enough for `staggered` parties' own times, each
    with a room free for all of it (docs/domain.md, DOM100): one link fills the form's date, times and room."""
    user = _slot_staff(form)
    if user is None:
        return None, []
    slots = next_free_slots(db.session, user.id, duration_min=slot_minutes(staggered, MEETING_MIN))
    if rooms is None:  # a refused form: the rooms read before the rollback are expired, read them again
        rooms = bookable_rooms(db.session, current_user.association_id)
    if case is not None:
        rooms = [room for room in rooms if room.service_point_id == case.service_point_id]
    free = free_room_for_each(db.session, rooms, [(slot.start_utc, slot.end_utc) for slot in slots])
    return user, [SlotLink(slot, room, url_for("appointments.new", case=case.public_id if case else None,
                                               staff=user.public_id, day=slot.day.isoformat(),
                                               start=slot.start.strftime("%H:%M"), end=slot.end.strftime("%H:%M"),
                                               room=room.public_id if room else None))
                  for slot, room in zip(slots, free, strict=True)]


def _render_form(form, case, appointment, status=200, stale=False, rooms: list[Room] | None = None):
    party_labels = _party_labels(case)
    slot_user, slots = ((None, []) if appointment is not None
                        else _slot_links(form, case, len(party_labels), rooms))
    adaptations = case_adaptations(db.session, case)
    return render_template("appointments/form.html", form=form, case=case, appointment=appointment,
                           slot_user=slot_user, slots=slots, stale=stale,
                           adaptations=[code for code in Adaptation if code in adaptations],
                           party_labels=party_labels,
                           separation_min=int(separation().total_seconds() // 60)), status


@bp.route("/new", methods=["GET", "POST"])
@require(Permission.APPOINTMENT_MANAGE)
def new():
    if not can_book(current_user):
        abort(403)
    case = _case_from_query()
    if case is not None and not case.is_open:
        abort(403)
    form = AppointmentForm()
    rooms = _set_choices(form, current_user.association_id, case)
    _set_party_rows(form, case)
    if request.method == "GET":
        _prefill_from_query(form)
        _propose_party_times(form)
        chosen = request.args.get("staff")
        default = chosen if chosen in dict(form.staff_ids.choices) else str(current_user.public_id)
        if default in dict(form.staff_ids.choices):
            form.staff_ids.data = [default]
        if case is not None:
            form.participant_ids.data = _invited_by_default(case)
        return _render_form(form, case, None, rooms=rooms)
    return submit(form, lambda: service.book(db.session, _data(form), actor=current_user, case=case),
                  success=_("Appointment booked."), done=_detail_page,
                  page=lambda status: _render_form(form, case, None, status))


def _detail_page(appointment: Appointment):
    return redirect(url_for("appointments.detail", appointment_id=appointment.public_id))


def _status_form(appointment: Appointment) -> StatusForm:
    form = StatusForm()
    form.participant_id.choices = [(NONE, _("Not recorded"))] + [
        (str(row.participant.public_id), row.participant.person.full_name) for row in appointment.parties]
    return form


def _detail_context(appointment: Appointment, status_form: StatusForm) -> dict:
    adaptations = case_adaptations(db.session, appointment.case)
    context = {"appointment": appointment, "status_form": status_form,
               "adaptations": [code for code in Adaptation if code in adaptations],
               "door_rows": door_order(appointment),
               "separation_min": int(separation().total_seconds() // 60),
               "can_manage": can_manage(current_user, appointment), "is_open": appointment.status in OPEN,
               "logged_session_id": None, "can_log_session": False,
               # The reminders sent to the parties, by channel and status (docs/domain.md, DOM145).
               "sent_messages": reminders.messages_about(db.session, [appointment]).get(appointment.id, []),
               "party_names": {str(row.participant.public_id): row.participant.person.full_name
                               for row in appointment.parties}}
    for provider in APPOINTMENT_SECTIONS:
        context.update(provider(appointment, current_user))
    return context


@bp.route("/<uuid:appointment_id>")
@require(Permission.APPOINTMENT_VIEW)
def detail(appointment_id):
    appointment = load_appointment(appointment_id)
    return render_viewed("appointments/detail.html", entity="appointment", entity_id=appointment.public_id,
                         association_id=appointment.association_id,
                         **_detail_context(appointment, _status_form(appointment)))


def _prefill(form: AppointmentForm, appointment: Appointment) -> None:
    day, start, end = service.local_start_parts(appointment)
    form.session_type.data, form.mode.data = appointment.session_type.value, appointment.mode.value
    form.day.data, form.start.data, form.end.data = day, start.strftime("%H:%M"), end.strftime("%H:%M")
    form.room_id.data = str(appointment.room.public_id) if appointment.room else NONE
    form.video_link.data, form.intake_label.data = appointment.video_link, appointment.intake_label
    form.staff_ids.data = [str(row.user.public_id) for row in appointment.staff]
    form.participant_ids.data = [str(row.participant.public_id) for row in appointment.parties]
    form.version.data = appointment.version_id
    _propose_party_times(form, {str(row.participant.public_id): (local_parts(row.arrives_at)[1].strftime("%H:%M"),
                                                                 local_parts(row.leaves_at)[1].strftime("%H:%M"))
                                for row in door_order(appointment)})


@bp.route("/<uuid:appointment_id>/edit", methods=["GET", "POST"])
@require(Permission.APPOINTMENT_MANAGE)
def edit(appointment_id):
    appointment = load_appointment(appointment_id)
    if not can_manage(current_user, appointment) or appointment.status not in OPEN:
        abort(403)
    form = AppointmentForm()
    _set_choices(form, appointment.association_id, appointment.case)
    _set_party_rows(form, appointment.case)
    if request.method == "GET":
        _prefill(form, appointment)
        return _render_form(form, appointment.case, appointment)
    if not form.validate_on_submit():
        return _render_form(form, appointment.case, appointment, 422)
    return submit(
        form, lambda: service.reschedule(db.session, appointment, _data(form), actor=current_user,
                                         version=form.version.data),
        success=_("Appointment changed."), done=lambda _result: _detail_page(appointment),
        page=lambda status: _render_form(form, appointment.case, load_appointment(appointment_id), status,
                                         stale=isinstance(form.refused, StaleRecord)))


def _apply_status(appointment: Appointment, form: StatusForm) -> None:
    action, version = form.action.data, form.version.data
    if action == "confirm":
        status_service.confirm(db.session, appointment, actor=current_user, version=version)
    elif action == "held":
        status_service.mark_held(db.session, appointment, actor=current_user, version=version)
    elif action == "missed":
        status_service.mark_missed(db.session, appointment, actor=current_user, version=version)
    else:
        status_service.cancel(db.session, appointment, by_party=action == "cancel_party", reason=form.reason.data,
                       participant_id=_uuid_or_none(form.participant_id.data), actor=current_user, version=version)


@bp.route("/<uuid:appointment_id>/status", methods=["POST"])
@require(Permission.APPOINTMENT_MANAGE)
def change_status(appointment_id):
    appointment = load_appointment(appointment_id)
    if not can_manage(current_user, appointment):
        abort(403)
    form = _status_form(appointment)

    def done(_result):
        if form.action.data == "held" and appointment.case is not None:
            flash(_("Appointment marked as held: record the session now."), "success")
            return redirect(url_for("counselling.session_new", case_id=appointment.case.public_id,
                                    appointment=appointment.public_id))
        flash(_("Appointment updated."), "success")
        # From a list (the worklist) the user goes back to it; "next" is a local path only.
        back = safe_next(request.form.get("next"))
        return redirect(back) if back else _detail_page(appointment)

    def page(status: int):
        current = load_appointment(appointment_id)
        return render_template("appointments/detail.html", **_detail_context(current, form)), status

    return submit(form, lambda: _apply_status(appointment, form), done=done, page=page)


# The case page


@dataclass(frozen=True)
class PartyCounts:
    name: str
    missed: int
    cancelled: int


@case_section
def appointments_section(case: Case, user) -> dict:
    """The case's appointments, upcoming first, with no-shows and cancellations per case and per party."""
    rows = queries.case_appointments(db.session, user, case)
    now = clock.now()
    upcoming = sorted((a for a in rows if a.end_utc >= now), key=lambda a: a.start_utc)
    past = [a for a in rows if a.end_utc < now][:20]
    per_party = attendance.party_counts(db.session, case)
    names = queries.participant_names(db.session, case) if per_party else {}
    return {
        "appointments_upcoming": upcoming,
        "appointments_past": past,
        "appointments_total": len(rows),  # for the case page's section menu (docs/architecture.md, U2)
        "appointment_counts": attendance.case_counts(db.session, case),
        "appointment_party_counts": [PartyCounts(names.get(pid, "—"), counts.missed, counts.cancelled_by_party)
                                     for pid, counts in sorted(per_party.items())],
        "appointment_can_book": case.is_open and can_book(user),
        "appointment_messages": reminders.messages_about(db.session, [*upcoming, *past]),
    }
