"""The booking form's proposed free times carry a room free for all of each (docs/domain.md, DOM100):
a room of the case's service point, the first free one in the form's order, read for every proposed time in
one statement; the link loads the form with it when there is no script (docs/architecture.md, U5)."""

from __future__ import annotations

import html
import re
import uuid
from datetime import date, time
from functools import partial
from urllib.parse import parse_qs, urlsplit

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from mediation.accounts.models import Association
from mediation.accounts.services import ServicePointData, create_service_point
from mediation.appointments.models import Room
from mediation.appointments.routes import booking as booking_routes
from mediation.appointments.services import booking
from mediation.appointments.services.slots import next_free_slots
from mediation.core.clock import to_utc
from mediation.extensions import db
from tests.appointments.fixtures import data, staff
from tests.english import login_as  # noqa: F401  (fixture: log in, then English)
from tests.statements import statements_of_get
from tests.strategies import FUZZ, nasty_text, sometimes


def book_url(world) -> str:
    return f"/appointments/new?case={world.cases.own}&staff={world.user_ids['mediator_a1']}"


def proposals(page: str) -> list[dict[str, str]]:
    """Each proposed time's query: day, start, end and, when one is free, room (a public id)."""
    hrefs = re.findall(r'<ul class="slot-list".*?</ul>', page, re.S)[0]
    return [{key: values[0] for key, values in parse_qs(urlsplit(html.unescape(href)).query).items()}
            for href in re.findall(r'<a href="([^"]+)"', hrefs)]


def room_is_free(app, room_public_id: str, proposal: dict[str, str]) -> bool:
    """What the double-booking rule itself reads (docs/domain.md, DOM42): nothing busy in the room then."""
    day = date.fromisoformat(proposal["day"])
    with app.app_context():
        room = db.session.scalar(select(Room).where(Room.public_id == uuid.UUID(room_public_id)))
        return not booking.overlapping(db.session, start=to_utc(day, time.fromisoformat(proposal["start"])),
                                       end=to_utc(day, time.fromisoformat(proposal["end"])), room_id=room.id)


def take(app, username: str, room_public_id: str, proposal: dict[str, str]) -> None:
    """Book `room` over the proposed time for a meeting `username` holds (no case: an intake meeting)."""
    with app.app_context():
        actor = staff(username)
        booking.book(db.session, data(date.fromisoformat(proposal["day"]), proposal["start"], proposal["end"],
                                      [actor.public_id], room=uuid.UUID(room_public_id), label="Mme K."),
                     actor=actor)
        db.session.commit()


def test_each_proposed_time_carries_the_first_room_free_for_all_of_it(app, world, appointments, login_as):
    client = login_as("mediator_a1")
    rooms = appointments.rooms  # A1 "Salle 1" comes before A2 "قاعة 2" in the form's list
    first = proposals(client.get(book_url(world)).get_data(as_text=True))
    assert len(first) == 6 and {proposal["room"] for proposal in first} == {rooms["A1"]}

    # The supervisor takes room A1 over the first proposed time: A2 is proposed for every time that overlaps it.
    take(app, "supervisor.a", rooms["A1"], first[0])
    page = client.get(book_url(world)).get_data(as_text=True)
    again = proposals(page)
    assert again[0]["room"] == rooms["A2"]
    for proposal in again:
        assert room_is_free(app, proposal["room"], proposal)
        assert proposal["room"] == (rooms["A1"] if room_is_free(app, rooms["A1"], proposal) else rooms["A2"])
    assert "قاعة 2" in page.split('class="slot-list"')[1].split("</ul>")[0], "the link names its room"

    # Both rooms taken: the time is still proposed, without a room, and the others keep theirs.
    take(app, "mediator.a2", rooms["A2"], first[0])
    last = proposals(client.get(book_url(world)).get_data(as_text=True))
    assert last[0]["day"] == first[0]["day"] and last[0]["start"] == first[0]["start"] and "room" not in last[0]
    assert all(room_is_free(app, proposal["room"], proposal) for proposal in last if "room" in proposal)


def test_only_rooms_of_the_cases_service_point_are_proposed(app, world, appointments, login_as):
    with app.app_context():
        association = db.session.get(Association, world.association_a)
        point = create_service_point(db.session, association, "RBT-00",
                                     ServicePointData("jisr_al_usra", "فضاء آخر", "Autre espace"), actor=None)
        other = Room(service_point_id=point.id, association_id=association.id, name="Salle 0")
        db.session.add(other)
        db.session.commit()
        other_id = str(other.public_id)
    client = login_as("mediator_a1")
    for_the_case = proposals(client.get(book_url(world)).get_data(as_text=True))
    assert {proposal["room"] for proposal in for_the_case} == {appointments.rooms["A1"]}
    # A first meeting without a case may take any room of the association: RBT-00 comes first.
    intake = proposals(client.get(f"/appointments/new?staff={world.user_ids['mediator_a1']}").get_data(as_text=True))
    assert {proposal["room"] for proposal in intake} == {other_id}


def selected_room(page: str) -> list[str]:
    """The values of the room list's selected options."""
    select_html = re.search(r'<select[^>]*name="room_id".*?</select>', page, re.S).group(0)
    return [re.search(r'value="([^"]*)"', option).group(1)
            for option in re.findall(r"<option[^>]*>", select_html) if re.search(r"\bselected\b", option)]


def test_without_script_the_link_loads_the_form_with_its_room(app, world, appointments, login_as):
    client = login_as("mediator_a1")
    proposal = proposals(client.get(book_url(world)).get_data(as_text=True))[1]
    query = "&".join(f"{key}={value}" for key, value in proposal.items())
    page = client.get(f"{book_url(world)}&{query}").get_data(as_text=True)
    assert selected_room(page) == [proposal["room"]]
    assert f'value="{proposal["start"]}"' in page and f'value="{proposal["end"]}"' in page
    # A room of another association, or no room at all, chooses none.
    for room in (appointments.rooms["B1"], "not-a-room"):
        page = client.get(f"{book_url(world)}&day={proposal['day']}&room={room}").get_data(as_text=True)
        assert selected_room(page) == [""]


def test_the_proposals_cost_as_many_statements_for_one_time_as_for_twelve(app, world, appointments, login_as,
                                                                          monkeypatch):
    client = login_as("mediator_a1")
    client.get(book_url(world))  # the first request of a session does more (its login checks): not counted
    counted = {}
    for count in (1, 12):
        monkeypatch.setattr(booking_routes, "next_free_slots", partial(next_free_slots, count=count))
        counted[count], response = statements_of_get(app, client, book_url(world))
        shown = proposals(response.get_data(as_text=True))
        assert len(shown) == count and all("room" in proposal for proposal in shown)
    assert counted[1] == counted[12], counted


@given(query=st.fixed_dictionaries({
    "room": sometimes("", "not-a-room", nasty_text),
    "day": sometimes("", "2026-02-30", "9999-12-31", nasty_text),
    "start": sometimes("", "09:00", "25:00", nasty_text),
    "end": sometimes("", "10:00", nasty_text),
}))
@FUZZ
def test_a_made_up_proposed_time_never_fails_the_form(app, world, appointments, login_as, query):
    url = "/appointments/new"
    response = login_as("mediator_a1").get(url, query_string={"case": world.cases.own,
                                                              "staff": world.user_ids["mediator_a1"], **query})
    assert response.status_code == 200
