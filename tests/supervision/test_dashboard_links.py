"""Every figure of the supervisor's dashboard is a link to the list it counts, and that list holds as many
rows as the figure says: the cases without a lead, the sessions held, the appointments of a staff member
whose own calendar is closed included."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from mediation.cases.models import CaseAssignment
from mediation.counselling.models import CounsellingSession
from mediation.extensions import db
from tests.supervision.test_dashboard import (  # noqa: F401  (frozen and hand are fixtures)
    _case,
    dashboard,
    expected,
    figures_of,
    frozen,
    hand,
    read,
)


def unlinked(parser) -> list[tuple[str, str]]:
    return sorted(place for place, (_text, href) in parser.found.items() if not href)


def count_on(page: str, label: str) -> str:
    match = re.search(rf'data-total="{label}">([^<]*)<', page)
    assert match, f"no {label} total on the page"
    return match.group(1)


@pytest.mark.parametrize("staff", [None, "a1", "a2", "a3"])
def test_every_figure_is_inside_a_link_that_opens(login_as, hand, staff):
    client = login_as("supervisor_a")
    page = dashboard(client, f"&staff={hand.staff[staff]}" if staff else "")
    parser = read(page)
    assert parser.found, "no figure on the page"
    assert unlinked(parser) == [], "figures that are not links"
    for href in sorted({href for _text, href in parser.found.values()}):
        assert client.get(href).status_code == 200, href


def test_the_cases_without_a_lead_link_to_their_list(app, login_as, hand):
    with app.app_context():
        db.session.execute(CaseAssignment.__table__.delete().where(
            CaseAssignment.case_id == _case(hand.cases["c7"]).id))
        db.session.commit()
    client = login_as("supervisor_a")
    parser = read(dashboard(client))
    row = {key: place for key, place in parser.found.items() if key[0] == "unassigned"}
    assert row and all(href for _text, href in row.values())
    text, href = parser.found[("unassigned", "open")]
    assert parse_qs(urlsplit(href).query) == {"status": ["open"], "staff": ["none"]}
    listed = client.get(href + "&lang=en").get_data(as_text=True)
    assert f"Number of cases: {text}" in listed and hand.cases["c7"] in listed
    assert "Cases without a lead" in listed  # the filter is named among the active ones
    # Sessions and appointments are always someone's: that row shows no figure of them.
    assert ("unassigned", "sessions") not in parser.found and ("unassigned", "upcoming") not in parser.found


@pytest.mark.parametrize("row", ["a1", "a2", "total"])
def test_the_sessions_list_holds_what_the_figure_counts(login_as, hand, row):
    client = login_as("supervisor_a")
    parser = read(dashboard(client))
    place = hand.staff[row] if row != "total" else "total"
    sessions, href = parser.found[(place, "sessions")]
    hours, hours_href = parser.found[(place, "minutes")]
    assert href == hours_href and urlsplit(href).path == "/supervision/sessions"
    listed = client.get(href + "&lang=en").get_data(as_text=True)
    assert count_on(listed, "sessions") == sessions == expected(row)["sessions"]
    assert count_on(listed, "hours") == hours
    assert listed.count('<tr id="session-') == int(sessions)
    # A quarter lists the quarter's sessions, as its figure counts them.
    quarter = read(dashboard(client, "&period=quarter&date=2026-10-15"))
    count, href = quarter.found[(place, "sessions")]
    assert count_on(client.get(href).get_data(as_text=True), "sessions") == count


def test_the_sessions_list_shows_no_summary(app, login_as, hand):
    with app.app_context():
        for counselling_session in db.session.scalars(select(CounsellingSession)):
            counselling_session.summary = "SECRET-SUMMARY"
        db.session.commit()
    client = login_as("supervisor_a")
    page = client.get(f"/supervision/sessions?staff={hand.staff['a1']}&period=month&date=2026-11-01&lang=fr")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Séances tenues par" in text and text.count('<tr id="session-') == 3
    assert "SECRET-SUMMARY" not in text
