"""Post-closure follow-ups on the home page: the lead's due and overdue ones, apart from the counselling's
follow-up actions, and the supervisor's queue of those that did not hold, found new proceedings or ask to
reopen (docs/domain.md, DOM95). The clock is moved through mediation.core.clock (frozen_clock)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from mediation.cases.codes import Outcome
from mediation.core.clock import to_utc
from tests.aftercare.support import close_with, follow_ups, planned, record_now
from tests.statements import statements_of_get

CLOSED_AT = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)


def _home(client) -> str:
    response = client.get("/?lang=en")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_due_follow_up_is_in_the_lead_s_worklist_under_its_own_heading(app, login_as, cases, frozen_clock):
    frozen_clock.set(CLOSED_AT)
    close_with(app, cases.own, Outcome.RECONCILIATION)
    first, second, _third = follow_ups(app, cases.own)
    client = login_as("mediator_a1")
    assert f'data-post-closure-due="{first.public_id}"' not in _home(client), "not due yet"
    frozen_clock.set(to_utc(first.due_on, time(9, 0)))
    client = login_as("mediator_a1")  # a session does not outlive a month of idleness
    page = _home(client)
    assert 'id="post-closure-due-title"' in page and "Post-closure follow-ups due" in page
    assert f'data-post-closure-due="{first.public_id}"' in page and "Due today" in page
    assert f'data-post-closure-due="{second.public_id}"' not in page
    # Kept apart from the counselling's follow-up actions.
    assert page.index('id="actions-title"') < page.index('id="post-closure-due-title"')
    frozen_clock.set(to_utc(second.due_on + timedelta(days=3), time(9, 0)))
    page = _home(login_as("mediator_a1"))
    assert f'data-post-closure-due="{first.public_id}"' in page and "Overdue since" in page
    # Nobody else's day shows them.
    assert "data-post-closure-due" not in _home(login_as("mediator_a2"))
    # Recorded: it leaves the list.
    record_now(app, cases.own, str(first.public_id), "mediator.a1")
    assert f'data-post-closure-due="{first.public_id}"' not in _home(login_as("mediator_a1"))


@pytest.mark.parametrize("values", [
    {"result": "not_holding"},
    {"result": "holding", "new_proceedings": "yes"},
    {"result": "partly_holding", "action": "reopen_requested"},
])
def test_what_did_not_hold_reaches_the_supervisor_s_queue(app, login_as, cases, values):
    close_with(app, cases.own, Outcome.AGREEMENT_PARTIAL)
    follow_up_id = planned(app, cases.own)
    record_now(app, cases.own, follow_up_id, "mediator.a1", **values)
    supervisor = login_as("supervisor_a")
    page = _home(supervisor)
    assert f'data-post-closure-alert="{follow_up_id}"' in page
    assert page.index('id="waiting-title"') < page.index(follow_up_id) < page.index('id="day-1-title"')
    assert "data-post-closure-alert=" not in _home(login_as("supervisor_b")), "another association's case"
    assert "data-post-closure-alert=" not in _home(login_as("mediator_a1")), "a supervisor's queue only"
    # The supervisor has seen it: it leaves the queue, and the case page says so.
    supervisor = login_as("supervisor_a")
    response = supervisor.post(f"/cases/{cases.own}/post-closure-follow-ups/{follow_up_id}/seen")
    assert response.status_code == 302
    assert f'data-post-closure-alert="{follow_up_id}"' not in _home(supervisor)
    assert "Seen by a supervisor" in supervisor.get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    assert supervisor.post(f"/cases/{cases.own}/post-closure-follow-ups/{follow_up_id}/seen").status_code == 403


def test_a_holding_agreement_does_not_reach_the_queue(app, login_as, cases):
    close_with(app, cases.own, Outcome.AGREEMENT_FULL)
    follow_up_id = planned(app, cases.own)
    record_now(app, cases.own, follow_up_id, "mediator.a1", result="holding")
    assert f'data-post-closure-alert="{follow_up_id}"' not in _home(login_as("supervisor_a"))
    assert login_as("supervisor_a").post(
        f"/cases/{cases.own}/post-closure-follow-ups/{follow_up_id}/seen").status_code == 403


def test_a_reopened_case_leaves_the_queue(app, login_as, cases):
    from mediation.cases.services import closure as closure_service
    from mediation.extensions import db
    from tests.cases.matrix_rows_notes import actor, case_by_public_id

    close_with(app, cases.own, Outcome.AGREEMENT_FULL)
    follow_up_id = planned(app, cases.own)
    record_now(app, cases.own, follow_up_id, "mediator.a1", result="not_holding", action="reopen_requested")
    with app.app_context():
        closure_service.reopen_case(db.session, case_by_public_id(cases.own), "Demande de la famille",
                                    actor=actor("supervisor.a"))
        db.session.commit()
    assert f'data-post-closure-alert="{follow_up_id}"' not in _home(login_as("supervisor_a"))


def test_the_home_page_costs_the_same_with_many_follow_ups_as_with_one(app, login_as, cases, frozen_clock):
    """One statement per list (and what its rows show), whatever the number of follow-ups due and of alerts."""
    frozen_clock.set(CLOSED_AT)
    close_with(app, cases.own, Outcome.AGREEMENT_FULL)
    close_with(app, cases.colleague, Outcome.RECONCILIATION, username="mediator.a2")
    colleague = follow_ups(app, cases.colleague)
    record_now(app, cases.colleague, str(colleague[0].public_id), "mediator.a2", result="not_holding")

    def measured(persona: str, marker: str, count: int) -> int:
        client = login_as(persona)
        client.get("/")  # warm: the first request of a session loads its user
        statements, response = statements_of_get(app, client, "/")
        assert response.get_data(as_text=True).count(marker) == count
        return statements

    frozen_clock.set(CLOSED_AT + timedelta(days=40))  # the first follow-up is due
    lead_one = measured("mediator_a1", "data-post-closure-due=", 1)
    supervisor_one = measured("supervisor_a", "data-post-closure-alert=", 1)
    frozen_clock.set(CLOSED_AT + timedelta(days=200))  # all three are due
    for follow_up in colleague[1:]:
        record_now(app, cases.colleague, str(follow_up.public_id), "mediator.a2", result="not_holding")
    assert measured("mediator_a1", "data-post-closure-due=", 3) == lead_one
    assert measured("supervisor_a", "data-post-closure-alert=", 3) == supervisor_one
