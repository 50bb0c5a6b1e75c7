"""Attendance to record: the list behind the dashboard's "attendance not recorded" figure (past
appointments still planned), for the supervisor's association or one staff member, and a mediator's own.

The dashboard's hand-built world (tests/supervision/test_dashboard.py) holds, at its "now" (Wednesday
18 November 2026, 10:00 UTC): A2's appointment on case c5 on the 16th and A1's intake call on the 17th,
both past and still planned; beside them a held one, a cancelled one, one under way, future ones, and
association B's past one.
"""

from __future__ import annotations

import re
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from mediation.core.audit import AuditEvent
from mediation.extensions import db
from tests.statements import statements_of_get
from tests.strategies import fuzz
from tests.supervision.test_dashboard import NOW, _query, build_world, dashboard, read

# The two past appointments still planned in association A, newest first.
INTAKE_CALL_A1 = "Première écoute"


@pytest.fixture
def hand(app, world, cases, frozen_clock):
    frozen_clock.set(NOW)
    return build_world(app, world, cases)


def rows(page: str) -> list[str]:
    """Each listed appointment as the text of its case (or intake label) cell."""
    body = page.split('<tbody>', 1)[1].split('</tbody>', 1)[0] if "<tbody>" in page else ""
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r'<td[^>]*><a href="/appointments/[^"]+">(.*?)</a></td>', body, re.S)]


def listing(client, query: str = "") -> str:
    response = client.get(f"/appointments/to-record?lang=en{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def case_reference(app, public_id: str) -> str:
    from mediation.cases.models import Case

    with app.app_context():
        return db.session.scalar(select(Case.reference).where(Case.public_id == uuid.UUID(public_id)))


def test_the_supervisor_sees_the_associations_past_appointments_still_planned(app, login_as, hand):
    page = listing(login_as("supervisor_a"))
    assert rows(page) == [INTAKE_CALL_A1, case_reference(app, hand.cases["c5"])]  # newest first
    assert "2 appointments" in page
    # The same number as the dashboard's figure, for the association and for each staff member.
    parser = read(dashboard(login_as("supervisor_a")))
    assert parser.found[("total", "unrecorded")][0] == "2"


def test_one_staff_member_at_a_time(app, login_as, hand):
    client = login_as("supervisor_a")
    assert rows(listing(client, f"&staff={hand.staff['a1']}")) == [INTAKE_CALL_A1]
    assert rows(listing(client, f"&staff={hand.staff['a2']}")) == [case_reference(app, hand.cases["c5"])]
    assert client.get(f"/appointments/to-record?staff={hand.staff['b1']}").status_code == 404


def test_a_mediator_sees_their_own_only(app, login_as, hand):
    client = login_as("mediator_a1")
    assert rows(listing(client)) == [INTAKE_CALL_A1]
    assert client.get(f"/appointments/to-record?staff={hand.staff['a2']}").status_code == 404
    assert rows(listing(login_as("mediator_b1"))) == [case_reference(app, hand.cases["other"])]


def test_the_dashboard_figures_link_to_the_list(login_as, hand):
    parser = read(dashboard(login_as("supervisor_a")))
    assert _query(parser.found[("total", "unrecorded")][1]) == {"path": ["/appointments/to-record"]}
    assert _query(parser.found[(hand.staff["a1"], "unrecorded")][1]) == {
        "path": ["/appointments/to-record"], "staff": [hand.staff["a1"]]}
    mediator = read(dashboard(login_as("mediator_a1")))
    assert _query(mediator.found[("tile", "unrecorded")][1]) == {"path": ["/appointments/to-record"]}


def test_nothing_to_record_says_so(login_as, hand, frozen_clock):
    frozen_clock.set(NOW.replace(year=2020))
    page = listing(login_as("supervisor_a"))
    assert rows(page) == [] and "No past appointment is waiting for its attendance." in page


def test_the_view_is_audited_and_costs_the_same_for_one_or_many(app, login_as, hand):
    client = login_as("supervisor_a")
    many, _ = statements_of_get(app, client, "/appointments/to-record")
    one, _ = statements_of_get(app, client, f"/appointments/to-record?staff={hand.staff['a1']}")
    assert many == one
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert (event.action, event.entity, event.entity_id) == ("view", "calendar", hand.staff["a1"])


@fuzz(40)
@given(staff=st.text(max_size=40), page=st.text(max_size=12))
def test_any_query_answers_a_page_or_not_found(login_as, world, staff, page):
    from urllib.parse import urlencode

    response = login_as("supervisor_a").get("/appointments/to-record?" + urlencode({"staff": staff, "page": page}))
    assert response.status_code in (200, 404)


def test_pages_keep_the_chosen_staff_member(app, login_as, hand, monkeypatch):
    monkeypatch.setattr("mediation.appointments.routes.attendance.PAGE_SIZE", 1)
    client = login_as("supervisor_a")
    first = listing(client)
    assert rows(first) == [INTAKE_CALL_A1]
    assert 'href="/appointments/to-record?page=2" rel="next"' in first
    page_two = listing(client, "&page=2")
    assert rows(page_two) == [case_reference(app, hand.cases["c5"])]
    one_staff = listing(client, f"&staff={hand.staff['a1']}")
    assert 'rel="next"' not in one_staff and rows(one_staff) == [INTAKE_CALL_A1]
