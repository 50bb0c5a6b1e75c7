"""Two people book the same slot at the same moment: exactly one succeeds.

Each test builds its own application on a fresh database: the suite's shared,
rolled-back transaction would put every request on one connection and
serialise them, hiding the race. The overlap query is slowed down so that, were
the rows not locked, every request would pass the check before any commits.
"""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from mediation.accounts.services import (
    NewAssociation,
    ServicePointData,
    create_association,
    create_service_point,
)
from mediation.accounts.staff import NewStaffUser, create_staff_user
from mediation.appointments.models import Appointment, Room
from mediation.appointments.services import booking
from mediation.core import clock
from mediation.core.authz import Profession, Role
from mediation.extensions import db
from tests.conftest import PASSWORD, login

pytestmark = pytest.mark.no_db_transaction

BOOKERS = 4


@pytest.fixture
def office(fresh_app):
    app = fresh_app()
    with app.app_context():
        session = db.session
        association = create_association(
            session, NewAssociation("جمعية", "Association", "MA-04", "MA-RAB", cndp_declaration_no="D-7-2025",
                                    cndp_declaration_on=date(2025, 2, 1)), actor=None)
        point = create_service_point(session, association, "RBT-01",
                                     ServicePointData("jisr_al_usra", "فضاء", "Espace"), actor=None)
        ids = {}
        for index in range(BOOKERS):
            user = create_staff_user(session, NewStaffUser(
                username=f"mediator.{index}", display_name=f"Mediator {index}", role=Role.MEDIATOR,
                password=PASSWORD, association_id=association.id, profession=Profession.MEDIATOR), actor=None)
            ids[user.username] = str(user.public_id)
        room = Room(service_point_id=point.id, association_id=association.id, name="Salle 1")
        session.add(room)
        session.commit()
        room_id = str(room.public_id)
    yield app, ids, room_id
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def slow_overlap_check(monkeypatch) -> None:
    original = booking.overlapping

    def slowly(*args, **kwargs):
        found = original(*args, **kwargs)
        time.sleep(0.3)  # every booker has checked before anyone commits, unless the lock made them wait
        return found

    monkeypatch.setattr(booking, "overlapping", slowly)


def race(app, ids: dict[str, str], form_for) -> list[int]:
    """Every staff member posts form_for(their public id) at the same moment; the response statuses."""
    clients = []
    for username, public_id in ids.items():
        client = app.test_client()
        assert login(client, username).status_code == 302
        clients.append((client, public_id))
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def book(client, public_id):
        barrier.wait()
        statuses.append(client.post("/appointments/new", data=form_for(public_id)).status_code)

    threads = [threading.Thread(target=book, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def booked(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Appointment))


def in_two_weeks(app) -> str:
    with app.test_request_context():
        return (clock.today() + timedelta(days=14)).isoformat()


def test_concurrent_bookings_of_one_room_let_exactly_one_through(office, monkeypatch):
    app, ids, room_id = office
    slow_overlap_check(monkeypatch)
    day = in_two_weeks(app)
    statuses = race(app, ids, lambda public_id: {
        "session_type": "individual", "mode": "in_person", "room_id": room_id, "day": day,
        "start": "10:00", "end": "11:00", "staff_ids": [public_id], "intake_label": "Première visite"})
    assert sorted(statuses) == [302] + [409] * (BOOKERS - 1)
    assert booked(app) == 1


def test_concurrent_bookings_of_one_staff_member_let_exactly_one_through(office, monkeypatch):
    """By phone, so no room is shared: mediator.0 is the shared resource of every booking."""
    app, ids, _room_id = office
    slow_overlap_check(monkeypatch)
    day = in_two_weeks(app)
    target = ids["mediator.0"]
    statuses = race(app, ids, lambda public_id: {
        "session_type": "individual", "mode": "phone", "day": day, "start": "10:00", "end": "11:00",
        "staff_ids": sorted({target, public_id}), "intake_label": "Appel"})
    assert sorted(statuses) == [302] + [409] * (BOOKERS - 1)
    assert booked(app) == 1
