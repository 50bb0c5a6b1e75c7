"""Rooms: reference data of each association, managed per service point.

The `appointments` fixture gives association A's service point RBT-01 the rooms
"Salle 1" (A1) and "قاعة 2" (A2), B's AGD-01 the room "Salle B" (B1), and books
room A1 on a Monday to come.
"""

from __future__ import annotations

from uuid import UUID

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import func, select

from mediation.accounts.models import ServicePoint, StaffUser
from mediation.accounts.services import NotAllowed
from mediation.appointments.models import Room
from mediation.appointments.queries.booking import bookable_rooms
from mediation.appointments.services import rooms as services
from mediation.core.audit import AuditEvent
from mediation.core.errors import Conflict, ValidationFailed
from mediation.extensions import db
from tests.admin.support import audit_events, last_seq, translated
from tests.strategies import fuzz

STILL_BOOKED = "Appointments already booked in this room keep it: move them to another room if needed."
FUZZ = fuzz(60)


def rooms_url(world, key: str = "A") -> str:
    return f"/appointments/service-points/{world.service_point_ids[key]}/rooms"


def edit_url(appointments, key: str) -> str:
    return f"/appointments/rooms/{appointments.rooms[key]}/edit"


def room(app, public_id) -> Room:
    with app.app_context():
        found = db.session.scalar(select(Room).where(Room.public_id == UUID(str(public_id))))
        db.session.expunge(found)
        return found


def service_point(world, key: str) -> ServicePoint:
    public_id = UUID(world.service_point_ids[key])
    return db.session.scalar(select(ServicePoint).where(ServicePoint.public_id == public_id))


def rooms_of(app, key: str, world) -> dict[str, bool]:
    """name -> active, for the rooms of service point A or B."""
    with app.app_context():
        point = service_point(world, key)
        return dict(db.session.execute(select(Room.name, Room.active).where(Room.service_point_id == point.id)).all())


def counts(app) -> tuple[int, int]:
    """Rows a refused form must leave untouched: rooms, audit events."""
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Room)),
                db.session.scalar(select(func.count()).select_from(AuditEvent)))


def set_service_point_active(app, world, key: str, active: bool) -> None:
    with app.app_context():
        service_point(world, key).active = active
        db.session.commit()


# -- the list and adding ----------------------------------------------------------


def test_the_supervisor_sees_the_rooms_of_their_service_point_only(app, login_as, world, appointments):
    client = login_as("supervisor_a")
    response = client.get(rooms_url(world) + "?lang=ar")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert "Salle 1" in page and "قاعة 2" in page and "Salle B" not in page
    assert f'/appointments/rooms/{appointments.rooms["A1"]}/edit' in page
    assert 'name="name"' in page  # the add form
    assert client.get(rooms_url(world, "B")).status_code == 404


def test_the_service_point_list_links_to_the_rooms(login_as, world):
    page = login_as("supervisor_a").get("/admin/service-points").get_data(as_text=True)
    assert f'href="/appointments/service-points/{world.service_point_ids["A"]}/rooms"' in page


def test_a_supervisor_adds_a_room_trimmed_and_audited(app, login_as, world, appointments):
    client = login_as("supervisor_a")
    seq = last_seq(app)
    response = client.post(rooms_url(world) + "?lang=fr", data={"name": "  Salle   d'écoute 3 "})
    assert response.status_code == 302
    assert response.headers["Location"] == rooms_url(world)
    assert rooms_of(app, "A", world)["Salle d'écoute 3"] is True
    with app.app_context():
        added = db.session.scalar(select(Room).where(Room.name == "Salle d'écoute 3"))
        assert added.association_id == world.association_a  # copied from the service point
        events = audit_events(app, seq)
        supervisor = db.session.scalar(select(StaffUser).where(StaffUser.username == "supervisor.a"))
    assert [(e.action, e.entity, e.entity_id, e.actor_id, e.association_id) for e in events] == [
        ("create", "room", str(added.public_id), supervisor.id, world.association_a)]
    page = client.get(response.headers["Location"] + "?lang=fr").get_data(as_text=True)
    assert translated(app, "fr", "The room has been added.") in page
    assert str(escape("Salle d'écoute 3")) in page


def test_an_admin_adds_a_room_to_any_association(app, login_as, world, appointments):
    client = login_as("admin")
    # The same name as a room of association A: names are unique per service point only.
    assert client.post(rooms_url(world, "B"), data={"name": "Salle 1"}).status_code == 302
    assert rooms_of(app, "B", world) == {"Salle B": True, "Salle 1": True}


@pytest.mark.parametrize("name", ["salle 1", " SALLE 1 ", "Salle  1", "ＳＡＬＬＥ 1", "قاعة 2"])
def test_a_name_taken_whatever_the_case_is_refused_with_the_input_kept(app, login_as, world, appointments, name):
    client = login_as("supervisor_a")
    before = counts(app)
    response = client.post(rooms_url(world) + "?lang=fr", data={"name": name})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert translated(app, "fr", "This service point already has a room of this name.") in page
    assert 'id="name-error"' in page and 'aria-invalid="true"' in page
    assert f'value="{escape(name.strip())}"' in page  # what was typed is kept
    assert counts(app) == before


@pytest.mark.parametrize(("name", "message"), [
    ("", "Enter the name of the room."),
    ("   ", "Enter the name of the room."),
    ("x" * 81, "A room's name has at most 80 characters."),
    ("\u200f\u200f", "A room's name needs at least one letter or digit."),
    ("--", "A room's name needs at least one letter or digit."),
])
def test_a_bad_name_is_refused_and_nothing_saved(app, login_as, world, appointments, name, message):
    client = login_as("supervisor_a")
    before = counts(app)
    response = client.post(rooms_url(world) + "?lang=ar", data={"name": name})
    assert response.status_code == 422
    assert translated(app, "ar", message) in response.get_data(as_text=True)
    assert counts(app) == before


def test_a_refusal_speaks_the_users_language(app, login_as, world, appointments):
    # A message the catalogues already hold: proves the refusal is translated, not just echoed.
    message = "Remove the invisible control characters from this field."
    french = translated(app, "fr", message)
    assert french != message
    response = login_as("supervisor_a").post(rooms_url(world) + "?lang=fr", data={"name": "Salle\x00 4"})
    assert response.status_code == 422
    assert french in response.get_data(as_text=True)


def test_eighty_characters_are_enough(app, login_as, world, appointments):
    name = "ق" * 80
    assert login_as("supervisor_a").post(rooms_url(world), data={"name": name}).status_code == 302
    assert name in rooms_of(app, "A", world)


def test_no_room_is_added_to_an_inactive_service_point(app, login_as, world, appointments):
    set_service_point_active(app, world, "A", False)
    client = login_as("supervisor_a")
    page = client.get(rooms_url(world)).get_data(as_text=True)
    assert 'name="name"' not in page  # no add form
    before = counts(app)
    response = client.post(rooms_url(world) + "?lang=fr", data={"name": "Salle 9"})
    assert response.status_code == 422
    assert translated(app, "fr", "This service point is inactive: reactivate it before adding or reactivating "
                                 "rooms.") in response.get_data(as_text=True)
    assert counts(app) == before


def test_others_cannot_add_rooms(app, login_as, world, appointments):
    before = counts(app)
    assert login_as("supervisor_b").post(rooms_url(world), data={"name": "Salle 7"}).status_code == 404
    assert login_as("mediator_a1").post(rooms_url(world), data={"name": "Salle 7"}).status_code == 403
    assert login_as("ministry").post(rooms_url(world), data={"name": "Salle 7"}).status_code == 403
    after = counts(app)
    assert after[0] == before[0]  # (the denials are audited)


# -- renaming, deactivating, reactivating ---------------------------------------


def test_the_edit_form_shows_the_stored_values(login_as, appointments):
    page = login_as("supervisor_a").get(edit_url(appointments, "A2")).get_data(as_text=True)
    assert 'value="قاعة 2"' in page and 'name="active"' in page and "checked" in page


def test_a_supervisor_renames_a_room(app, login_as, world, appointments):
    client = login_as("supervisor_a")
    seq = last_seq(app)  # after the login's own event
    response = client.post(edit_url(appointments, "A2"), data={"name": " قاعة الاستماع 2 ", "active": "y"})
    assert response.status_code == 302
    assert response.headers["Location"] == rooms_url(world)
    assert rooms_of(app, "A", world) == {"Salle 1": True, "قاعة الاستماع 2": True}
    assert [(e.action, e.entity, e.entity_id) for e in audit_events(app, seq)] == [
        ("update", "room", appointments.rooms["A2"])]


def test_changing_only_the_case_of_its_own_name_is_allowed(app, login_as, world, appointments):
    response = login_as("supervisor_a").post(edit_url(appointments, "A1"), data={"name": "SALLE 1", "active": "y"})
    assert response.status_code == 302
    assert room(app, appointments.rooms["A1"]).name == "SALLE 1"


def test_saving_unchanged_writes_no_audit_event(app, login_as, appointments):
    client = login_as("supervisor_a")
    seq = last_seq(app)
    response = client.post(edit_url(appointments, "A2"), data={"name": "قاعة 2", "active": "y"})
    assert response.status_code == 302
    assert audit_events(app, seq) == []


def test_renaming_to_a_taken_name_is_refused_and_the_room_unchanged(app, login_as, world, appointments):
    client = login_as("supervisor_a")
    before = counts(app)
    response = client.post(edit_url(appointments, "A2") + "?lang=fr", data={"name": "salle 1", "active": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert translated(app, "fr", "This service point already has a room of this name.") in page
    assert 'value="salle 1"' in page and "checked" not in page  # the input is kept, the box unticked
    stored = room(app, appointments.rooms["A2"])
    assert (stored.name, stored.active) == ("قاعة 2", True)  # not even the unticked box was saved
    assert counts(app) == before


def test_a_deactivated_room_can_no_longer_be_booked_but_keeps_its_appointments(app, login_as, world, appointments):
    client = login_as("supervisor_a")
    # Room A1 holds mediator A1's appointment next week: the supervisor is told it stays there.
    response = client.post(edit_url(appointments, "A1") + "?lang=fr", data={"name": "Salle 1"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"] + "?lang=fr").get_data(as_text=True)
    assert translated(app, "fr", STILL_BOOKED) in page
    with app.app_context():
        names = [r.name for r in bookable_rooms(db.session, world.association_a)]
        from tests.appointments.fixtures import appointment_by_public_id
        kept = appointment_by_public_id(appointments.appointments["own"])
        assert names == ["قاعة 2"] and kept.room.public_id == UUID(appointments.rooms["A1"])
    # Reactivated, it can be booked again.
    assert client.post(edit_url(appointments, "A1"), data={"name": "Salle 1", "active": "y"}).status_code == 302
    client.get("/")  # consume the flashes
    # A new room has nothing booked: deactivating it warns of nothing.
    assert client.post(rooms_url(world), data={"name": "Salle 5"}).status_code == 302
    with app.app_context():
        new_id = db.session.scalar(select(Room.public_id).where(Room.name == "Salle 5"))
    client.get("/")
    response = client.post(f"/appointments/rooms/{new_id}/edit?lang=fr", data={"name": "Salle 5"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"] + "?lang=fr").get_data(as_text=True)
    assert translated(app, "fr", STILL_BOOKED) not in page
    assert rooms_of(app, "A", world) == {"Salle 1": True, "قاعة 2": True, "Salle 5": False}


def test_a_room_of_an_inactive_service_point_is_not_reactivated(app, login_as, world, appointments):
    client = login_as("supervisor_a")
    assert client.post(edit_url(appointments, "A2"), data={"name": "قاعة 2"}).status_code == 302
    set_service_point_active(app, world, "A", False)
    response = client.post(edit_url(appointments, "A2"), data={"name": "قاعة 2", "active": "y"})
    assert response.status_code == 422
    assert rooms_of(app, "A", world)["قاعة 2"] is False
    # Renaming stays possible while it is inactive.
    assert client.post(edit_url(appointments, "A2"), data={"name": "قاعة 3"}).status_code == 302


def test_rooms_of_another_association_do_not_exist_for_a_supervisor(app, login_as, appointments):
    client = login_as("supervisor_a")
    assert client.get(edit_url(appointments, "B1")).status_code == 404
    assert client.post(edit_url(appointments, "B1"), data={"name": "Pris", "active": "y"}).status_code == 404
    assert room(app, appointments.rooms["B1"]).name == "Salle B"
    assert login_as("admin").post(edit_url(appointments, "B1"), data={"name": "Salle B1", "active": "y"}) \
        .status_code == 302
    assert room(app, appointments.rooms["B1"]).name == "Salle B1"


# -- the service, called directly (the command line and the demo use it) -----------


def test_the_service_enforces_the_scope_and_audits_the_command_line(app, world, appointments):
    with app.app_context():
        session = db.session
        point_a = session.scalar(select(ServicePoint).where(ServicePoint.association_id == world.association_a))
        supervisor_b = session.scalar(select(StaffUser).where(StaffUser.username == "supervisor.b"))
        mediator = session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
        for actor in (supervisor_b, mediator):
            with pytest.raises(NotAllowed):
                services.add_room(session, point_a, "Salle 8", actor=actor)
        with pytest.raises(Conflict):
            services.add_room(session, point_a, "SALLE 1", actor=None)
        with pytest.raises(ValidationFailed):
            services.add_room(session, point_a, "Salle\x00", actor=None)
        added = services.add_room(session, point_a, "Salle 8", actor=None)
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert (event.entity, event.entity_id, event.actor_role) == ("room", str(added.public_id), "cli")


# -- generated input: never a 500, nothing half-saved (docs/security.md, S16) ------------

names = st.one_of(
    st.text(max_size=100),
    st.text(alphabet=st.sampled_from(" \u200f\u202e\x00\r\n\t<>\"'&ضصثقⵜⴰⵎ😀éSsALLE1Ｓ"), max_size=30),
    st.builds(lambda n: "x" * n, st.integers(min_value=0, max_value=2_000)),
    st.sampled_from(["Salle 1", "salle 1", "قاعة 2", "<script>alert(1)</script>", "ⵜⴰⵎ 5"]),
)


def check(response, app, before, name: str, *, saved_rooms: int):
    assert response.status_code in (302, 422), response.status_code
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    after = counts(app)
    if response.status_code == 302:
        assert after == (before[0] + saved_rooms, before[1] + 1)  # the row and its audit event, nothing else
        expected = " ".join(name.split())
        assert 1 <= len(expected) <= 80 and expected in rooms_of_everywhere(app)
    else:
        assert after == before and 'method="post"' in body


def rooms_of_everywhere(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(Room.name)))


@FUZZ
@given(name=names)
@example(name="  Salle   neuve ")
def test_generated_names_when_adding(app, login_as, world, appointments, name):
    client = login_as("supervisor_a")
    before = counts(app)
    check(client.post(rooms_url(world), data={"name": name}), app, before, name, saved_rooms=1)


@FUZZ
@given(name=names, active=st.sampled_from(["", "y", "garbage"]))
@example(name="Salle renommée", active="y")
def test_generated_names_when_editing(app, login_as, world, appointments, name, active):
    client = login_as("admin")
    public_id = appointments.rooms["A2"]
    before, stored = counts(app), room(app, public_id)
    response = client.post(edit_url(appointments, "A2"), data={"name": name, "active": active})
    if response.status_code == 302 and counts(app) == before:
        return  # nothing changed: nothing to record
    check(response, app, before, name, saved_rooms=0)
    after = room(app, public_id)
    assert (after.service_point_id, after.association_id) == (stored.service_point_id, stored.association_id)
    if response.status_code != 302:
        assert (after.name, after.active) == (stored.name, stored.active)
