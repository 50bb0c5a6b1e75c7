"""A facilitator booked into a group session and into a case appointment at the same instant: exactly one
booking goes through (docs/domain.md, DOM122). Each run builds its own application on a fresh database, as
tests/appointments/test_concurrent_booking.py does, and slows the overlap read so that without the row
locks both requests would pass the check before either commits."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from mediation.accounts.services import NewAssociation, ServicePointData, create_association, create_service_point
from mediation.accounts.staff import NewStaffUser, create_staff_user
from mediation.appointments.models import Appointment, Room
from mediation.appointments.services import booking
from mediation.cases.codes import PreferredLanguage
from mediation.core import clock
from mediation.core.authz import Profession, Role
from mediation.extensions import db
from mediation.groups.codes import ProgrammeTarget
from mediation.groups.models import GroupFacilitator, GroupSession, ParentingGroup, Programme
from tests.conftest import PASSWORD, login

pytestmark = pytest.mark.no_db_transaction


@pytest.fixture
def space(fresh_app):
    app = fresh_app()
    with app.app_context():
        session = db.session
        association = create_association(
            session, NewAssociation("جمعية", "Association", "MA-04", "MA-RAB", cndp_declaration_no="D-7-2025",
                                    cndp_declaration_on=date(2025, 2, 1)), actor=None)
        point = create_service_point(session, association, "RBT-01",
                                     ServicePointData("jisr_al_usra", "فضاء", "Espace"), actor=None)
        facilitator = create_staff_user(session, NewStaffUser(
            username="facilitator", display_name="Facilitator", role=Role.MEDIATOR, password=PASSWORD,
            association_id=association.id, profession=Profession.SOCIAL_WORKER), actor=None)
        create_staff_user(session, NewStaffUser(
            username="coordinator", display_name="Coordinator", role=Role.SUPERVISOR, password=PASSWORD,
            association_id=association.id), actor=None)
        room = Room(service_point_id=point.id, association_id=association.id, name="Salle des groupes")
        programme = Programme(association_id=association.id, name="Cycle", planned_sessions=12,
                              target=ProgrammeTarget.PARENTS_ADOLESCENTS)
        session.add_all([room, programme])
        session.flush()
        group = ParentingGroup(association_id=association.id, service_point_id=point.id, programme=programme,
                               name="Mardi", start_on=clock.today(), planned_sessions=12, room_id=room.id,
                               language=PreferredLanguage.ARY, capacity=12, created_by_id=facilitator.id,
                               facilitators=[GroupFacilitator(user_id=facilitator.id)])
        session.add(group)
        session.commit()
        ids = (str(group.public_id), str(facilitator.public_id))
    yield app, ids
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_facilitator_is_never_in_a_group_session_and_an_appointment_at_once(space, monkeypatch):
    app, (group_id, facilitator_id) = space
    original = booking.overlapping

    def slowly(*args, **kwargs):
        found = original(*args, **kwargs)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(booking, "overlapping", slowly)
    with app.test_request_context():
        day = (clock.today() + timedelta(days=14)).isoformat()
    group_client, case_client = app.test_client(), app.test_client()
    assert login(group_client, "facilitator").status_code == 302
    assert login(case_client, "coordinator").status_code == 302
    requests = [
        (group_client, f"/groups/{group_id}/sessions", {"day": day, "start": "10:00", "end": "12:00"}),
        # By phone: only the facilitator is shared, never the room.
        (case_client, "/appointments/new", {"session_type": "individual", "mode": "phone", "day": day,
                                            "start": "11:00", "end": "11:30", "staff_ids": [facilitator_id],
                                            "intake_label": "Premier entretien"}),
    ]
    barrier = threading.Barrier(len(requests))
    statuses: dict[str, int] = {}

    def post(client, url, data):
        barrier.wait()
        statuses[url] = client.post(url, data=data).status_code

    threads = [threading.Thread(target=post, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses.values()) == [302, 409]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Appointment)) == 1
        sessions = db.session.scalar(select(func.count()).select_from(GroupSession))
        assert sessions == (1 if statuses[f"/groups/{group_id}/sessions"] == 302 else 0)


def test_a_group_session_is_refused_over_a_facilitators_appointment(space):
    app, (group_id, facilitator_id) = space
    with app.test_request_context():
        day = (clock.today() + timedelta(days=14)).isoformat()
    client = app.test_client()
    assert login(client, "coordinator").status_code == 302
    assert client.post("/appointments/new", data={
        "session_type": "individual", "mode": "phone", "day": day, "start": "11:00", "end": "11:30",
        "staff_ids": [facilitator_id], "intake_label": "Premier entretien"}).status_code == 302
    response = client.post(f"/groups/{group_id}/sessions", data={"day": day, "start": "10:00", "end": "12:00"})
    assert response.status_code == 409
    assert client.post(f"/groups/{group_id}/sessions",
                       data={"day": day, "start": "14:00", "end": "16:00"}).status_code == 302
