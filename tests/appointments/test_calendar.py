"""Calendars: a staff member's day and week, and the supervisor's association week.

The fixture's week (`appointments.monday`): mediator A1 holds "own" (Monday 10:00, room A1) and
"intake" (Tuesday 09:00, by phone); mediator A2 holds "colleague" (Monday 10:00, room A2);
mediator B1 holds "other" (association B, Monday 10:00, room B1).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from mediation.appointments.services.booking import book
from mediation.appointments.services.status import cancel
from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from tests.appointments.fixtures import (
    appointment_by_public_id,
    case_of,
    data,
    next_monday,
    requesting_party,
    staff,
)
from tests.conftest import ANY_HOUR_WITH_TIME_OF_DAY
from tests.statements import statements_of_get

# Date-sensitive (day and week bounds): every test runs under the instants of ANY_HOUR_WITH_TIME_OF_DAY
# (tests/conftest.py; T1), the morning included: bookings are checked against the current instant.
pytestmark = pytest.mark.usefixtures("any_hour")
ANY_HOUR_INSTANTS = ANY_HOUR_WITH_TIME_OF_DAY

CELL = re.compile(r'<td data-day="([0-9-]+)"[^>]*>(.*?)</td>', re.S)
HEADER_DAYS = re.compile(r'<th scope="col" data-day="([0-9-]+)"')


def cells(page: str) -> dict[date, str]:
    """The week's day cells of a one-row calendar, by day."""
    return {date.fromisoformat(day): body for day, body in CELL.findall(page)}


def row(page: str, attribute: str, value: str) -> str:
    match = re.search(rf'<tr {attribute}="{value}">(.*?)</tr>', page, re.S)
    assert match, f"no row {attribute}={value}"
    return match.group(1)


def href(page: str, rel: str) -> str:
    match = re.search(rf'<a class="button-secondary" href="([^"]+)" rel="{rel}">', page)
    assert match, f"no {rel} link"
    return match.group(1).replace("&amp;", "&")


def reference(case_id: str, app) -> str:
    with app.app_context():
        return case_of(case_id).reference


def week(client, monday: date, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"date": monday.isoformat(), "lang": "en",
                                                            **params}.items())
    response = client.get(f"/appointments/?{query}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# One staff member's week


def test_the_week_shows_my_appointments_on_their_day_and_nothing_else(app, login_as, appointments, cases):
    page = week(login_as("mediator_a1"), appointments.monday + timedelta(days=3))  # any day of the week
    days = cells(page)
    monday, tuesday = appointments.monday, appointments.monday + timedelta(days=1)
    assert list(days) == [monday + timedelta(days=offset) for offset in range(7)]
    assert appointments.appointments["own"] in days[monday]
    assert reference(cases.own, app) in days[monday]
    assert "Salle 1" in days[monday] and "Individual meeting" in days[monday] and "Scheduled" in days[monday]
    assert appointments.appointments["intake"] in days[tuesday] and "Première visite, Mme H." in days[tuesday]
    assert "By phone" in days[tuesday]
    assert f'href="/appointments/{appointments.appointments["own"]}"' in days[monday]
    # Neither association B's appointment nor a colleague's, on any day.
    for hidden in ("other", "colleague"):
        assert appointments.appointments[hidden] not in page
    assert reference(cases.other, app) not in page and reference(cases.colleague, app) not in page


def test_a_mediator_opens_only_her_own_calendar(app, login_as, world, appointments):
    client = login_as("mediator_a1")
    own_id = world.user_ids["mediator_a1"]
    assert client.get(f"/appointments/?staff={own_id}&date={appointments.monday}").status_code == 200
    for staff_id in (world.user_ids["mediator_a2"], world.user_ids["supervisor_a"], world.user_ids["mediator_b1"],
                     "00000000-0000-4000-8000-000000000000", "not-a-uuid"):
        assert client.get(f"/appointments/?staff={staff_id}").status_code == 404, staff_id


def test_a_supervisor_opens_any_calendar_of_her_association_only(app, login_as, world, appointments, cases):
    client = login_as("supervisor_a")
    page = week(client, appointments.monday, staff=world.user_ids["mediator_a2"])
    monday = cells(page)[appointments.monday]
    assert appointments.appointments["colleague"] in monday and reference(cases.colleague, app) in monday
    assert appointments.appointments["own"] not in page  # mediator A1's, not A2's
    assert "Calendar of Mediator.A2" in page
    # The picker lists the association's staff, never association B's.
    assert f'value="{world.user_ids["mediator_a1"]}"' in page
    assert world.user_ids["mediator_b1"] not in page
    assert client.get(f"/appointments/?staff={world.user_ids['mediator_b1']}").status_code == 404
    # Her own calendar is empty this week: she holds nothing.
    assert "No appointment this week." in week(client, appointments.monday)


def test_the_day_view_lists_one_day(app, login_as, appointments, cases):
    tuesday = appointments.monday + timedelta(days=1)
    page = week(login_as("mediator_a1"), tuesday, view="day")
    assert f'class="calendar calendar-day" data-day="{tuesday.isoformat()}"' in page
    assert appointments.appointments["intake"] in page and "Première visite, Mme H." in page
    assert "By phone" in page
    assert appointments.appointments["own"] not in page  # Monday's
    assert f"date={appointments.monday.isoformat()}" in href(page, "prev")
    assert f"date={(tuesday + timedelta(days=1)).isoformat()}" in href(page, "next")
    assert "view=day" in href(page, "next")


def test_week_navigation_goes_by_whole_weeks_and_today_comes_back(app, login_as, appointments):
    client = login_as("mediator_a1")
    page = week(client, appointments.monday + timedelta(days=4))
    previous, following = href(page, "prev"), href(page, "next")
    assert f"date={(appointments.monday - timedelta(days=7)).isoformat()}" in previous
    assert f"date={(appointments.monday + timedelta(days=7)).isoformat()}" in following
    later = client.get(following).get_data(as_text=True)
    assert appointments.appointments["own"] not in later  # the next week is another week
    assert HEADER_DAYS.findall(later)[0] == (appointments.monday + timedelta(days=7)).isoformat()
    with app.app_context():

        today = clock.today()
    today_link = re.search(r'<a class="button-secondary" href="([^"]+)">Today</a>', page).group(1)
    assert f"date={today.isoformat()}" in today_link
    current = client.get("/appointments/?lang=en").get_data(as_text=True)
    assert re.search(rf'<th scope="col" data-day="{today.isoformat()}" aria-current="date">', current)
    assert current.count('aria-current="date"') == 1


@pytest.mark.parametrize("language, direction, monday_name", [
    ("ar", "rtl", "الاثنين"), ("fr", "ltr", "lundi"), ("en", "ltr", "Monday"),
])
def test_the_week_starts_on_monday_in_every_language(app, login_as, appointments, language, direction, monday_name):
    client = login_as("mediator_a1")
    sunday = appointments.monday + timedelta(days=6)
    page = client.get(f"/appointments/?date={sunday}&lang={language}").get_data(as_text=True)
    assert f'<html lang="{language}" dir="{direction}">' in page
    assert 'dir="ltr"' not in page.split("<table", 1)[1]  # the table is never forced left to right
    assert HEADER_DAYS.findall(page)[0] == appointments.monday.isoformat()
    first_header = page.split('<th scope="col" data-day=', 1)[1].split("</th>", 1)[0]
    assert monday_name in first_header
    assert not any("\u0660" <= char <= "\u0669" for char in page)  # Latin digits in Arabic too
    grid = login_as("supervisor_a").get(f"/appointments/association?date={sunday}&lang={language}")
    assert HEADER_DAYS.findall(grid.get_data(as_text=True))[0] == appointments.monday.isoformat()


def test_arabic_page_isolates_latin_references_and_times(app, login_as, appointments, cases):
    page = login_as("mediator_a1").get(f"/appointments/?date={appointments.monday}&lang=ar").get_data(as_text=True)
    assert f"<bdi>{reference(cases.own, app)}</bdi>" in page
    assert re.search(r"<bdi><time datetime=\"[^\"]+\">10:00</time></bdi> – <bdi><time", page)


# Local days, not UTC days


@pytest.mark.parametrize("zone", ["Africa/Casablanca", "America/Sao_Paulo", "Asia/Tokyo"])
def test_late_and_early_appointments_stay_on_their_local_day(app, login_as, monkeypatch, cases, zone):
    """Sunday 23:30 stays on Sunday, Monday 00:15 opens the next week, whatever the zone's offset
    (São Paulo: Sunday 23:30 is Monday in UTC; Tokyo: Monday 00:15 is Sunday in UTC)."""
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_TIMEZONE", zone)
    with app.app_context():
        monday = next_monday(14)
        sunday = monday + timedelta(days=6)
        actor = staff("mediator.a1")
        late = book(db.session, data(sunday, "23:30", "23:55", [actor.public_id], mode="phone", label="Tard"),
                    actor=actor)
        early = book(db.session, data(sunday + timedelta(days=1), "00:15", "00:45", [actor.public_id],
                                      mode="phone", label="Tôt"), actor=actor)
        late_id, early_id = str(late.public_id), str(early.public_id)
        db.session.commit()
    client = login_as("mediator_a1")
    this_week, next_week = cells(week(client, monday)), cells(week(client, monday + timedelta(days=7)))
    assert late_id in this_week[sunday]
    assert early_id not in "".join(this_week.values())
    assert early_id in next_week[monday + timedelta(days=7)]
    assert late_id not in "".join(next_week.values())
    day = week(client, sunday, view="day", lang="fr")
    assert late_id in day and early_id not in day
    assert re.search(r'<time datetime="[^"]+">23:30</time>', day)  # shown in local time


# The association's week (supervisors)


def test_the_association_week_by_staff_lists_every_staff_member_of_the_association(app, login_as, world,
                                                                                   appointments, cases):
    client = login_as("supervisor_a")
    page = client.get(f"/appointments/association?date={appointments.monday}&lang=en").get_data(as_text=True)
    for persona in ("supervisor_a", "mediator_a1", "mediator_a2"):
        assert f'data-staff="{world.user_ids[persona]}"' in page
    for persona in ("supervisor_b", "mediator_b1"):
        assert world.user_ids[persona] not in page
    a1 = cells(row(page, "data-staff", world.user_ids["mediator_a1"]))
    a2 = cells(row(page, "data-staff", world.user_ids["mediator_a2"]))
    assert appointments.appointments["own"] in a1[appointments.monday]
    assert appointments.appointments["intake"] in a1[appointments.monday + timedelta(days=1)]
    assert appointments.appointments["colleague"] in a2[appointments.monday]
    assert appointments.appointments["colleague"] not in "".join(a1.values())
    assert appointments.appointments["other"] not in page and reference(cases.other, app) not in page
    # Each name opens that person's own calendar for the week.
    assert f"/appointments/?staff={world.user_ids['mediator_a2']}&amp;date={appointments.monday}" in page


def test_the_association_week_by_room_lists_the_association_rooms(app, login_as, appointments):
    page = login_as("supervisor_a").get(
        f"/appointments/association?date={appointments.monday}&by=room&lang=en").get_data(as_text=True)
    rooms = appointments.rooms
    assert f'data-room="{rooms["A1"]}"' in page and f'data-room="{rooms["A2"]}"' in page
    assert rooms["B1"] not in page and "Salle B" not in page
    assert appointments.appointments["own"] in cells(row(page, "data-room", rooms["A1"]))[appointments.monday]
    room_a2 = cells(row(page, "data-room", rooms["A2"]))
    assert appointments.appointments["colleague"] in room_a2[appointments.monday]
    assert "Mediator.A2" in room_a2[appointments.monday]  # who holds it
    phone = cells(row(page, "data-room", "none"))
    assert appointments.appointments["intake"] in phone[appointments.monday + timedelta(days=1)]


def test_association_b_sees_only_its_own_week(app, login_as, world, appointments):
    page = login_as("supervisor_b").get(f"/appointments/association?date={appointments.monday}").get_data(as_text=True)
    assert appointments.appointments["other"] in page
    for key in ("own", "colleague", "intake"):
        assert appointments.appointments[key] not in page
    assert world.user_ids["mediator_a1"] not in page


@pytest.mark.parametrize("persona, status", [("mediator_a1", 403), ("admin", 403), ("ministry", 403),
                                             ("supervisor_a", 200)])
def test_only_supervisors_see_the_association_week(login_as, persona, status):
    assert login_as(persona).get("/appointments/association").status_code == status


# Cancelled appointments, bad input, audit, cost


def test_cancelled_appointments_are_struck_through_with_their_status_or_hidden(app, login_as, appointments):
    with app.app_context():
        appointment = appointment_by_public_id(appointments.appointments["own"])
        cancel(db.session, appointment, by_party=False, reason="Salle inondée", actor=staff("mediator.a1"))
        db.session.commit()
    client = login_as("mediator_a1")
    page = week(client, appointments.monday)
    own = appointments.appointments["own"]
    item = re.search(r'<li class="calendar-item calendar-item-cancelled" data-appointment="' + own
                     + r'"[^>]*>(.*?)</li>', page, re.S)
    assert item and "Cancelled by the service" in item.group(1)  # the status in words, not colour only
    assert "Hide cancelled appointments" in page
    hidden = week(client, appointments.monday, cancelled="hide")
    assert appointments.appointments["own"] not in hidden
    assert appointments.appointments["intake"] in hidden
    assert "cancelled=hide" in href(hidden, "next")  # the choice is kept while navigating
    grid = client.get(f"/appointments/association?date={appointments.monday}&cancelled=hide")
    assert grid.status_code == 403  # a mediator still has no association week


@pytest.mark.parametrize("query", [
    "date=garbage", "date=2026-02-30", "date=99999-01-01", "date=9999-12-31", "date=1900-01-01",
    "date=%D9%A2%D9%A0%D9%A2%D9%A6-12-07",  # Arabic-Indic digits
    "view=month", "view=", "date=&view=day", "cancelled=maybe", "date=2026-12-07T10:00",
])
def test_bad_query_strings_fall_back_to_defaults(login_as, query):
    client = login_as("supervisor_a")
    assert client.get(f"/appointments/?{query}").status_code == 200
    assert client.get(f"/appointments/association?{query}&by=floor").status_code == 200


def test_a_date_out_of_range_shows_the_current_week(app, login_as):
    with app.app_context():

        monday = clock.today() - timedelta(days=clock.today().weekday())
    page = login_as("mediator_a1").get("/appointments/?date=9999-12-31").get_data(as_text=True)
    assert HEADER_DAYS.findall(page)[0] == monday.isoformat()


def test_calendar_pages_are_audited(app, login_as, world):
    client = login_as("supervisor_a")
    for url, entity_id in (("/appointments/", world.user_ids["supervisor_a"]),
                           (f"/appointments/?staff={world.user_ids['mediator_a1']}", world.user_ids["mediator_a1"]),
                           ("/appointments/association", world.association_public_ids["A"])):
        assert client.get(url).status_code == 200
        with app.app_context():
            event_row = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
            assert (event_row.action, event_row.entity, event_row.entity_id) == ("view", "calendar", entity_id)
            assert event_row.association_id == world.association_a


def _statements(app, client, url: str) -> int:
    return statements_of_get(app, client, url)[0]


def _fill_week(app, case_id: str, monday: date, count: int) -> None:
    """`count` video appointments of mediator A1 and her supervisor on A1's case, each with a party."""
    with app.app_context():
        actor, supervisor = staff("mediator.a1"), staff("supervisor.a")
        case = case_of(case_id)
        party = requesting_party(case).public_id
        for index in range(count):
            day = monday + timedelta(days=index % 5)
            hour = 8 + index // 5
            book(db.session, data(day, f"{hour:02d}:00", f"{hour:02d}:30", [actor.public_id, supervisor.public_id],
                                  mode="video", participants=[party]), actor=actor, case=case)
        db.session.commit()


def test_the_week_costs_the_same_whatever_the_number_of_appointments(app, login_as, world, cases):
    client = login_as("supervisor_a")
    with app.app_context():
        one, eight = next_monday(21), next_monday(28)
    _fill_week(app, cases.own, one, 1)
    _fill_week(app, cases.own, eight, 8)
    mine = f"/appointments/?staff={world.user_ids['mediator_a1']}&date="
    assert _statements(app, client, mine + one.isoformat()) == _statements(app, client, mine + eight.isoformat())
    for by in ("staff", "room"):
        grid = f"/appointments/association?by={by}&date="
        assert _statements(app, client, grid + one.isoformat()) == _statements(app, client, grid + eight.isoformat())
    page = client.get(mine + eight.isoformat()).get_data(as_text=True)
    assert page.count('class="calendar-item"') == 8

