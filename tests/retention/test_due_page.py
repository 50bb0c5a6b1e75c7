"""The supervisor's "due for anonymisation" page: their association's cases expiring by the end of next month."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mediation.cases.models import Case
from mediation.core import clock
from mediation.extensions import db
from mediation.retention.policy import add_months
from tests.english import login_as  # noqa: F401  (fixture: log in, then English)
from tests.retention.fixtures import closed_case

# Date-sensitive (retention cut-offs): every test runs under the
# instants of ANY_HOUR_DEFAULT (tests/conftest.py; T1).
pytestmark = pytest.mark.usefixtures("any_hour")


def closed_expiring_in(app, label: str, days: int, association: str = "a"):
    with app.app_context():
        case = closed_case(label, 0, association=association)
        row = db.session.get(Case, case.id)
        row.closed_on = add_months(clock.today(), -60) + timedelta(days=days)
        db.session.commit()
        return case


def test_the_page_lists_the_associations_cases_due_by_the_end_of_next_month(app, world, login_as):
    soon = closed_expiring_in(app, "soon", 10)
    overdue = closed_expiring_in(app, "overdue", -3)
    later = closed_expiring_in(app, "later", 70)
    elsewhere = closed_expiring_in(app, "elsewhere", 10, association="b")

    response = login_as("supervisor_a").get("/retention/due")

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert soon.reference in body and overdue.reference in body
    assert later.reference not in body and elsewhere.reference not in body
    assert "Overdue" in body
    assert "CANARY" not in body  # references, dates and the lead's name only
    assert body.index(overdue.reference) < body.index(soon.reference)


def test_the_dashboard_and_the_register_link_to_the_page(world, login_as):
    client = login_as("supervisor_a")
    assert 'href="/retention/due"' in client.get("/supervision/").get_data(as_text=True)
    assert 'href="/retention/due"' in client.get("/subject-requests/").get_data(as_text=True)
    assert 'href="/subject-requests/"' in client.get("/").get_data(as_text=True)  # the navigation entry
