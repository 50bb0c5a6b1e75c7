"""The staff home page is their day: today's and tomorrow's appointments with one action each, the attendance
still to record, the follow-up actions due, and for a supervisor the cases waiting for a decision (T1: the
clock is set to the service's local day in every test)."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from mediation.appointments.codes import AppointmentStatus
from mediation.appointments.services.booking import book
from mediation.cases.codes import ViolenceLevel
from mediation.cases.models import Participant, Screening
from mediation.cases.models.safety import ScreeningResult
from mediation.core.clock import to_utc
from mediation.counselling.models import FollowUpAction
from mediation.extensions import db
from tests.appointments.fixtures import appointment_by_public_id, case_of, data, staff
from tests.statements import statements_of_get


def _home(login_as, persona: str) -> str:
    response = login_as(persona).get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _csrf(page: str) -> str:
    import re

    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)[1]


def test_a_mediator_sees_today_and_tomorrow_and_only_their_own(login_as, appointments, frozen_clock):
    frozen_clock.set(to_utc(appointments.monday, time(7, 0)))
    page = _home(login_as, "mediator_a1")
    mine, tomorrow = appointments.appointments["own"], appointments.appointments["intake"]
    assert f'data-appointment="{mine}"' in page and f'data-appointment="{tomorrow}"' in page
    assert page.index(mine) < page.index(tomorrow), "today comes before tomorrow"
    for other in ("colleague", "other"):
        assert appointments.appointments[other] not in page
    # Before it starts, an appointment can be cancelled but not yet marked held or missed.
    own_item = page[page.index(f'data-appointment="{mine}"'):].split("</li>")[0]
    assert 'value="held"' not in own_item and "#cancel" in own_item


def test_a_new_family_starts_from_the_day(login_as):
    for persona in ("mediator_a1", "supervisor_a"):
        page = _home(login_as, persona)
        head = page[page.index('<div class="page-head">'):].split("</div>")[0]
        assert '<a class="button-primary" href="/cases/new">' in head


def test_after_it_started_one_click_marks_it_and_comes_back(app, login_as, appointments, frozen_clock):
    frozen_clock.set(to_utc(appointments.monday, time(11, 30)))
    client = login_as("mediator_a1")
    page = client.get("/").get_data(as_text=True)
    mine = appointments.appointments["own"]
    own_item = page[page.index(f'data-appointment="{mine}"'):].split("</li>")[0]
    assert 'value="held"' in own_item and 'value="missed"' in own_item
    with app.app_context():
        version = appointment_by_public_id(mine).version_id
    response = client.post(f"/appointments/{mine}/status", data={
        "csrf_token": _csrf(page), "action": "missed", "version": version, "next": "/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    with app.app_context():
        assert appointment_by_public_id(mine).status is AppointmentStatus.MISSED
    # "next" is a local path only: anything else falls back to the appointment page.
    assert client.get("/").status_code == 200


def test_the_next_address_never_leaves_the_site(app, login_as, appointments, frozen_clock):
    frozen_clock.set(to_utc(appointments.monday, time(11, 30)))
    client = login_as("mediator_a1")
    page = client.get("/").get_data(as_text=True)
    mine = appointments.appointments["own"]
    with app.app_context():
        version = appointment_by_public_id(mine).version_id
    response = client.post(f"/appointments/{mine}/status", data={
        "csrf_token": _csrf(page), "action": "missed", "version": version, "next": "//evil.example/"})
    assert response.headers["Location"] == f"/appointments/{mine}"


def test_an_ended_appointment_waits_for_its_attendance_on_the_next_day(login_as, appointments, frozen_clock):
    frozen_clock.set(to_utc(appointments.monday + timedelta(days=2), time(8, 0)))
    page = _home(login_as, "mediator_a1")
    assert 'id="unrecorded-title"' in page and appointments.appointments["own"] in page


def test_follow_up_actions_due_and_overdue_with_done_coming_back(app, login_as, cases, world, frozen_clock):
    with app.app_context():
        case, a1 = case_of(cases.own), staff("mediator.a1")
        today = frozen_clock.today()
        for days, text in ((-3, "CANARY-overdue"), (0, "CANARY-today"), (2, "CANARY-later")):
            db.session.add(FollowUpAction(case_id=case.id, description=text, due_on=today + timedelta(days=days),
                                          assigned_to_id=a1.id))
        db.session.commit()
    client = login_as("mediator_a1")
    page = client.get("/").get_data(as_text=True)
    assert "CANARY-overdue" in page and "CANARY-today" in page and "CANARY-later" not in page
    assert page.index("CANARY-overdue") < page.index("CANARY-today")
    with app.app_context():
        action = db.session.scalar(select(FollowUpAction).where(FollowUpAction.due_on == today))
        action_id = action.public_id
    response = client.post(f"/follow-up-actions/{action_id}/done", data={"csrf_token": _csrf(page), "next": "/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "CANARY-today" not in client.get("/").get_data(as_text=True)
    # Another mediator's home shows none of them.
    assert "CANARY" not in _home(login_as, "mediator_a2")


def test_a_supervisor_sees_first_what_waits_for_their_decision(app, login_as, cases, world):
    with app.app_context():
        case = case_of(cases.own)
        party = db.session.scalar(select(Participant).where(Participant.case_id == case.id))
        db.session.add(Screening(participant_id=party.id, screened_on=case.opened_on, violence=ViolenceLevel.CURRENT,
                                 result=ScreeningResult.POSITIVE, screened_by_id=staff("mediator.a1").id))
        db.session.commit()
        reference = case.reference
    page = _home(login_as, "supervisor_a")
    assert 'id="waiting-title"' in page and reference in page
    assert page.index('id="waiting-title"') < page.index('id="day-1-title"')
    assert reference not in _home(login_as, "supervisor_b"), "another association's case"
    assert 'id="waiting-title"' not in _home(login_as, "mediator_a1")


def test_the_home_page_costs_the_same_with_eight_appointments_as_with_one(app, login_as, appointments,
                                                                          frozen_clock):
    frozen_clock.set(to_utc(appointments.monday, time(7, 0)))
    client = login_as("mediator_a1")
    client.get("/")  # warm: the first request of a session loads its user
    with_one, _ = statements_of_get(app, client, "/")
    with app.app_context():
        a1 = staff("mediator.a1")
        for hour in (11, 12, 13, 14, 15, 16, 17):
            book(db.session, data(appointments.monday, f"{hour}:00", f"{hour}:30", [a1.public_id], mode="phone",
                                  label=f"Visite {hour}"), actor=a1)
        db.session.commit()
    with_eight, response = statements_of_get(app, client, "/")
    assert response.get_data(as_text=True).count('class="work-item"') >= 8
    assert with_eight == with_one
