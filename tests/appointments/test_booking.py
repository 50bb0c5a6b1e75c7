"""Booking an appointment: the form, its refusals, statuses, the session it becomes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from mediation.appointments.codes import AppointmentStatus
from mediation.appointments.models import Appointment
from mediation.appointments.services import booking, status
from mediation.appointments.services.slots import next_free_slots
from mediation.cases.codes import SessionType
from mediation.core import clock
from mediation.core.errors import ValidationFailed
from mediation.counselling.models import CounsellingSession
from mediation.extensions import db
from tests.admin.support import translated
from tests.appointments.fixtures import appointment_by_public_id, case_of, data, requesting_party, staff
from tests.english import login_as  # noqa: F401  (fixture: log in, then English)


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Appointment))


def form(world, day: date, start="14:00", end="15:00", **overrides) -> dict:
    values = {"session_type": "individual", "mode": "in_person", "room_id": world.appointments.rooms["A1"],
              "day": day.isoformat(), "start": start, "end": end, "staff_ids": [world.user_ids["mediator_a1"]],
              "participant_ids": [world.cases.participants["own"]], "case": world.cases.own}
    values.update(overrides)
    return values


def book_url(world) -> str:
    return f"/appointments/new?case={world.cases.own}"


def test_a_mediator_books_an_appointment_for_her_case(app, world, appointments, login_as):
    client = login_as("mediator_a1")
    page = client.get(book_url(world)).get_data(as_text=True)
    assert "Salle 1" in page and "Salle B" not in page  # rooms of her association only
    before = count(app)
    response = client.post(book_url(world), data=form(world, appointments.monday + timedelta(days=2)))
    assert response.status_code == 302
    assert count(app) == before + 1
    with app.app_context():
        booked = db.session.scalar(select(Appointment).order_by(Appointment.id.desc()))
        assert booked.start_local == f"{(appointments.monday + timedelta(days=2)).isoformat()}T14:00"
        assert booked.time_zone == "Africa/Casablanca"
        assert booked.duration_min == 60 and booked.status is AppointmentStatus.SCHEDULED
        assert response.headers["Location"] == f"/appointments/{booked.public_id}"
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Salle 1" in detail and "فاطمة الزهراء بناني" in detail


@pytest.mark.parametrize("overrides, message", [
    # By phone (no room): only mediator A1's time clashes.
    ({"mode": "phone", "room_id": ""}, "A chosen staff member already has an appointment at this time."),
    # Held by the supervisor alone: only room A1 clashes.
    ({"staff_ids": "supervisor_a"}, "The room is already booked at this time."),
])
def test_a_slot_cannot_be_double_booked(app, world, appointments, login_as, overrides, message):
    """The own appointment takes mediator A1 and room A1 on Monday 10:00-11:00; 10:30-11:30 overlaps it."""
    client = login_as("supervisor_a")
    values = form(world, appointments.monday, "10:30", "11:30", **overrides)
    if "staff_ids" in overrides:
        values["staff_ids"] = [world.user_ids[overrides["staff_ids"]]]
    before = count(app)
    response = client.post(book_url(world), data=values)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert message in page
    assert count(app) == before
    assert 'value="10:30"' in page  # the input is kept


def test_back_to_back_appointments_do_not_clash(app, world, appointments, login_as):
    client = login_as("mediator_a1")
    response = client.post(book_url(world), data=form(world, appointments.monday, "11:00", "11:30"))
    assert response.status_code == 302


@pytest.mark.parametrize("start, end, message", [
    ("15:00", "14:00", "The end must be after the start."),
    ("15:00", "15:00", "The end must be after the start."),
    ("08:00", "16:30", "An appointment lasts at most 8 hours."),
    ("25:00", "26:00", "Enter the time as HH:MM, for example 09:30."),
])
def test_impossible_times_are_refused_in_the_users_language(app, world, appointments, login_as, start, end,
                                                            message):
    client = login_as("mediator_a1")
    client.post("/language", data={"lang": "fr", "next": "/"})
    before = count(app)
    response = client.post(book_url(world), data=form(world, appointments.monday + timedelta(days=3), start, end))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert translated(app, "fr", message) in page
    assert count(app) == before
    assert f'value="{start}"' in page


def test_a_past_start_is_refused_for_a_new_appointment(app, world, appointments, login_as):
    client = login_as("mediator_a1")
    yesterday = clock.today() - timedelta(days=1)
    response = client.post(book_url(world), data=form(world, yesterday))
    assert response.status_code == 422
    assert "This time has already passed: choose a time to come." in response.get_data(as_text=True)


def test_a_room_of_another_association_or_a_party_of_another_case_is_refused(app, world, appointments, login_as):
    client = login_as("mediator_a1")
    before = count(app)
    foreign_room = client.post(book_url(world), data=form(world, appointments.monday + timedelta(days=2),
                                                          room_id=appointments.rooms["B1"]))
    foreign_party = client.post(book_url(world), data=form(world, appointments.monday + timedelta(days=2),
                                                           participant_ids=[world.cases.participants["colleague"]]))
    assert foreign_room.status_code == 422 and foreign_party.status_code == 422
    assert "Not a valid choice" in foreign_room.get_data(as_text=True)
    assert count(app) == before


def test_the_service_refuses_foreign_rooms_and_parties_too(app, world, appointments):
    """The form's choices are one guard; the service checks again (another caller, a tampered request)."""
    with app.app_context():
        a1, case = staff("mediator.a1"), case_of(world.cases.own)
        day = appointments.monday + timedelta(days=2)
        with pytest.raises(ValidationFailed) as room_error:
            booking.book(db.session, data(day, "14:00", "15:00", [a1.public_id], room=appointments.rooms["B1"]),
                         actor=a1, case=case)
        assert room_error.value.field == "room_id"
        other = requesting_party(case_of(world.cases.colleague))
        with pytest.raises(ValidationFailed) as party_error:
            booking.book(db.session, data(day, "14:00", "15:00", [a1.public_id], room=appointments.rooms["A1"],
                                          participants=[other.public_id]), actor=a1, case=case)
        assert party_error.value.field == "participant_ids"
        b1 = staff("mediator.b1")
        with pytest.raises(ValidationFailed) as staff_error:
            booking.book(db.session, data(day, "14:00", "15:00", [b1.public_id], room=appointments.rooms["A1"]),
                         actor=a1, case=case)
        assert staff_error.value.field == "staff_ids"


def test_times_are_stored_in_utc_from_casablanca_time_across_ramadan(app, world, appointments):
    """Morocco is UTC+0 during Ramadan 2026 (15 Feb - 22 Mar) and UTC+1 outside it (the pinned zone data)."""
    with app.app_context():
        a1, case = staff("mediator.a1"), case_of(world.cases.own)
        then = datetime(2026, 1, 1, tzinfo=UTC)
        ramadan = booking.book(db.session, data(date(2026, 3, 2), "10:00", "11:00", [a1.public_id],
                                                mode="phone"), actor=a1, case=case, now=then)
        spring = booking.book(db.session, data(date(2026, 5, 11), "10:00", "11:00", [a1.public_id],
                                               mode="phone"), actor=a1, case=case, now=then)
        db.session.flush()
        db.session.expire_all()
        assert db.session.get(Appointment, ramadan.id).start_utc == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
        assert db.session.get(Appointment, spring.id).start_utc == datetime(2026, 5, 11, 9, 0, tzinfo=UTC)


def test_a_skipped_local_time_is_refused_and_a_repeated_one_takes_the_first(app, world, appointments):
    """22 March 2026: 02:00 local jumps to 03:00. 20 September 2026: 02:00 goes back to 01:00."""
    with app.app_context():
        a1, case = staff("mediator.a1"), case_of(world.cases.own)
        then = datetime(2026, 1, 1, tzinfo=UTC)
        with pytest.raises(ValidationFailed) as skipped:
            booking.book(db.session, data(date(2026, 3, 22), "02:30", "03:30", [a1.public_id], mode="phone"),
                         actor=a1, case=case, now=then)
        assert skipped.value.field == "start"
        repeated = booking.book(db.session, data(date(2026, 9, 20), "01:30", "02:30", [a1.public_id],
                                                 mode="phone"), actor=a1, case=case, now=then)
        assert repeated.start_utc == datetime(2026, 9, 20, 0, 30, tzinfo=UTC)


def test_mediation_appointments_pass_the_gate(app, world, appointments, login_as):
    """The own case is at intake: a joint mediation cannot be booked yet."""
    client = login_as("mediator_a1")
    response = client.post(book_url(world), data=form(world, appointments.monday + timedelta(days=2),
                                                      session_type=SessionType.JOINT_MEDIATION.value))
    assert response.status_code == 422
    assert "The case is not in mediation." in response.get_data(as_text=True)


def test_an_intake_meeting_needs_a_label_and_includes_the_mediator(app, world, appointments, login_as):
    client = login_as("mediator_a1")
    values = form(world, appointments.monday + timedelta(days=2), case="", participant_ids=[], intake_label="")
    response = client.post("/appointments/new", data=values)
    assert response.status_code == 422
    assert "Say who the meeting is with, so colleagues recognise it." in response.get_data(as_text=True)
    values.update(intake_label="Mme K., première visite", staff_ids=[world.user_ids["mediator_a2"]])
    response = client.post("/appointments/new", data=values)
    assert "An intake meeting you book must include you." in response.get_data(as_text=True)
    values.update(staff_ids=[world.user_ids["mediator_a1"]])
    assert client.post("/appointments/new", data=values).status_code == 302


def test_the_form_proposes_the_next_free_slots(app, world, appointments, login_as):
    with app.app_context():
        a1 = staff("mediator.a1")
        monday_ten = booking.local_start_parts(appointment_by_public_id(appointments.appointments["own"]))
        slots = next_free_slots(db.session, a1.id, duration_min=60,
                                now=datetime.combine(appointments.monday, datetime.min.time(), tzinfo=UTC))
    starts = [(slot.day, slot.start.strftime("%H:%M")) for slot in slots]
    assert (appointments.monday, "09:00") in starts
    assert (monday_ten[0], "10:00") not in starts and (appointments.monday, "09:30") not in starts
    assert (appointments.monday, "11:00") in starts
    client = login_as("mediator_a1")
    page = client.get(book_url(world)).get_data(as_text=True)
    links = re.findall(r'href="(/appointments/new\?[^"]+start=[^"]+)"', page)
    assert links, "the form lists free slots as links"
    prefilled = client.get(links[0].replace("&amp;", "&")).get_data(as_text=True)
    assert 'name="start"' in prefilled and re.search(r'name="day"[^>]*value="\d{4}-\d{2}-\d{2}"', prefilled)


def test_rescheduling_checks_overlaps_and_the_version(app, world, appointments, login_as):
    client = login_as("mediator_a1")
    own = appointments.appointments["own"]
    page = client.get(f"/appointments/{own}/edit").get_data(as_text=True)
    assert 'value="10:00"' in page
    with app.app_context():
        version = appointment_by_public_id(own).version_id
    moved = form(world, appointments.monday, "15:00", "16:00", version=str(version))
    assert client.post(f"/appointments/{own}/edit", data=moved).status_code == 302
    stale = client.post(f"/appointments/{own}/edit", data=dict(moved, start="16:00", end="17:00"))
    assert stale.status_code == 409
    with app.app_context():
        assert appointment_by_public_id(own).start_local.endswith("T15:00")


def _status(client, appointment_id, version, action, **extra):
    return client.post(f"/appointments/{appointment_id}/status",
                       data={"action": action, "version": str(version), **extra})


def test_held_opens_the_session_form_prefilled_and_links_the_session(app, world, appointments, login_as):
    with app.app_context():
        a1, case = staff("mediator.a1"), case_of(world.cases.own)
        party = requesting_party(case)
        past = booking.book(db.session, data(date(2026, 11, 2), "10:00", "11:30", [a1.public_id], mode="phone",
                                             participants=[party.public_id]),
                            actor=a1, case=case, now=datetime(2026, 10, 1, tzinfo=UTC))
        db.session.commit()
        public_id, version = str(past.public_id), past.version_id
    client = login_as("mediator_a1")
    response = _status(client, public_id, version, "held")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{world.cases.own}/sessions/new?appointment={public_id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="2026-11-02"' in page and 'value="10:00"' in page and 'value="90"' in page
    invited = re.search(rf'<input[^>]*value="{world.cases.participants["own"]}"[^>]*>', page).group(0)
    assert "checked" in invited
    logged = client.post(response.headers["Location"], data={
        "type": "individual", "mode": "phone", "day": "2026-11-02", "start": "10:00", "duration_min": "90",
        "staff_ids": [world.user_ids["mediator_a1"]], "attendee_ids": [world.cases.participants["own"]],
        "appointment": public_id})
    assert logged.status_code == 302
    with app.app_context():
        appointment = appointment_by_public_id(public_id)
        assert appointment.status is AppointmentStatus.HELD
        held = db.session.scalar(select(CounsellingSession).where(CounsellingSession.appointment_id == appointment.id))
        assert held is not None and held.duration_min == 90


def test_a_future_appointment_cannot_be_marked_held_or_missed(app, world, appointments, login_as):
    client = login_as("mediator_a1")
    own = appointments.appointments["own"]
    with app.app_context():
        version = appointment_by_public_id(own).version_id
    response = _status(client, own, version, "missed")
    assert response.status_code == 422
    assert "This appointment has not started yet." in response.get_data(as_text=True)


def test_no_shows_and_cancellations_are_counted_per_case_and_per_party(app, world, appointments, login_as):
    with app.app_context():
        a1, case = staff("mediator.a1"), case_of(world.cases.own)
        party = requesting_party(case)
        made = []
        for day in (date(2026, 11, 3), date(2026, 11, 4)):
            made.append(booking.book(db.session, data(day, "10:00", "11:00", [a1.public_id], mode="phone",
                                                      participants=[party.public_id]),
                                     actor=a1, case=case, now=datetime(2026, 10, 1, tzinfo=UTC)))
        db.session.commit()
        ids = [(str(a.public_id), a.version_id) for a in made]
    client = login_as("mediator_a1")
    assert _status(client, *ids[0], "missed").status_code == 302
    refused = _status(client, *ids[1], "cancel_party", participant_id=world.cases.participants["own"], reason="")
    assert refused.status_code == 422
    assert "Give the reason for the cancellation." in refused.get_data(as_text=True)
    assert _status(client, *ids[1], "cancel_party", participant_id=world.cases.participants["own"],
                   reason="Malade").status_code == 302
    page = client.get(f"/cases/{world.cases.own}").get_data(as_text=True)
    assert "No-shows: 1" in page and "Cancelled by a party: 1" in page
    assert re.search(r"<td><bdi>فاطمة الزهراء بناني</bdi></td><td>1</td><td>1</td>", page)


def test_closing_a_case_cancels_its_future_appointments(app, world, appointments):
    from mediation.cases.services.closure import ClosureData, close_case

    with app.app_context():
        a1, case = staff("mediator.a1"), case_of(world.cases.own)
        close_case(db.session, case, ClosureData(outcome="lost_contact"), actor=a1)
        own = appointment_by_public_id(appointments.appointments["own"])
        assert own.status is AppointmentStatus.CANCELLED_BY_SERVICE
        intake = appointment_by_public_id(appointments.appointments["intake"])
        assert intake.status is AppointmentStatus.SCHEDULED  # not the case's


def test_parties_kept_apart_never_cross_at_the_door(app, world, appointments):
    """A decision with separate sessions: the other party's appointment starts 30 minutes after, not sooner."""
    from mediation.cases.codes import ParticipantRole, ScreeningDecision, Sex
    from mediation.cases.models import ScreeningDecisionRecord
    from mediation.cases.services.parties import PartyRole, add_party
    from tests.cases.fixtures import person

    with app.app_context():
        a1, case = staff("mediator.a1"), case_of(world.cases.own)
        first = requesting_party(case)
        second = add_party(db.session, case, person("Karim Alaoui", sex=Sex.MALE),
                           PartyRole(ParticipantRole.FATHER), actor=a1).participant
        db.session.add(ScreeningDecisionRecord(case_id=case.id, decided_by_id=staff("supervisor.a").id,
                                               decision=ScreeningDecision.PROCEED_WITH_ADAPTATIONS,
                                               adaptations="separate_sessions"))
        day = appointments.monday + timedelta(days=3)
        booking.book(db.session, data(day, "14:00", "15:00", [a1.public_id], mode="phone",
                                      participants=[first.public_id]), actor=a1, case=case)
        with pytest.raises(ValidationFailed) as crossing:
            booking.book(db.session, data(day, "15:10", "16:00", [a1.public_id], mode="phone",
                                          participants=[second.public_id]), actor=a1, case=case)
        assert "kept apart" in str(crossing.value.message)
        later = booking.book(db.session, data(day, "15:30", "16:00", [a1.public_id], mode="phone",
                                              participants=[second.public_id]), actor=a1, case=case)
        assert later.start_local.endswith("T15:30")


def test_retiming_recomputes_future_instants_from_the_local_time(app, world, appointments):
    """After a tzdata update the local time the family was told stays; the UTC instant follows it."""
    with app.app_context():
        own = appointment_by_public_id(appointments.appointments["own"])
        right = own.start_utc
        own.start_utc, own.end_utc = right + timedelta(hours=1), right + timedelta(hours=2)  # as under old rules
        db.session.flush()
        assert status.retime_future(db.session) == 1
        assert (own.start_utc, own.end_utc) == (right, right + timedelta(hours=1))
        assert status.retime_future(db.session) == 0  # safe to run twice


def _invited(client, world) -> set[str]:
    page = client.get(book_url(world)).get_data(as_text=True)
    boxes = re.findall(r'<input[^>]*name="participant_ids"[^>]*>', page)
    return {re.search(r'value="([^"]+)"', box).group(1) for box in boxes if "checked" in box}


def test_a_case_in_mediation_invites_both_parties_unless_kept_apart(app, world, appointments, login_as):
    """docs/domain.md, DOM105: what the form ticks before the user changes it."""
    from mediation.cases.codes import CaseStatus, ParticipantRole, ScreeningDecision, Sex
    from mediation.cases.models import ScreeningDecisionRecord
    from mediation.cases.services.parties import PartyRole, add_party
    from tests.cases.fixtures import person

    with app.app_context():
        a1, case = staff("mediator.a1"), case_of(world.cases.own)
        first = str(requesting_party(case).public_id)
        second = str(add_party(db.session, case, person("Karim Alaoui", sex=Sex.MALE),
                               PartyRole(ParticipantRole.FATHER), actor=a1).participant.public_id)
        db.session.commit()
    client = login_as("mediator_a1")
    assert _invited(client, world) == {first}, "at intake: the first person only"
    with app.app_context():
        case_of(world.cases.own).status = CaseStatus.IN_MEDIATION
        db.session.commit()
    assert _invited(client, world) == {first, second}
    with app.app_context():
        case = case_of(world.cases.own)
        db.session.add(ScreeningDecisionRecord(case_id=case.id, decided_by_id=staff("supervisor.a").id,
                                               decision=ScreeningDecision.PROCEED_WITH_ADAPTATIONS,
                                               adaptations="separate_sessions"))
        db.session.commit()
    assert _invited(client, world) == {first}, "kept in separate sessions: one at a time"
