"""Generated input against the booking and status forms: never a 500, nothing half-saved (S16)."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from mediation.appointments.models import Appointment, AppointmentParty, AppointmentStaff
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from tests.strategies import FUZZ, nasty_text, sometimes

TIMES = ["09:00", "10:30", "11:00", "16:45", "23:59", "00:00", "24:00", "9:00", "10h30", ""]


def counts(app) -> tuple[int, ...]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(table))
                     for table in (Appointment, AppointmentStaff, AppointmentParty))


def audit_seq(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.max(AuditEvent.seq))) or 0


@given(data=st.data())
@FUZZ
def test_the_booking_form_never_fails_on_generated_input(app, world, appointments, login_as, data):
    client = login_as("mediator_a1")
    monday = appointments.monday
    days = [monday.isoformat(), (monday + timedelta(days=2)).isoformat(), "2020-01-01", "2026-02-30",
            "9999-12-31", "31/12/2026", ""]
    form = data.draw(st.fixed_dictionaries({
        "session_type": sometimes("individual", "joint_mediation", "follow_up", ""),
        "mode": sometimes("in_person", "phone", "video", ""),
        "room_id": sometimes(*appointments.rooms.values(), ""),
        "video_link": sometimes("", "https://meet.example/abc", "http://insecure"),
        "day": sometimes(*days),
        "start": sometimes(*TIMES),
        "end": sometimes(*TIMES),
        "staff_ids": st.lists(sometimes(*world.user_ids.values()), max_size=3),
        "participant_ids": st.lists(sometimes(*world.cases.participants.values()), max_size=2),
        "intake_label": sometimes("", "Mme K."),
        "case": sometimes(world.cases.own, ""),
    }, optional={"version": nasty_text}))
    before, seq = counts(app), audit_seq(app)
    url = f"/appointments/new?case={form['case']}" if form["case"] else "/appointments/new"
    response = client.post(url, data=form)
    assert response.status_code in (302, 404, 409, 422), response.status_code
    if response.status_code != 302:
        assert counts(app) == before, "a refused booking left rows behind"
        assert audit_seq(app) == seq
    else:
        assert counts(app)[0] == before[0] + 1


@given(data=st.data())
@FUZZ
def test_the_status_form_never_fails_on_generated_input(app, world, appointments, login_as, data):
    client = login_as("mediator_a1")
    own = appointments.appointments["own"]
    form = data.draw(st.fixed_dictionaries({
        "action": sometimes("confirm", "held", "missed", "cancel_party", "cancel_service", ""),
        "participant_id": sometimes(*world.cases.participants.values(), ""),
        "reason": sometimes("", "Malade"),
        "version": sometimes("1", "2", "0", "-1", "99999999999999999999"),
    }))
    response = client.post(f"/appointments/{own}/status", data=form)
    assert response.status_code in (302, 409, 422), response.status_code
