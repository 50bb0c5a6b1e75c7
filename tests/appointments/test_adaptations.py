"""The supervisor's safety adaptations at booking time (docs/domain.md, DOM68-DOM70).

The own case of the test world gets a father beside the mother, then a decision to proceed with
adaptations. Staggered arrival gives each party their own arrival and departure, at least
APPOINTMENT_SEPARATION_MINUTES apart; shuttle mediation and separate sessions refuse a joint meeting;
separate waiting rooms and a support person are recalled on the form and the appointment page.
"""

from __future__ import annotations

import html
import re
import uuid
from dataclasses import dataclass
from datetime import time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar
from sqlalchemy import func, select

from mediation.appointments.models import Appointment, AppointmentParty
from mediation.appointments.services import booking, feeds, reminders, status
from mediation.appointments.services.adaptations import PartyTimes, case_adaptations, check_together
from mediation.cases.codes import ConsentStatus, ParticipantRole, ScreeningDecision, SessionType, Sex
from mediation.cases.models import Participant, ScreeningDecisionRecord
from mediation.cases.services.parties import PartyRole, add_party
from mediation.core.audit import AuditEvent
from mediation.core.clock import local_parts, to_utc
from mediation.extensions import db
from tests.appointments.fixtures import appointment_by_public_id, case_of, requesting_party, staff
from tests.appointments.test_reminders import contact_consent, run, smtp  # noqa: F401  (smtp: fixture)
from tests.cases.fixtures import person
from tests.english import login_as  # noqa: F401  (fixture: log in, then English)
from tests.strategies import FUZZ, nasty_text, sometimes

FATHER_NAME = "Karim Alaoui CANARY"
MOTHER_NAME = "فاطمة الزهراء بناني"


@dataclass
class Parties:
    mother: str  # participant public ids
    father: str


def decide(app, case_public_id: str, adaptations: str) -> None:
    with app.app_context():
        case = case_of(case_public_id)
        db.session.add(ScreeningDecisionRecord(case_id=case.id, decided_by_id=staff("supervisor.a").id,
                                               decision=ScreeningDecision.PROCEED_WITH_ADAPTATIONS,
                                               adaptations=adaptations))
        db.session.commit()


@pytest.fixture
def parties(app, world, appointments) -> Parties:
    with app.app_context():
        case = case_of(world.cases.own)
        father = add_party(db.session, case, person(FATHER_NAME, sex=Sex.MALE, email="father@example.net",
                                                    birth_date="1984-03-05"),
                           PartyRole(ParticipantRole.FATHER), actor=staff("mediator.a1")).participant
        db.session.commit()
        return Parties(mother=str(requesting_party(case).public_id), father=str(father.public_id))


def form(world, appointments, parties: Parties, *, start="14:00", end="16:00", times=None, **overrides) -> dict:
    """Both parents invited to a Wednesday meeting in room A1; `times` = {party: (arrives, leaves)}."""
    values = {"session_type": "counselling_social", "mode": "in_person", "room_id": appointments.rooms["A1"],
              "day": (appointments.monday + timedelta(days=2)).isoformat(), "start": start, "end": end,
              "staff_ids": [world.user_ids["mediator_a1"]], "participant_ids": [parties.mother, parties.father],
              "case": world.cases.own}
    for index, (participant, (arrives, leaves)) in enumerate((times or {}).items()):
        values.update({f"party_times-{index}-participant": participant, f"party_times-{index}-arrives": arrives,
                       f"party_times-{index}-leaves": leaves})
    values.update(overrides)
    return values


def book_url(world) -> str:
    return f"/appointments/new?case={world.cases.own}"


def counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Appointment)),
                db.session.scalar(select(func.count()).select_from(AppointmentParty)),
                db.session.scalar(select(func.max(AuditEvent.seq))) or 0)


def latest() -> Appointment:
    return db.session.scalar(select(Appointment).order_by(Appointment.id.desc()).limit(1))


def value_of(page: str, name: str) -> str | None:
    found = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page)
    return found.group(1) if found else None


def participants(*public_ids: str) -> list[Participant]:
    return list(db.session.scalars(select(Participant).where(
        Participant.public_id.in_([uuid.UUID(value) for value in public_ids])).order_by(Participant.id)))


def door_times(appointment: Appointment) -> dict[str, tuple[str, str]]:
    return {str(row.participant.public_id): (local_parts(row.arrives_at)[1].strftime("%H:%M"),
                                             local_parts(row.leaves_at)[1].strftime("%H:%M"))
            for row in appointment.parties if row.arrives_at is not None}


# What the form shows


def test_the_form_shows_the_decisions_adaptations(app, world, appointments, parties, login_as):
    client = login_as("mediator_a1")
    before = client.get(book_url(world)).get_data(as_text=True)
    assert "Safety adaptations decided by the supervisor" not in before
    assert "Arrival and departure of each party" not in before
    decide(app, world.cases.own, "staggered_arrival,separate_waiting_rooms,support_person")
    page = client.get(book_url(world)).get_data(as_text=True)
    assert "Safety adaptations decided by the supervisor" in page
    for label in ("Staggered arrival and departure", "Separate waiting rooms", "Support person present"):
        assert label in page
    assert "plan a separate waiting room for each party" in page
    assert "Arrival and departure of each party" in page
    # One row per party, in the order of the invitations.
    assert value_of(page, "party_times-0-participant") == parties.mother
    assert value_of(page, "party_times-1-participant") == parties.father
    assert "at least 30 minutes from the other" in page


def test_a_chosen_slot_fills_in_the_proposed_times(app, world, appointments, parties, login_as):
    decide(app, world.cases.own, "staggered_arrival")
    day = (appointments.monday + timedelta(days=2)).isoformat()
    page = login_as("mediator_a1").get(f"{book_url(world)}&day={day}&start=14:00&end=16:00").get_data(as_text=True)
    # The mother (first row) arrives at the start and leaves at the end; the father 30 minutes inside both.
    assert [value_of(page, f"party_times-{index}-{which}") for index in (0, 1) for which in ("arrives", "leaves")] == [
        "14:00", "16:00", "14:30", "15:30"]


def test_the_free_times_proposed_fit_the_staggered_parties(app, world, appointments, parties, login_as):
    """Two parties 30 minutes apart at each door: a proposed time is a 60-minute meeting plus 30 minutes
    before and after it, so that taking it gives each party their times (a 60-minute one could only be
    refused: the second party would leave as they arrive)."""
    client = login_as("mediator_a1")
    url = f"{book_url(world)}&staff={world.user_ids['mediator_a1']}"
    plain = re.findall(r"start=(\d\d:\d\d)&amp;end=(\d\d:\d\d)", client.get(url).get_data(as_text=True))
    decide(app, world.cases.own, "staggered_arrival")
    page = client.get(url).get_data(as_text=True)
    proposed = re.findall(r"day=([\d-]+)&amp;start=(\d\d:\d\d)&amp;end=(\d\d:\d\d)", page)

    def minutes(start: str, end: str) -> int:
        return (int(end[:2]) * 60 + int(end[3:])) - (int(start[:2]) * 60 + int(start[3:]))

    assert plain and {minutes(*times) for times in plain} == {60}
    assert proposed and {minutes(start, end) for _day, start, end in proposed} == {120}
    day, start, end = proposed[0]
    chosen = client.get(f"{url}&day={day}&start={start}&end={end}").get_data(as_text=True)

    def shift(at: str, by: int) -> str:
        total = minutes("00:00", at) + by
        return f"{total // 60:02d}:{total % 60:02d}"

    filled = [value_of(chosen, f"party_times-{index}-{which}") for index in (0, 1) for which in ("arrives", "leaves")]
    assert filled == [start, end, shift(start, 30), shift(end, -30)], "the slot as proposed gives each party times"


# Staggered arrival


def test_staggered_parties_get_their_own_times_shown_on_the_appointment(app, world, appointments, parties,
                                                                          login_as):
    decide(app, world.cases.own, "staggered_arrival,support_person")
    client = login_as("mediator_a1")
    response = client.post(book_url(world), data=form(world, appointments, parties))  # times left blank
    assert response.status_code == 302
    with app.app_context():
        booked = latest()
        assert door_times(booked) == {parties.mother: ("14:00", "16:00"), parties.father: ("14:30", "15:30")}
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Party 1" in detail and "arrives at 14:00, leaves at 16:00" in detail
    assert "Party 2" in detail and "arrives at 14:30, leaves at 15:30" in detail
    assert "Support person present" in detail


def test_the_mediator_may_change_the_proposed_times(app, world, appointments, parties, login_as):
    decide(app, world.cases.own, "staggered_arrival")
    times = {parties.mother: ("14:40", "15:20"), parties.father: ("14:00", "16:00")}
    response = login_as("mediator_a1").post(book_url(world), data=form(world, appointments, parties, times=times))
    assert response.status_code == 302
    with app.app_context():
        assert door_times(latest()) == times


@pytest.mark.parametrize("times, start, end, message", [
    # 20 minutes between the arrivals.
    ({"mother": ("14:00", "16:00"), "father": ("14:20", "15:30")}, "14:00", "16:00",
     "Leave at least 30 minutes between one party's arrival or departure and another's"),
    # One party's arrival 10 minutes before the other's departure.
    ({"mother": ("14:00", "14:50"), "father": ("15:00", "16:00")}, "14:00", "16:00",
     "Leave at least 30 minutes between one party's arrival or departure and another's"),
    # The proposed times do not fit an hour-long appointment.
    ({}, "14:00", "15:00", "make the appointment longer"),
    # Outside the appointment, or leaving before arriving.
    ({"mother": ("13:30", "16:00"), "father": ("14:30", "15:30")}, "14:00", "16:00",
     "Each party arrives before leaving, within the times of the appointment"),
    ({"mother": ("14:00", "16:00"), "father": ("15:30", "14:30")}, "14:00", "16:00",
     "Each party arrives before leaving, within the times of the appointment"),
])
def test_times_too_close_are_refused_input_kept_nothing_saved(app, world, appointments, parties, login_as, times,
                                                             start, end, message):
    decide(app, world.cases.own, "staggered_arrival")
    typed = {getattr(parties, who): value for who, value in times.items()}
    client = login_as("mediator_a1")
    before = counts(app)
    response = client.post(book_url(world), data=form(world, appointments, parties, start=start, end=end,
                                                      times=typed))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert message in page
    # The error summary names the group of times, and its link leads to it.
    assert re.search(r'<a href="#party_times" data-field="party_times">Arrival and departure of each party: ', page)
    assert 'id="party_times"' in page
    assert counts(app) == before
    for arrives, leaves in typed.values():
        assert f'value="{arrives}"' in page and f'value="{leaves}"' in page


def test_the_gap_follows_the_setting(app, world, appointments, parties, login_as, monkeypatch):
    decide(app, world.cases.own, "staggered_arrival")
    client = login_as("mediator_a1")
    monkeypatch.setitem(app.config, "APPOINTMENT_SEPARATION_MINUTES", 45)
    assert client.post(book_url(world), data=form(world, appointments, parties)).status_code == 302
    with app.app_context():
        assert door_times(latest())[parties.father] == ("14:45", "15:15")
    monkeypatch.setitem(app.config, "APPOINTMENT_SEPARATION_MINUTES", 20)
    close = {parties.mother: ("16:30", "18:00"), parties.father: ("16:50", "17:40")}
    response = client.post(book_url(world), data=form(world, appointments, parties, start="16:30", end="18:00",
                                                      times=close))
    assert response.status_code == 302
    monkeypatch.setitem(app.config, "APPOINTMENT_SEPARATION_MINUTES", 30)
    response = client.post(book_url(world), data=form(world, appointments, parties, start="18:30", end="20:00",
                                                      times={parties.mother: ("18:30", "20:00"),
                                                             parties.father: ("18:50", "19:40")}))
    assert response.status_code == 422
    assert "Leave at least 30 minutes" in html.unescape(response.get_data(as_text=True))


def test_without_staggering_no_times_are_kept(app, world, appointments, parties, login_as):
    """Rows posted for a decision that no longer staggers (the form was open meanwhile) are dropped."""
    times = {parties.mother: ("14:00", "16:00"), parties.father: ("14:30", "15:30")}
    response = login_as("mediator_a1").post(book_url(world), data=form(world, appointments, parties, times=times))
    assert response.status_code == 302
    with app.app_context():
        assert door_times(latest()) == {}


def test_rescheduling_keeps_the_times_and_retiming_moves_them(app, world, appointments, parties, login_as):
    decide(app, world.cases.own, "staggered_arrival")
    client = login_as("mediator_a1")
    location = client.post(book_url(world), data=form(world, appointments, parties)).headers["Location"]
    page = client.get(f"{location}/edit").get_data(as_text=True)
    assert value_of(page, "party_times-1-arrives") == "14:30"  # the stored times, not blank rows
    assert value_of(page, "party_times-1-leaves") == "15:30"
    with app.app_context():
        booked = latest()
        before = {row.participant_id: (row.arrives_at, row.leaves_at) for row in booked.parties}
        booked.start_utc, booked.end_utc = booked.start_utc + timedelta(hours=1), booked.end_utc + timedelta(hours=1)
        for row in booked.parties:  # as if computed under older zone rules
            row.arrives_at, row.leaves_at = row.arrives_at + timedelta(hours=1), row.leaves_at + timedelta(hours=1)
        db.session.flush()
        assert status.retime_future(db.session) >= 1
        assert {row.participant_id: (row.arrives_at, row.leaves_at) for row in booked.parties} == before


# Shuttle mediation and separate sessions


@pytest.mark.parametrize("adaptation, message", [
    ("shuttle", "The supervisor's decision allows shuttle mediation only: the parties never meet together."),
    ("separate_sessions", "The supervisor's decision allows separate sessions only: invite one party per "
                          "appointment, never a joint meeting."),
])
def test_a_joint_meeting_is_refused_when_the_parties_never_meet(app, world, appointments, parties, login_as,
                                                                adaptation, message):
    decide(app, world.cases.own, adaptation)
    client = login_as("mediator_a1")
    before = counts(app)
    together = form(world, appointments, parties)
    response = client.post(book_url(world), data=together)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert message in page
    assert counts(app) == before
    assert value_of(page, "start") == "14:00"  # the input is kept
    assert re.search(rf'<input checked[^>]*value="{parties.father}"', page)
    joint = client.post(book_url(world), data=form(world, appointments, parties, session_type="joint_mediation",
                                                   participant_ids=[parties.mother]))
    assert joint.status_code == 422 and message in html.unescape(joint.get_data(as_text=True))
    assert counts(app) == before
    alone = client.post(book_url(world), data=form(world, appointments, parties, participant_ids=[parties.father]))
    assert alone.status_code == 302


def test_a_shuttle_mediation_may_see_both_parties_in_the_service(app, world, appointments, parties):
    """Shuttle: both the same day in separate rooms, the mediator going between them (not a joint meeting)."""
    decide(app, world.cases.own, "shuttle")
    with app.app_context():
        adaptations = case_adaptations(db.session, case_of(world.cases.own))
        both = participants(parties.mother, parties.father)
        check_together(adaptations, SessionType.SHUTTLE_MEDIATION, both)  # no refusal
        with pytest.raises(booking.ValidationFailed):
            check_together(adaptations, SessionType.COUNSELLING_SOCIAL, both)


# Reminders, agendas and calendar feeds


def test_each_party_is_reminded_of_their_own_arrival_only(app, world, appointments, parties, smtp):  # noqa: F811
    decide(app, world.cases.own, "staggered_arrival")
    with app.app_context():
        a1 = staff("mediator.a1")
        a1.email, a1.locale = "a1@staff.example.org", "en"
        case = case_of(world.cases.own)
        for participant in participants(parties.mother, parties.father):
            participant.person.email = {parties.mother: "mother@example.org",
                                        parties.father: "father@example.net"}[str(participant.public_id)]
            contact_consent(participant, ConsentStatus.GIVEN, a1.id)
        booked = booking.book(db.session, booking.AppointmentData(
            session_type="counselling_social", mode="in_person", day=appointments.monday, start=time(14, 0),
            end=time(16, 0), staff_ids=(a1.public_id,), room_id=uuid.UUID(appointments.rooms["A1"]),
            participant_ids=(uuid.UUID(parties.mother), uuid.UUID(parties.father)),
            party_times=(PartyTimes(uuid.UUID(parties.father), time(14, 40), time(15, 20)),)), actor=a1,
            case=case)
        db.session.commit()
        booked_id = booked.public_id
    run(app, smtp, to_utc(appointments.monday - timedelta(days=1), time(17, 0)))
    # The convocation at booking (docs/domain.md, DOM161) and the reminder: each with the party's own time.
    fathers = smtp.to("father@example.net")
    assert len(fathers) == 2
    for father in fathers:
        assert "14:40" in father.body
        assert not any(other in father.body for other in ("14:00", "16:00", "15:20"))
    at_two = [item for item in smtp.to("mother@example.org") if "14:" in item.body]  # not the 10:00 one
    assert len(at_two) == 2 and all("14:00" in item.body and "14:40" not in item.body for item in at_two)
    [agenda] = smtp.to("a1@staff.example.org")
    assert "Party 1: arrives at 14:00, leaves at 16:00" in agenda.body
    assert "Party 2: arrives at 14:40, leaves at 15:20" in agenda.body
    assert "CANARY" not in agenda.body and MOTHER_NAME not in agenda.body
    # A changed arrival withdraws the queued reminder and queues the new time.
    with app.app_context():
        moved = appointment_by_public_id(str(booked_id))
        row = next(row for row in moved.parties if str(row.participant.public_id) == parties.father)
        old_key = reminders.party_key(moved, row)
        row.arrives_at = to_utc(appointments.monday, time(14, 30))
        db.session.commit()
        assert reminders.party_key(moved, row) != old_key
    run(app, smtp, to_utc(appointments.monday - timedelta(days=1), time(18, 0)))
    assert [item.body for item in smtp.to("father@example.net")][-1].count("14:30") == 1
    assert len(smtp.to("father@example.net")) == 3


def test_the_feed_gives_each_partys_times_without_names(app, world, appointments, parties, login_as):
    decide(app, world.cases.own, "staggered_arrival")
    login_as("mediator_a1").post(book_url(world), data=form(world, appointments, parties))
    with app.test_request_context(), app.app_context():
        booked = latest()
        ics = feeds.build_calendar(db.session, [booked], language="en", link=lambda a: f"https://x/{a.public_id}")
    text = ics.decode()
    assert "CANARY" not in text and "Karim" not in text and MOTHER_NAME not in text
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    description = str(event["DESCRIPTION"])
    assert "Party 1: arrives at 14:00, leaves at 16:00" in description
    assert "Party 2: arrives at 14:30, leaves at 15:30" in description


# Generated input


@given(data=st.data())
@FUZZ
def test_the_party_times_never_fail_on_generated_input(app, world, appointments, parties, login_as, data):
    decide(app, world.cases.own, "staggered_arrival,shuttle")
    client = login_as("mediator_a1")
    times = ["14:00", "14:30", "15:30", "16:00", "13:00", "23:59", "24:00", "9:00", ""]
    values = form(world, appointments, parties, session_type=data.draw(sometimes("counselling_social",
                                                                                 "shuttle_mediation",
                                                                                 "joint_mediation")),
                  participant_ids=data.draw(st.lists(sometimes(parties.mother, parties.father), max_size=3)))
    for index in range(data.draw(st.integers(0, 3))):
        values[f"party_times-{index}-participant"] = data.draw(sometimes(parties.mother, parties.father, ""))
        values[f"party_times-{index}-arrives"] = data.draw(sometimes(*times))
        values[f"party_times-{index}-leaves"] = data.draw(sometimes(*times))
    if data.draw(st.booleans()):
        values[f"party_times-{data.draw(st.integers(0, 10**6))}-arrives"] = data.draw(nasty_text)
    before = counts(app)
    response = client.post(book_url(world), data=values)
    assert response.status_code in (302, 409, 422), response.status_code
    if response.status_code != 302:
        assert counts(app) == before
